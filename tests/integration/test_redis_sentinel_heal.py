"""redis_sentinel_heal against real redis-server and redis-sentinel processes on loopback.

Each test builds a group, breaks it the way production does, and runs the module as the reconcile loop would.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import PASSWORD, event_reasons, heal, heal_until_healthy, role_of
from tests.integration.module_runner import run_module
from tests.integration.redis_processes import LOOPBACK, RedisGroup, wait_for

pytestmark = pytest.mark.integration


def sentinel_master(sentinel, group: RedisGroup) -> str:
    host, port = sentinel.client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", group.group)
    return f"{host}:{port}"


def replicates_from(node, master) -> bool:
    info = node.client().info("replication")
    return info["role"] == "slave" and info["master_port"] == master.port and info["master_link_status"] == "up"


def test_three_empty_nodes_and_sentinels_are_bootstrapped_to_healthy(make_group) -> None:
    group = make_group()
    first = heal(group)
    assert first["changed"] is True
    assert first["master"]["name"] == group.nodes[0].name
    assert "Bootstrapped" in event_reasons(first)

    heal_until_healthy(group)
    again = heal(group)
    assert (again["changed"], again["healthy"], again["actions"]) == (False, True, [])
    assert all(replicates_from(node, group.nodes[0]) for node in group.nodes[1:])
    assert {sentinel_master(sentinel, group) for sentinel in group.sentinels} == {group.nodes[0].name}
    for sentinel in group.sentinels:
        master = sentinel.client().sentinel_master(group.group)
        assert (master["quorum"], master["down-after-milliseconds"], master["failover-timeout"]) == (2, 1000, 3000)


def test_a_replica_pointed_at_the_wrong_master_is_corrected(healthy_group: RedisGroup) -> None:
    group = healthy_group
    stray, outsider = group.nodes[2], group.spawn_node()
    stray.client().replicaof(LOOPBACK, outsider.port)

    result = heal(group)
    assert ("replicate", stray.name) in [(a["kind"], a["target"]) for a in result["actions"]]
    assert "ReplicaRepointed" in event_reasons(result)
    wait_for(lambda: replicates_from(stray, group.nodes[0]), what="the replica to follow the master again")
    assert stray.client().get("acknowledged") == "write"


def test_sentinel_fails_over_and_the_old_master_returns_as_a_replica(healthy_group: RedisGroup) -> None:
    group = healthy_group
    old = group.nodes[0]
    old.kill()

    def new_master() -> dict | None:
        result = heal(group, previous_master=old.name)
        return result if result["master"] and result["master"]["name"] != old.name else None

    result = wait_for(new_master, timeout=60, interval=0.3, what="Sentinel to fail over")
    assert result["master_source"] == "sentinel quorum"
    assert "FailoverDetected" in event_reasons(result)
    promoted = group.node(result["master"]["name"])
    assert promoted.client().get("acknowledged") == "write"

    old.start()  # empty, without replicaof: a second master until healed
    heal_until_healthy(group)
    assert replicates_from(old, promoted)
    assert old.client().get("acknowledged") == "write"


def test_a_node_replaced_at_a_new_address_leaves_no_stale_sentinel_entry(healthy_group: RedisGroup) -> None:
    group = healthy_group
    gone = group.nodes[2]
    gone.kill()
    group.nodes[2] = group.spawn_node()

    results = heal_until_healthy(group)
    assert "SentinelReset" in event_reasons(*results)
    wanted = {group.nodes[1].port, group.nodes[2].port}
    for sentinel in group.sentinels:
        listed = {int(replica["port"]) for replica in sentinel.client().sentinel_slaves(group.group)}
        assert listed == wanted, f"Sentinel {sentinel.name} lists {listed}"


def test_two_masters_without_sentinels_are_resolved_toward_the_one_with_data(make_group) -> None:
    group = make_group(sentinels=0)
    empty, with_data, follower = group.nodes
    with_data.client().set("precious", "data")
    follower.client().replicaof(LOOPBACK, empty.port)

    result = heal(group)
    assert result["master"]["name"] == with_data.name
    assert result["master_source"] == "data"
    assert "SplitBrainResolved" in event_reasons(result)
    heal_until_healthy(group)
    for node in (empty, follower):
        assert replicates_from(node, with_data)
        assert node.client().get("precious") == "data"


def test_a_second_master_yields_to_the_one_the_sentinel_quorum_follows(healthy_group: RedisGroup) -> None:
    group = healthy_group
    rogue = group.nodes[1]
    rogue.client().replicaof("NO", "ONE")
    rogue.client().set("rogue", "write")

    result = heal(group)
    assert result["master"]["name"] == group.nodes[0].name
    assert "SplitBrainResolved" in event_reasons(result)
    heal_until_healthy(group)
    assert replicates_from(rogue, group.nodes[0])


def test_a_stray_empty_master_is_made_a_replica_and_never_promoted(healthy_group: RedisGroup) -> None:
    group = healthy_group
    master, stray = group.nodes[0], group.nodes[2]
    stray.kill()
    stray.start()  # restarted empty without replicaof
    assert role_of(stray) == "master"

    results = heal_until_healthy(group)
    assert all(result["master"]["name"] == master.name for result in results)
    assert "promote" not in [action["kind"] for result in results for action in result["actions"]]
    assert replicates_from(stray, master)
    assert stray.client().get("acknowledged") == "write"


def test_check_mode_reports_the_plan_and_changes_nothing(make_group) -> None:
    group = make_group()
    result = heal(group, check_mode=True)
    assert result["changed"] is True
    assert {action["kind"] for action in result["actions"]} == {"replicate", "sentinel_monitor"}
    assert [role_of(node) for node in group.nodes] == ["master"] * 3
    for sentinel in group.sentinels:
        assert sentinel.client().info("sentinel")["sentinel_masters"] == 0


def test_unreachable_processes_are_reported_without_a_traceback(healthy_group: RedisGroup) -> None:
    group = healthy_group
    group.nodes[2].kill()
    group.sentinels[2].kill()
    result = heal(group)
    assert result["healthy"] is False
    assert {entry["name"] for entry in result["unreachable_members"]} == {group.nodes[2].name, group.sentinels[2].name}
    assert all(entry["error"] for entry in result["unreachable_members"])
    assert result["message"].startswith("unreachable: ")


def test_the_password_never_appears_in_a_result(make_group) -> None:
    group = make_group(password=PASSWORD)
    results = [heal(group, check_mode=True), *heal_until_healthy(group)]
    assert results[-1]["healthy"] is True
    for result in results:
        assert PASSWORD not in json.dumps(result)


def test_the_shared_group_name_mymaster_is_refused(make_group) -> None:
    group = make_group(nodes=1, sentinels=0)
    result = run_module("redis_sentinel_heal", group.heal_args(group="mymaster"))
    assert result["failed"] is True
    assert "mymaster" in result["msg"]


def test_stable_hostnames_are_announced_to_and_by_sentinels(make_group) -> None:
    group = make_group()
    with_hostnames = {
        "nodes": [{**node.endpoint, "hostname": "localhost"} for node in group.nodes],
        "sentinels": [{**sentinel.endpoint, "hostname": "localhost"} for sentinel in group.sentinels],
    }
    heal_until_healthy(group, **with_hostnames)
    for node in group.nodes:
        assert node.client().config_get("replica-announce-ip")["replica-announce-ip"] == "localhost"
    for sentinel in group.sentinels:
        client = sentinel.client()
        assert client.execute_command("SENTINEL", "CONFIG", "GET", "resolve-hostnames")["resolve-hostnames"] == "yes"
        assert {replica["ip"] for replica in client.sentinel_slaves(group.group)} == {"localhost"}
        assert sentinel_master(sentinel, group) == f"localhost:{group.nodes[0].port}"
    assert heal(group, **with_hostnames)["changed"] is False


def test_a_master_restarted_empty_before_sentinel_noticed_never_wipes_its_replicas(healthy_group: RedisGroup) -> None:
    group = healthy_group
    old = group.nodes[0]
    old.kill()
    # Back at once, empty, before down-after-milliseconds: Sentinel still names it. The delay holds its replicas'
    # full resync (which would empty them) long enough for the healer to see who holds the data.
    old.start("repl-diskless-sync-delay 30")

    result = heal(group)
    assert result["master"]["name"] != old.name
    assert [a["kind"] for a in result["actions"]][:3] == ["promote", "replicate", "replicate"]
    assert "MasterPromoted" in event_reasons(result)
    heal_until_healthy(group)
    assert replicates_from(old, group.node(result["master"]["name"]))
    for node in group.nodes:
        assert node.client().get("acknowledged") == "write"
