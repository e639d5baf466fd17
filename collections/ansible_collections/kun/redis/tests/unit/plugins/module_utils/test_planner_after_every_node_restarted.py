"""The planner after every node and Sentinel restarted at once (issue #5): the master is chosen by data, never by
ordinal nor by a Sentinel's guess, and only once more than half of the group answers with its data loaded.

A node restarted from an AOF comes back as a master of a new history at offset 0 (Redis 7.0 restores no offset from
it); one restarted from an RDB keeps the saved history as master_replid2 and its offset.
"""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.module_utils.topology.planner import (
    Desired,
    Kind,
    data_rank,
    newest_histories,
    plan,
)
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import NO_REPLID, RedisNodeView, Snapshot
from ansible_collections.kun.redis.tests.unit.plugins.module_utils.snapshot_builders import (
    DESIRED,
    SETTINGS,
    down_node,
    master,
    sentinel,
)
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

N0, N1, N2 = "10.0.0.0:6379", "10.0.0.1:6379", "10.0.0.2:6379"
S0, S1, S2 = "10.0.1.0:26379", "10.0.1.1:26379", "10.0.1.2:26379"
MONITOR_ALL = [(Kind.SENTINEL_MONITOR, S0), (Kind.SENTINEL_MONITOR, S1), (Kind.SENTINEL_MONITOR, S2)]


def from_aof(index: int, keys: int, **fields) -> RedisNodeView:
    """A node restarted from its AOF: a master of a new history of its own, at offset 0."""
    return master(index, replid=f"R{index}", offset=0, keys=keys, **fields)


def from_rdb(index: int, offset: int, keys: int) -> RedisNodeView:
    """A node restarted from its RDB: the saved history H as replid2, and the saved offset."""
    return master(index, replid=f"R{index}", replid2="H", offset=offset, keys=keys)


def fresh_sentinels() -> tuple:
    return tuple(sentinel(i, None) for i in range(3))


def sentinels_guessing(index: int, replicas: tuple = ()) -> tuple:
    """New Sentinels monitoring the node their start script found first, knowing the given replicas of it."""
    return tuple(sentinel(i, index, replicas=replicas) for i in range(3))


AOF_RESTART = (from_aof(0, keys=50), from_aof(1, keys=80), from_aof(2, keys=80))

CASES = {
    "AOF restart, fresh Sentinels: the most keys win, the lagging ordinal 0 follows": (
        Snapshot(AOF_RESTART, fresh_sentinels()),
        DESIRED,
        N1,
        [(Kind.REPLICATE, N0), (Kind.REPLICATE, N2), *MONITOR_ALL],
    ),
    "AOF restart, Sentinels guessed ordinal 0: the guess does not make it master": (
        Snapshot(AOF_RESTART, sentinels_guessing(0)),
        DESIRED,
        N1,
        [(Kind.REPLICATE, N0), (Kind.REPLICATE, N2), *MONITOR_ALL],
    ),
    "RDB restart: the highest restored offset wins over more keys (the lagging node missed deletions)": (
        Snapshot((from_rdb(0, offset=1540, keys=90), from_rdb(1, 2457, 80), from_rdb(2, 2457, 80)), fresh_sentinels()),
        DESIRED,
        N1,
        [(Kind.REPLICATE, N0), (Kind.REPLICATE, N2), *MONITOR_ALL],
    ),
    "a master whose replicas restarted keeps the Sentinels' trust: they list those nodes as its replicas": (
        Snapshot(
            (master(0, offset=5000, keys=10), from_aof(1, keys=12), from_aof(2, keys=12)),
            sentinels_guessing(0, replicas=(1, 2)),
        ),
        DESIRED,
        N0,
        [(Kind.REPLICATE, N1), (Kind.REPLICATE, N2)],
    ),
    "one node of three answering: no master yet, whatever its data": (
        Snapshot((from_aof(0, keys=50), down_node(1), down_node(2)), fresh_sentinels()),
        DESIRED,
        None,
        [],
    ),
    "two of three answering but one still loading: no master yet": (
        Snapshot((from_aof(0, keys=50), down_node(1), from_aof(2, keys=10, loading=True)), fresh_sentinels()),
        DESIRED,
        None,
        [],
    ),
    "two of three loaded: the node still loading is neither judged on its partial keys nor chosen": (
        Snapshot((from_aof(0, keys=50), from_aof(1, keys=80), from_aof(2, keys=99, loading=True)), fresh_sentinels()),
        DESIRED,
        N1,
        [(Kind.REPLICATE, N0), (Kind.REPLICATE, N2), *MONITOR_ALL],
    ),
    "pods without an address yet count: two loaded of five is not more than half": (
        Snapshot((from_aof(0, keys=50), from_aof(1, keys=80)), fresh_sentinels()),
        Desired(DESIRED.group, SETTINGS, size=5),
        None,
        [],
    ),
    "a fresh cluster is bootstrapped on ordinal 0 without waiting for nodes still starting": (
        Snapshot((from_aof(0, keys=0), down_node(1), down_node(2)), fresh_sentinels()),
        DESIRED,
        N0,
        MONITOR_ALL,
    ),
}


@pytest.mark.parametrize(("snapshot", "desired", "master_name", "expected"), CASES.values(), ids=CASES.keys())
def test_plan_after_every_node_restarted(snapshot: Snapshot, desired: Desired, master_name, expected: list) -> None:
    result = plan(snapshot, desired)
    assert (result.master.name if result.master else None) == master_name, result.blocked
    assert [(action.kind, action.target) for action in result.actions] == expected


@st.composite
def restarted_nodes(draw, index: int) -> RedisNodeView:
    """A node after a restart of the whole group: down, still loading, or a master without replicas."""
    state = draw(st.sampled_from(["down", "loading", "loaded", "loaded"]))
    if state == "down":
        return down_node(index)
    from_rdb_file = draw(st.booleans())
    return master(
        index,
        replid=f"R{index}",
        replid2="H" if from_rdb_file else NO_REPLID,
        offset=draw(st.integers(1, 4)) * 100 if from_rdb_file else 0,
        keys=draw(st.integers(0, 3)),
        loading=state == "loading",
    )


@st.composite
def restarted_groups(draw) -> Snapshot:
    nodes = tuple(draw(restarted_nodes(index)) for index in range(3))
    guess = draw(st.sampled_from([None, 0, 1, 2]))
    return Snapshot(nodes, fresh_sentinels() if guess is None else sentinels_guessing(guess))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(restarted_groups())
def test_after_a_restart_of_every_node_no_minority_decides_and_the_most_data_wins(snapshot: Snapshot) -> None:
    note(repr(snapshot))
    loaded = [node for node in snapshot.reachable_nodes if not node.loading]
    result = plan(snapshot, DESIRED)
    if any(node.has_data for node in snapshot.reachable_nodes) and len(loaded) <= len(snapshot.nodes) // 2:
        assert not [action for action in result.actions if action.kind in (Kind.PROMOTE, Kind.REPLICATE)]
    if len(loaded) == len(snapshot.nodes):
        assert result.master is not None, result.blocked
    if result.master is not None:
        assert not result.master.loading
    if result.master is not None and any(node.has_data for node in loaded):  # else any empty node will do
        heads = newest_histories(snapshot)
        best = max((*data_rank(node, heads), node.dbsize) for node in loaded)
        assert (*data_rank(result.master, heads), result.master.dbsize) == best
