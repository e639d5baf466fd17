# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: what redis_sentinel_heal returns, from the last snapshot, its plan and the actions that ran.

Nothing here sees the password: snapshots and actions never hold it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from ansible_collections.kun.redis.plugins.module_utils.topology.planner import Action, Event, Plan
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import KnownPeer, RedisNodeView, Snapshot


def heal_result(
    snapshot: Snapshot,
    plan: Plan,
    actions: Sequence[Action],
    events: Sequence[Event],
    previous_master: str | None = None,
) -> dict:
    master = plan.master
    healthy, message = health(snapshot, plan)
    all_events = list(events)
    if master is not None and previous_master and not master.endpoint.answers_to(*_split(previous_master)):
        all_events.insert(
            0, Event("FailoverDetected", f"the master is now {master.name} (was {previous_master})", "Warning")
        )
    return {
        "master": _endpoint(master) if master else None,
        "master_source": plan.master_source,
        "replicas": [_replica(node, master) for node in snapshot.reachable_nodes if master and node is not master],
        "unreachable_members": [
            {"name": process.name, "error": process.error}
            for process in (*snapshot.nodes, *snapshot.sentinels)
            if not process.reachable
        ],
        "sentinels": [_sentinel(sentinel, master) for sentinel in snapshot.sentinels],
        "actions": [{"kind": a.kind, "target": a.target, "reason": a.reason, "args": dict(a.args)} for a in actions],
        "events": [asdict(event) for event in all_events],
        "healthy": healthy,
        "message": message,
    }


def health(snapshot: Snapshot, plan: Plan) -> tuple[bool, str]:
    """Healthy, and one line fit for a status condition saying why (not)."""
    if plan.master is None:
        return False, plan.blocked or "no master"
    down = [process.name for process in (*snapshot.nodes, *snapshot.sentinels) if not process.reachable]
    if down:
        return False, f"unreachable: {', '.join(down)}"
    if plan.actions:
        return False, f"{len(plan.actions)} corrections pending: {', '.join(a.kind for a in plan.actions)}"
    master = plan.master
    replicas = [node for node in snapshot.nodes if node is not master]
    syncing = [node.name for node in replicas if not node.master_link_up]
    if syncing:
        return False, f"replicas not in sync with {master.name}: {', '.join(syncing)}"
    wanted_replicas = sorted(node.name for node in replicas)
    for sentinel in snapshot.sentinels:
        # Lists, not sets: an entry listed twice is a phantom Sentinel (redis_planner._listed_twice).
        seen_replicas = sorted(_known_as(snapshot.node_at(p.host, p.port), p) for p in sentinel.replicas)
        seen_sentinels = sorted(_known_as(snapshot.sentinel_at(p.host, p.port), p) for p in sentinel.sentinels)
        wanted_sentinels = sorted(other.name for other in snapshot.sentinels if other is not sentinel)
        if seen_replicas != wanted_replicas or seen_sentinels != wanted_sentinels:
            return False, (
                f"Sentinel {sentinel.name} sees replicas {seen_replicas} and Sentinels {seen_sentinels}, "
                f"wanted {wanted_replicas} and {wanted_sentinels}"
            )
    return True, (
        f"Cluster ok: master {master.name}, {len(replicas)} replicas in sync, {len(snapshot.sentinels)} Sentinels agree"
    )


def _known_as(process, peer: KnownPeer) -> str:
    """The name of the process a Sentinel's entry designates, or the entry itself when it designates none."""
    return process.name if process is not None else f"{peer.host}:{peer.port}"


def _endpoint(node: RedisNodeView) -> dict:
    endpoint = node.endpoint
    return {"name": endpoint.name, "address": endpoint.address, "port": endpoint.port, "hostname": endpoint.hostname}


def _replica(node: RedisNodeView, master: RedisNodeView) -> dict:
    link = next((link for link in master.replica_links if node.endpoint.answers_to(link.host, link.port)), None)
    return {
        **_endpoint(node),
        "master": f"{node.master_host}:{node.master_port}" if node.role == "slave" else None,
        "link_up": node.master_link_up,
        # Replicating from this master with its link up: what status.replicaCount counts.
        "linked": node.master_link_up and node.replicates_from(master.endpoint),
        "offset_lag": max(0, master.offset - node.offset) if node.replid == master.replid else None,
        "lag_seconds": link.lag if link else None,
    }


def _sentinel(sentinel, master: RedisNodeView | None) -> dict:
    agrees = (
        master is not None
        and sentinel.reachable
        and sentinel.monitors_group
        and sentinel.master_host is not None
        and master.endpoint.answers_to(sentinel.master_host, sentinel.master_port)
    )
    return {
        "name": sentinel.name,
        "reachable": sentinel.reachable,
        "monitors_group": sentinel.monitors_group,
        "master": f"{sentinel.master_host}:{sentinel.master_port}" if sentinel.monitors_group else None,
        "agrees": agrees,  # monitors the group and sees the master found here: what status.sentinelCount counts
        "master_down": sentinel.master_down,
        "failover_in_progress": sentinel.failover_in_progress,
        "replicas": [f"{peer.host}:{peer.port}" for peer in sentinel.replicas],
        "sentinels": [f"{peer.host}:{peer.port}" for peer in sentinel.sentinels],
    }


def _split(name: str) -> tuple[str, int]:
    host, _colon, port = name.rpartition(":")
    return host, int(port) if port.isdigit() else 0
