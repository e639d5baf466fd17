# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builds a Snapshot: every Redis node and Sentinel asked in parallel, one round trip (a pipeline) each.

A process that does not answer within the timeouts is recorded as unreachable with the cause; nothing here raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.kun.redis.plugins.module_utils.redis.client import (
    ConnectionSettings,
    connect,
    describe_error,
    parse_info,
    reply_dict,
)
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import (
    NO_REPLID,
    KnownPeer,
    RedisNodeView,
    ReplicaLink,
    SentinelSettings,
    SentinelView,
    Snapshot,
)


def observe(
    nodes: Sequence[Endpoint], sentinels: Sequence[Endpoint], group: str, connection: ConnectionSettings
) -> Snapshot:
    workers = max(1, len(nodes) + len(sentinels))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        node_views = [pool.submit(observe_node, endpoint, connection) for endpoint in nodes]
        sentinel_views = [pool.submit(observe_sentinel, endpoint, group, connection) for endpoint in sentinels]
        return Snapshot(tuple(f.result() for f in node_views), tuple(f.result() for f in sentinel_views))


def observe_node(endpoint: Endpoint, connection: ConnectionSettings) -> RedisNodeView:
    try:
        with connect(endpoint, connection) as client:
            replication, server, keyspace, persistence, announce, masterauth = client.pipeline(
                [
                    ("INFO", "replication"),
                    ("INFO", "server"),
                    ("INFO", "keyspace"),
                    ("INFO", "persistence"),
                    ("CONFIG", "GET", "replica-announce-ip"),
                    ("CONFIG", "GET", "masterauth"),
                ]
            )
    except Exception as error:  # any failure to talk to a node means "unreachable, because ..."
        return RedisNodeView(endpoint, reachable=False, error=describe_error(error))
    return node_view(
        endpoint,
        parse_info(replication),
        parse_info(server),
        parse_info(keyspace),
        persistence=parse_info(persistence),
        announce_ip=reply_dict(announce).get("replica-announce-ip", ""),
        masterauth_matches=connection.password is None
        or reply_dict(masterauth).get("masterauth", "") == connection.password,
    )


def node_view(
    endpoint: Endpoint,
    replication: dict[str, str],
    server: dict[str, str],
    keyspace: dict[str, str],
    *,
    announce_ip: str,
    masterauth_matches: bool,
    persistence: dict[str, str] | None = None,
) -> RedisNodeView:
    role = replication.get("role", "")
    return RedisNodeView(
        endpoint,
        reachable=True,
        version=server.get("redis_version", ""),
        run_id=server.get("run_id", ""),
        role=role,
        master_host=replication.get("master_host") if role == "slave" else None,
        master_port=int(replication["master_port"]) if role == "slave" and "master_port" in replication else None,
        master_link_up=replication.get("master_link_status") == "up",
        replid=replication.get("master_replid", ""),
        replid2=replication.get("master_replid2", NO_REPLID),
        offset=int(replication.get("master_repl_offset", "0")),
        dbsize=sum(int(_fields(value).get("keys", "0")) for value in keyspace.values()),
        loading=(persistence or {}).get("loading") == "1",
        replica_announce_ip=announce_ip,
        masterauth_matches=masterauth_matches,
        replica_links=tuple(
            _replica_link(_fields(value)) for key, value in sorted(replication.items()) if _is_replica_field(key)
        ),
    )


def observe_sentinel(endpoint: Endpoint, group: str, connection: ConnectionSettings) -> SentinelView:
    try:
        with connect(endpoint, connection, authenticate=False) as client:
            server, master, replicas, sentinels, config = client.pipeline(
                [
                    ("INFO", "server"),
                    ("SENTINEL", "MASTER", group),
                    ("SENTINEL", "REPLICAS", group),
                    ("SENTINEL", "SENTINELS", group),
                    ("SENTINEL", "CONFIG", "GET", "*"),
                ],
                raise_on_error=False,
            )
        if isinstance(server, Exception):
            raise server
    except Exception as error:  # any failure to talk to a Sentinel means "unreachable, because ..."
        return SentinelView(endpoint, reachable=False, error=describe_error(error))
    version = parse_info(server).get("redis_version", "")
    # An error reply means "no such master" (SENTINEL MASTER) or "too old for SENTINEL CONFIG" (before 6.2).
    config = {} if isinstance(config, Exception) else reply_dict(config)
    announce = {
        "resolve_hostnames": config.get("resolve-hostnames") == "yes",
        "announce_hostnames": config.get("announce-hostnames") == "yes",
        "announce_ip": config.get("announce-ip", ""),
    }
    if isinstance(master, Exception):
        return SentinelView(endpoint, reachable=True, version=version, **announce)
    return sentinel_view(
        endpoint, version=version, master=reply_dict(master), replicas=replicas, sentinels=sentinels, announce=announce
    )


def sentinel_view(
    endpoint: Endpoint,
    *,
    version: str,
    master: dict[str, str],
    replicas: list,
    sentinels: list,
    announce: dict,
) -> SentinelView:
    flags = set(master.get("flags", "").split(","))
    return SentinelView(
        endpoint,
        reachable=True,
        version=version,
        monitors_group=True,
        master_host=master.get("ip"),
        master_port=int(master["port"]) if "port" in master else None,
        master_down=bool(flags & {"s_down", "o_down"}),
        failover_in_progress="failover_in_progress" in flags,
        settings=SentinelSettings(
            quorum=int(master.get("quorum", 0)),
            down_after_milliseconds=int(master.get("down-after-milliseconds", 0)),
            failover_timeout=int(master.get("failover-timeout", 0)),
            parallel_syncs=int(master.get("parallel-syncs", 0)),
        ),
        replicas=tuple(_known_peer(reply_dict(item)) for item in _list(replicas)),
        sentinels=tuple(_known_peer(reply_dict(item)) for item in _list(sentinels)),
        **announce,
    )


def _known_peer(fields: dict[str, str]) -> KnownPeer:
    # Only s_down: "disconnected" is also the brief state of a peer Sentinel has just discovered.
    flags = set(fields.get("flags", "").split(","))
    return KnownPeer(fields.get("ip", ""), int(fields.get("port", 0)), down="s_down" in flags)


def _replica_link(fields: dict[str, str]) -> ReplicaLink:
    return ReplicaLink(
        host=fields.get("ip", ""),
        port=int(fields.get("port", 0)),
        state=fields.get("state", ""),
        offset=int(fields.get("offset", 0)),
        lag=int(fields.get("lag", 0)),
    )


def _is_replica_field(key: str) -> bool:
    return key.startswith("slave") and key[5:].isdigit()


def _fields(value: str) -> dict[str, str]:
    """'ip=10.0.0.1,port=6379,state=online' -> {'ip': '10.0.0.1', ...}"""
    return dict(part.split("=", 1) for part in value.split(",") if "=" in part)


def _list(reply) -> list:
    return [] if isinstance(reply, Exception) or reply is None else list(reply)
