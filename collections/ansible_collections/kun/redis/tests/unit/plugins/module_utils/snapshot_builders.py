"""Small builders for Snapshots in unit tests: node i listens on 10.0.0.i:6379, Sentinel i on 10.0.1.i:26379."""

from __future__ import annotations

from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint
from ansible_collections.kun.redis.plugins.module_utils.topology.planner import Desired
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import (
    NO_REPLID,
    KnownPeer,
    RedisNodeView,
    SentinelSettings,
    SentinelView,
)

SETTINGS = SentinelSettings(quorum=2, down_after_milliseconds=5000, failover_timeout=10000, parallel_syncs=1)
DESIRED = Desired("ns-redis", SETTINGS)


def node_endpoint(index: int, hostname: bool = False) -> Endpoint:
    return Endpoint(f"10.0.0.{index}", 6379, f"redis-{index}.redis.ns.svc" if hostname else None)


def sentinel_endpoint(index: int, hostname: bool = False) -> Endpoint:
    return Endpoint(f"10.0.1.{index}", 26379, f"sentinel-{index}.sentinel.ns.svc" if hostname else None)


def master(index: int, *, replid: str = "A", offset: int = 1000, keys: int = 10, **fields) -> RedisNodeView:
    return RedisNodeView(
        node_endpoint(index, fields.pop("hostname", False)),
        reachable=True,
        version=fields.pop("version", "7.0.15"),
        role="master",
        replid=replid,
        offset=offset,
        dbsize=keys,
        **fields,
    )


def replica(index: int, of: int | str, *, replid: str = "A", offset: int = 1000, keys: int = 10, **fields):
    """A replica of node `of` (an index), or of "host:port" (a string) outside the group."""
    host, port = (f"10.0.0.{of}", 6379) if isinstance(of, int) else (of.split(":")[0], int(of.split(":")[1]))
    return RedisNodeView(
        node_endpoint(index, fields.pop("hostname", False)),
        reachable=True,
        version=fields.pop("version", "7.0.15"),
        role="slave",
        master_host=host,
        master_port=port,
        master_link_up=fields.pop("link_up", True),
        replid=replid,
        replid2=fields.pop("replid2", NO_REPLID),
        offset=offset,
        dbsize=keys,
        **fields,
    )


def down_node(index: int) -> RedisNodeView:
    return RedisNodeView(node_endpoint(index), reachable=False, error="ConnectionError: refused")


def sentinel(
    index: int,
    master_index: int | None,
    *,
    replicas: tuple[int | str, ...] = (),
    sentinels: tuple[int, ...] | None = None,
    total_sentinels: int = 3,
    **fields,
) -> SentinelView:
    """Sentinel `index` monitoring node `master_index` (None: not monitoring), listing the given replicas (indexes,
    or "host:port" strings for entries that are gone) and, by default, every other Sentinel."""
    if master_index is None:
        return SentinelView(sentinel_endpoint(index), reachable=True, version="7.0.15")
    if sentinels is None:
        sentinels = tuple(i for i in range(total_sentinels) if i != index)
    down_replicas = set(fields.pop("down_replicas", ()))
    down_sentinels = set(fields.pop("down_sentinels", ()))
    return SentinelView(
        sentinel_endpoint(index),
        reachable=True,
        version="7.0.15",
        monitors_group=True,
        master_host=f"10.0.0.{master_index}",
        master_port=6379,
        settings=fields.pop("settings", SETTINGS),
        replicas=tuple(_peer(r, 6379, "10.0.0", down_replicas) for r in replicas),
        sentinels=tuple(_peer(s, 26379, "10.0.1", down_sentinels) for s in sentinels),
        **fields,
    )


def down_sentinel(index: int) -> SentinelView:
    return SentinelView(sentinel_endpoint(index), reachable=False, error="ConnectionError: refused")


def _peer(ref: int | str, port: int, prefix: str, down: set) -> KnownPeer:
    if isinstance(ref, str):
        host, _colon, peer_port = ref.partition(":")
        return KnownPeer(host, int(peer_port), down=ref in down)
    return KnownPeer(f"{prefix}.{ref}", port, down=ref in down)
