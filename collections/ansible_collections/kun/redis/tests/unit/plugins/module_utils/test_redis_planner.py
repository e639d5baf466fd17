"""The planner as one table: an observed snapshot -> the master it keeps and the actions it plans, in order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ansible_collections.kun.redis.plugins.module_utils.topology.planner import Kind, plan
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import SentinelSettings, Snapshot
from ansible_collections.kun.redis.tests.unit.plugins.module_utils.snapshot_builders import (
    DESIRED,
    down_node,
    down_sentinel,
    master,
    replica,
    sentinel,
)

N0, N1, N2 = "10.0.0.0:6379", "10.0.0.1:6379", "10.0.0.2:6379"
S0, S1, S2 = "10.0.1.0:26379", "10.0.1.1:26379", "10.0.1.2:26379"


def healthy_sentinels(master_index: int = 0, replicas: tuple = (1, 2)) -> tuple:
    return tuple(sentinel(i, master_index, replicas=replicas) for i in range(3))


HEALTHY_NODES = (master(0), replica(1, 0), replica(2, 0))

CASES = {
    "healthy group: nothing to do": (Snapshot(HEALTHY_NODES, healthy_sentinels()), N0, []),
    "fresh group: bootstrapped on the first node": (
        Snapshot(
            (master(0, offset=0, keys=0), master(1, offset=0, keys=0), master(2, offset=0, keys=0)),
            (sentinel(0, None), sentinel(1, None), sentinel(2, None)),
        ),
        N0,
        [
            (Kind.REPLICATE, N1),
            (Kind.REPLICATE, N2),
            (Kind.SENTINEL_MONITOR, S0),
            (Kind.SENTINEL_MONITOR, S1),
            (Kind.SENTINEL_MONITOR, S2),
        ],
    ),
    "replica of a master outside the group is repointed": (
        Snapshot((master(0), replica(1, 0), replica(2, "10.9.9.9:6379")), healthy_sentinels(replicas=(1,))),
        N0,
        [(Kind.REPLICATE, N2)],
    ),
    "second master with more data still yields to the Sentinel quorum": (
        Snapshot((master(0), replica(1, 0), master(2, replid="B", offset=9999, keys=99)), healthy_sentinels()),
        N0,
        [(Kind.REPLICATE, N2)],
    ),
    "two masters without Sentinels: the one with data wins": (
        Snapshot((master(0, offset=0, keys=0, replid="B"), master(1, offset=500), replica(2, 0, replid="B", offset=0))),
        N1,
        [(Kind.REPLICATE, N0), (Kind.REPLICATE, N2)],
    ),
    "stray empty master (restarted without replicaof) is made a replica": (
        Snapshot((master(0), replica(1, 0), master(2, replid="C", offset=0, keys=0)), healthy_sentinels(replicas=(1,))),
        N0,
        [(Kind.REPLICATE, N2)],
    ),
    "Sentinel quorum lost, old master gone: the replica with the highest offset is promoted": (
        Snapshot(
            (down_node(0), replica(1, 0, offset=900), replica(2, 0, offset=950)),
            (sentinel(0, None), down_sentinel(1), down_sentinel(2)),
        ),
        N2,
        [(Kind.PROMOTE, N2), (Kind.REPLICATE, N1), (Kind.SENTINEL_MONITOR, S0)],
    ),
    "the newest replication history wins over a higher offset in an older one": (
        Snapshot((master(0, replid="A", offset=2000), master(1, replid="B", offset=1500, replid2="A"), down_node(2))),
        N1,
        [(Kind.REPLICATE, N0)],
    ),
    "an empty node is never promoted over a replica with data": (
        Snapshot((master(0, replid="E", offset=0, keys=0), replica(1, "10.9.9.9:6379", offset=10, keys=1))),
        N1,
        [(Kind.PROMOTE, N1), (Kind.REPLICATE, N0)],
    ),
    "Sentinel listing a gone replica is reset, the others are left alone": (
        Snapshot(HEALTHY_NODES, (sentinel(0, 0, replicas=(1, 2, "10.0.0.7:6379")), *healthy_sentinels()[1:])),
        N0,
        [(Kind.SENTINEL_RESET, S0)],
    ),
    "Sentinel still probing a replica's old address (s_down while it answers) is reset": (
        Snapshot(HEALTHY_NODES, (*healthy_sentinels()[:2], sentinel(2, 0, replicas=(1, 2), down_replicas={2}))),
        N0,
        [(Kind.SENTINEL_RESET, S2)],
    ),
    "Sentinel listing a gone Sentinel is reset": (
        Snapshot(HEALTHY_NODES, (sentinel(0, 0, replicas=(1, 2), sentinels=(1, 2, 7)), *healthy_sentinels()[1:])),
        N0,
        [(Kind.SENTINEL_RESET, S0)],
    ),
    "Sentinel listing itself (a peer's name resolved to its own address) is reset": (
        Snapshot(HEALTHY_NODES, (sentinel(0, 0, replicas=(1, 2), sentinels=(0, 1, 2)), *healthy_sentinels()[1:])),
        N0,
        [(Kind.SENTINEL_RESET, S0)],
    ),
    "Sentinel listing another Sentinel twice (a phantom that counts towards the majority) is reset": (
        Snapshot(
            HEALTHY_NODES,
            (*healthy_sentinels()[:1], sentinel(1, 0, replicas=(1, 2), sentinels=(0, 0, 2)), *healthy_sentinels()[2:]),
        ),
        N0,
        [(Kind.SENTINEL_RESET, S1)],
    ),
    "a down replica that is still a member is not a stale entry": (
        Snapshot((master(0), replica(1, 0), down_node(2)), healthy_sentinels()),
        N0,
        [],
    ),
    "Sentinel settings that differ are set": (
        Snapshot(
            HEALTHY_NODES,
            (
                sentinel(0, 0, replicas=(1, 2), settings=SentinelSettings(2, 30000, 180000, 1)),
                *healthy_sentinels()[1:],
            ),
        ),
        N0,
        [(Kind.SENTINEL_SET, S0)],
    ),
    "Sentinel in the minority monitoring another master is re-monitored": (
        Snapshot(HEALTHY_NODES, (*healthy_sentinels()[:2], sentinel(2, 1, replicas=(0, 2)))),
        N0,
        [(Kind.SENTINEL_MONITOR, S2)],
    ),
    "Sentinel that sees the master down while it answers is re-monitored": (
        Snapshot(HEALTHY_NODES, (*healthy_sentinels()[:2], sentinel(2, 0, replicas=(1, 2), master_down=True))),
        N0,
        [(Kind.SENTINEL_MONITOR, S2)],
    ),
    "wrong masterauth is set": (
        Snapshot((master(0), replica(1, 0, masterauth_matches=False), replica(2, 0)), healthy_sentinels()),
        N0,
        [(Kind.SET_MASTERAUTH, N1)],
    ),
    "quorum master restarted empty before Sentinel noticed: the replica holding the data wins": (
        Snapshot(
            (master(0, replid="R", offset=0, keys=0), replica(1, 0, offset=900), replica(2, 0)), healthy_sentinels()
        ),
        N2,
        [
            (Kind.PROMOTE, N2),
            (Kind.REPLICATE, N0),
            (Kind.REPLICATE, N1),
            (Kind.SENTINEL_MONITOR, S0),
            (Kind.SENTINEL_MONITOR, S1),
            (Kind.SENTINEL_MONITOR, S2),
        ],
    ),
    "quorum master emptied by the user (same history as its replicas) stays the master": (
        Snapshot(
            (master(0, offset=1200, keys=0), replica(1, 0, offset=1100, keys=5), replica(2, 0)), healthy_sentinels()
        ),
        N0,
        [],
    ),
    "failover in progress: nothing at all": (
        Snapshot(
            (down_node(0), master(1, replid="B", replid2="A"), replica(2, 0)),
            (sentinel(0, 0, replicas=(1, 2), failover_in_progress=True), *healthy_sentinels()[1:]),
        ),
        None,
        [],
    ),
    "quorum master down and Sentinel knows a replica: wait for Sentinel, never override it": (
        Snapshot((down_node(0), replica(1, 0, offset=990), replica(2, 0, offset=999)), healthy_sentinels()),
        None,
        [],
    ),
    "quorum master down and Sentinel knows no live replica: chosen by data and Sentinels re-monitored": (
        Snapshot((down_node(0), replica(1, 0, offset=990), replica(2, 0, offset=999)), healthy_sentinels(replicas=())),
        N2,
        [
            (Kind.PROMOTE, N2),
            (Kind.REPLICATE, N1),
            (Kind.SENTINEL_MONITOR, S0),
            (Kind.SENTINEL_MONITOR, S1),
            (Kind.SENTINEL_MONITOR, S2),
        ],
    ),
}


@pytest.mark.parametrize(("snapshot", "master_name", "expected"), CASES.values(), ids=CASES.keys())
def test_plan(snapshot: Snapshot, master_name: str | None, expected: list) -> None:
    result = plan(snapshot, DESIRED)
    assert (result.master.name if result.master else None) == master_name
    assert [(action.kind, action.target) for action in result.actions] == expected
    if master_name is None:
        assert result.blocked


def test_stable_hostnames_are_announced_and_used_for_replication_and_monitoring() -> None:
    nodes = (master(0, hostname=True), replica(1, 0, hostname=True), master(2, hostname=True, offset=0, keys=0))
    sentinels = tuple(
        replace(s, endpoint=replace(s.endpoint, hostname=f"s{i}")) for i, s in enumerate(healthy_sentinels())
    )
    result = plan(Snapshot(nodes, sentinels), DESIRED)
    kinds = [(action.kind, action.target) for action in result.actions]
    assert kinds[:3] == [(Kind.ANNOUNCE, N0), (Kind.ANNOUNCE, N1), (Kind.ANNOUNCE, N2)]
    assert result.actions[0].args == {"replica_announce_ip": "redis-0.redis.ns.svc"}
    replicate = next(action for action in result.actions if action.kind == Kind.REPLICATE)
    assert replicate.args == {"host": "redis-0.redis.ns.svc", "port": 6379}
    config = next(action for action in result.actions if action.kind == Kind.SENTINEL_CONFIG)
    assert config.args == {
        "resolve-hostnames": "yes",
        "announce-hostnames": "yes",
        "announce-ip": "s0",
    }


def test_old_redis_versions_are_announced_by_address() -> None:
    nodes = (master(0, hostname=True, version="6.0.9"), replica(1, 0, hostname=True))
    result = plan(Snapshot(nodes), DESIRED)
    assert result.actions == ()


def test_events_name_what_was_done() -> None:
    snapshot = Snapshot((master(0), replica(1, 0), master(2, replid="B", offset=50, keys=5)), healthy_sentinels())
    events = plan(snapshot, DESIRED).events
    assert [(event.reason, event.type) for event in events] == [("SplitBrainResolved", "Warning")]
    assert N2 in events[0].message and N0 in events[0].message

    fresh = Snapshot((master(0, offset=0, keys=0), master(1, offset=0, keys=0)))
    assert [event.reason for event in plan(fresh, DESIRED).events] == ["Bootstrapped"]


def test_resets_come_last_and_wait_for_the_whole_topology() -> None:
    snapshot = Snapshot(
        (master(0), replica(1, 0), replica(2, "10.9.9.9:6379")),
        tuple(sentinel(i, 0, replicas=(1, "10.0.0.9:6379")) for i in range(3)),
    )
    actions = plan(snapshot, DESIRED).actions
    assert [action.kind for action in actions] == [Kind.REPLICATE] + [Kind.SENTINEL_RESET] * 3
    assert actions[-1].args == {"master_host": "10.0.0.0", "master_port": 6379, "replicas": 2, "sentinels": 2}


def test_a_replica_entry_of_a_member_being_replaced_is_kept_until_the_group_is_whole() -> None:
    """Size 3, the pod of node 2 replaced (not a member for now): the Sentinels still list it, and it comes back
    under that name, so no reset; once the group is whole, an entry of no member is stale and reset."""
    listing_node_2 = tuple(sentinel(i, 0, replicas=(1, 2)) for i in range(3))
    short = Snapshot((master(0), replica(1, 0)), listing_node_2)
    assert plan(short, replace(DESIRED, size=3)).actions == ()
    whole = Snapshot((master(0), replica(1, 0), replica(3, 0)), listing_node_2)
    actions = plan(whole, replace(DESIRED, size=3)).actions
    assert [(action.kind, action.target) for action in actions] == [(Kind.SENTINEL_RESET, s) for s in (S0, S1, S2)]
