"""A trivially correct model of what Redis and Sentinel do when a plan's actions run: apply(snapshot, plan) is the
snapshot the next observation would see once replicas have synced and Sentinels have rediscovered the topology.
"""

from __future__ import annotations

from dataclasses import replace

from ansible_collections.kun.redis.plugins.module_utils.topology.planner import Desired, Kind, Plan
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import (
    NO_REPLID,
    KnownPeer,
    RedisNodeView,
    SentinelView,
    Snapshot,
)


def apply(snapshot: Snapshot, plan: Plan, desired: Desired) -> Snapshot:
    nodes = {node.name: node for node in snapshot.nodes}
    by_kind: dict[str, list] = {}
    for action in plan.actions:
        by_kind.setdefault(action.kind, []).append(action)
    for action in by_kind.get(Kind.SET_MASTERAUTH, []):
        nodes[action.target] = replace(nodes[action.target], masterauth_matches=True)
    for action in by_kind.get(Kind.ANNOUNCE, []):
        nodes[action.target] = replace(nodes[action.target], replica_announce_ip=action.args["replica_announce_ip"])
    for action in by_kind.get(Kind.PROMOTE, []):
        nodes[action.target] = promoted(nodes[action.target])
    for action in by_kind.get(Kind.REPLICATE, []):
        node = nodes[action.target]
        nodes[action.target] = replace(
            node, role="slave", master_host=action.args["host"], master_port=action.args["port"]
        )
    if plan.master is not None:
        # Every replica of the master syncs, including those that already pointed at it with their link down.
        master = nodes[plan.master.name]
        for name, node in nodes.items():
            if node.reachable and node.replicates_from(master.endpoint):
                nodes[name] = synced_replica(node, master, node.master_host or "")
    after_nodes = Snapshot(tuple(nodes[node.name] for node in snapshot.nodes), snapshot.sentinels)

    sentinels = {sentinel.name: sentinel for sentinel in snapshot.sentinels}
    for action in by_kind.get(Kind.PROMOTE, []):
        # A Sentinel flags a master that reports itself a replica as down; once promoted it answers as a master.
        target = nodes[action.target].endpoint
        for name, sentinel in sentinels.items():
            if sentinel.master_host is not None and target.answers_to(sentinel.master_host, sentinel.master_port or 0):
                sentinels[name] = replace(sentinel, master_down=False)
    for action in by_kind.get(Kind.SENTINEL_CONFIG, []):
        current = sentinels[action.target]
        sentinels[action.target] = replace(
            current,
            resolve_hostnames=action.args.get("resolve-hostnames", _yes_no(current.resolve_hostnames)) == "yes",
            announce_hostnames=action.args.get("announce-hostnames", _yes_no(current.announce_hostnames)) == "yes",
            announce_ip=action.args.get("announce-ip", current.announce_ip),
        )
    for action in by_kind.get(Kind.SENTINEL_MONITOR, []):
        sentinels[action.target] = replace(
            sentinels[action.target],
            monitors_group=True,
            master_host=action.args["host"],
            master_port=action.args["port"],
            settings=desired.settings,
            failover_in_progress=False,
        )
    for action in by_kind.get(Kind.SENTINEL_SET, []):
        sentinels[action.target] = replace(sentinels[action.target], settings=desired.settings)
    # A new monitor and a reset both start from nothing and rediscover what is there now.
    for action in by_kind.get(Kind.SENTINEL_MONITOR, []) + by_kind.get(Kind.SENTINEL_RESET, []):
        sentinels[action.target] = rediscovered(sentinels[action.target], after_nodes, tuple(sentinels.values()))
    return Snapshot(after_nodes.nodes, tuple(sentinels[sentinel.name] for sentinel in snapshot.sentinels))


def promoted(node: RedisNodeView) -> RedisNodeView:
    """REPLICAOF NO ONE: a new replication history that remembers the one it came from."""
    return replace(
        node,
        role="master",
        master_host=None,
        master_port=None,
        master_link_up=False,
        replid=f"{node.replid}+{node.name}",
        replid2=node.replid,
    )


def synced_replica(node: RedisNodeView, master: RedisNodeView, host: str) -> RedisNodeView:
    """REPLICAOF host port, once the (full or partial) sync is done: the master's history, offset and keys."""
    return replace(
        node,
        role="slave",
        master_host=host,
        master_port=master.endpoint.port,
        master_link_up=True,
        replid=master.replid,
        replid2=NO_REPLID,
        offset=master.offset,
        dbsize=master.dbsize,
        replica_links=(),
    )


def rediscovered(sentinel: SentinelView, snapshot: Snapshot, sentinels: tuple[SentinelView, ...]) -> SentinelView:
    """What a Sentinel lists after learning replicas from its master's INFO and Sentinels from their hellos."""
    master = snapshot.node_at(sentinel.master_host, sentinel.master_port)
    replicas = tuple(
        KnownPeer(node.replica_announce_ip or node.endpoint.address, node.endpoint.port)
        for node in snapshot.reachable_nodes
        if master is not None and node is not master and node.replicates_from(master.endpoint)
    )
    peers = tuple(
        KnownPeer(other.announce_ip or other.endpoint.address, other.endpoint.port)
        for other in sentinels
        if other.reachable and other.name != sentinel.name
    )
    return replace(sentinel, master_down=False, replicas=replicas, sentinels=peers)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
