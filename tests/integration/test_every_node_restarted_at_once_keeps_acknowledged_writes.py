"""Every node and Sentinel restarts at once: the healer chooses the master by data, never by ordinal.

Scenario (issue #5, the chaos suite's delete_every_pod): node 1 is the master, node 2 the replica that acknowledges
each write (WAIT 1), node 0 a replica that stopped before the last writes. Every process restarts from its own disk
as a master without replicaof (what the pods' start script does when nobody names a master) beside fresh Sentinels.
Node 0 has fewer keys (and, after an RDB restart, a lower offset) than node 1: were it chosen, as ordinal 0 of a
fresh cluster would be, nodes 1 and 2 would resync from it and the last acknowledged writes would be gone.
"""

from __future__ import annotations

import pytest

from tests.integration.conftest import heal, heal_until_healthy
from tests.integration.redis_processes import LOOPBACK, RedisGroup, RedisProcess, wait_for

pytestmark = pytest.mark.integration

# How each node keeps its data across the restart, and how it is stopped: with an AOF written at every command a
# SIGKILL loses nothing, and Redis 7.0 restores no replication offset from it; an RDB saved at shutdown restores one.
PERSISTENCE = {
    "aof": (("appendonly yes", "appendfsync always"), RedisProcess.kill),
    "rdb": (("save 900 1",), RedisProcess.stop),
}
EARLY_KEYS, LATE_KEYS = 50, 30


def replicates_from(node: RedisProcess, master: RedisProcess) -> bool:
    info = node.client().info("replication")
    return info["role"] == "slave" and info["master_port"] == master.port and info["master_link_status"] == "up"


def aof_settled(node: RedisProcess) -> bool:
    """No AOF rewrite pending: a replica's data from its full sync reaches its AOF only through one."""
    persistence = node.client().info("persistence")
    return not persistence["aof_rewrite_in_progress"] and not persistence["aof_rewrite_scheduled"]


def restart_with_data(group: RedisGroup, persistence: str) -> None:
    """Node 1 master, node 0 behind by LATE_KEYS acknowledged writes, then every process restarted from disk."""
    config, stop = PERSISTENCE[persistence]
    lagging, master, acknowledging = group.nodes
    for node in group.nodes:
        node.stop()
        node.start(*config)
    for node in (lagging, acknowledging):
        node.client().replicaof(LOOPBACK, master.port)
    wait_for(lambda: replicates_from(lagging, master) and replicates_from(acknowledging, master), what="replicas")
    wait_for(lambda: all(aof_settled(node) for node in group.nodes), what="the AOF rewrites after the full syncs")
    writer = master.client()
    for index in range(EARLY_KEYS):
        writer.set(f"early:{index}", index)
    assert writer.wait(2, 5000) == 2
    stop(lagging)
    for index in range(LATE_KEYS):
        writer.set(f"late:{index}", index)
        assert writer.wait(1, 5000) == 1  # acknowledged by node 2 only
    for node in group.nodes:
        stop(node)
    for sentinel in group.sentinels:
        sentinel.kill()
    for node in group.nodes:
        node.start(*config)  # a master without replicaof, with its own data
    for sentinel in group.sentinels:
        sentinel.start()  # knows nothing of the group
    assert (lagging.client().dbsize(), master.client().dbsize()) == (EARLY_KEYS, EARLY_KEYS + LATE_KEYS)


def assert_every_key_on_every_node(group: RedisGroup) -> None:
    expected = {f"early:{index}" for index in range(EARLY_KEYS)} | {f"late:{index}" for index in range(LATE_KEYS)}
    for node in group.nodes:
        wait_for(lambda node=node: node.client().dbsize() == len(expected), what=f"{node.name} to hold every key")
        assert set(node.client().keys("*")) == expected, node.name


@pytest.mark.parametrize("persistence", sorted(PERSISTENCE))
def test_fresh_sentinels_the_node_with_the_most_data_becomes_master(make_group, persistence: str) -> None:
    group = make_group()
    restart_with_data(group, persistence)

    results = heal_until_healthy(group)
    assert {result["master"]["name"] for result in results} == {group.nodes[1].name}
    assert_every_key_on_every_node(group)


@pytest.mark.parametrize("persistence", sorted(PERSISTENCE))
def test_sentinels_that_guessed_ordinal_0_do_not_make_it_master(make_group, persistence: str) -> None:
    """The Sentinel pods' start script monitors the first node that reports itself master: ordinal 0 here."""
    group = make_group()
    restart_with_data(group, persistence)
    lagging = group.nodes[0]
    for sentinel in group.sentinels:
        sentinel.client().execute_command("SENTINEL", "MONITOR", group.group, LOOPBACK, lagging.port, 2)

    results = heal_until_healthy(group)
    assert {result["master"]["name"] for result in results} == {group.nodes[1].name}
    assert_every_key_on_every_node(group)


def test_no_master_is_chosen_while_a_node_that_may_hold_the_newest_writes_is_down(make_group) -> None:
    group = make_group()
    restart_with_data(group, "aof")
    lagging, master, acknowledging = group.nodes
    master.kill()
    acknowledging.kill()

    blocked = heal(group)
    assert (blocked["changed"], blocked["master"], blocked["actions"]) == (False, None, [])
    assert lagging.client().info("replication")["role"] == "master"

    master.start(*PERSISTENCE["aof"][0])
    acknowledging.start(*PERSISTENCE["aof"][0])
    heal_until_healthy(group)
    assert_every_key_on_every_node(group)
