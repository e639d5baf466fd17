"""The redis_config_set and redis_sentinel_heal actions, which do their module's work in the controller's process,
against real Redis and Sentinel processes: they return what their modules return for the same group, and their
changes are the changes the modules would make."""

from __future__ import annotations

import pytest

from tests.integration.conftest import PASSWORD
from tests.integration.module_runner import run_action, run_module
from tests.integration.redis_processes import RedisGroup, free_port, wait_for

pytestmark = pytest.mark.integration


def config_args(group: RedisGroup, config: dict) -> dict:
    dead = {"address": "127.0.0.1", "port": free_port()}  # a node that does not answer, reported alike
    return {"nodes": [*(node.endpoint for node in group.nodes), dead], "password": PASSWORD, "config": config}


def test_config_set_reports_and_applies_as_the_module_does(make_group) -> None:
    group = make_group(nodes=2, sentinels=0, password=PASSWORD)
    args = config_args(group, {"hz": "17", "maxmemory": "64mb"})
    planned = run_action("redis_config_set", args, check_mode=True)
    assert planned == run_module("redis_config_set", args, check_mode=True)
    assert [node["changed"]["hz"]["after"] for node in planned["nodes"]] == ["17", "17"]
    assert PASSWORD not in repr(planned)

    applied = run_action("redis_config_set", args)
    assert (applied["changed"], [node["rewritten"] for node in applied["nodes"]]) == (True, [True, True])
    assert [node.client().config_get("hz")["hz"] for node in group.nodes] == ["17", "17"]
    # What the action left is what the module wants: nothing more to change, reported alike.
    again = run_module("redis_config_set", args)
    assert again == run_action("redis_config_set", args)
    assert again["changed"] is False


def test_config_set_fails_as_the_module_does_on_a_key_redis_does_not_know(make_group) -> None:
    group = make_group(nodes=1, sentinels=0, password=PASSWORD)
    args = config_args(group, {"no-such-setting": "1"})
    failed = run_action("redis_config_set", args)
    assert failed == run_module("redis_config_set", args)
    assert failed["failed"] is True


def without_replication_lag(result: dict) -> dict:
    """The result without the replicas' lag, which moves between two runs on a live group."""
    replicas = [{key: value for key, value in replica.items() if "lag" not in key} for replica in result["replicas"]]
    return {**result, "replicas": replicas}


def test_sentinel_heal_plans_heals_and_reports_as_the_module_does(make_group) -> None:
    group = make_group(password=PASSWORD)
    args = group.heal_args()
    planned = run_action("redis_sentinel_heal", args, check_mode=True)
    assert planned == run_module("redis_sentinel_heal", args, check_mode=True)
    assert "Bootstrapped" in [event["reason"] for event in planned["events"]]

    wait_for(lambda: run_action("redis_sentinel_heal", args)["healthy"], timeout=60, interval=0.3, what="healthy")
    healthy = run_action("redis_sentinel_heal", args)
    assert without_replication_lag(healthy) == without_replication_lag(run_module("redis_sentinel_heal", args))
    assert (healthy["changed"], healthy["master"]["name"]) == (False, group.nodes[0].name)
