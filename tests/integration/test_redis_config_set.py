"""redis_config_set against real redis-server processes started from config files (so CONFIG REWRITE works)."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import PASSWORD
from tests.integration.module_runner import run_module
from tests.integration.redis_processes import RedisGroup

pytestmark = pytest.mark.integration


def config_set(group: RedisGroup, config: dict, *, check_mode: bool = False, **options) -> dict:
    args = {"nodes": [node.endpoint for node in group.nodes], "config": config, **options}
    if group.password:
        args["password"] = group.password
    return run_module("redis_config_set", args, check_mode=check_mode)


def live(group: RedisGroup, key: str) -> list[str]:
    return [node.client().config_get(key)[key] for node in group.nodes]


@pytest.fixture
def nodes(make_group) -> RedisGroup:
    return make_group(nodes=2, sentinels=0, password=PASSWORD)


def test_a_config_change_is_applied_live_and_persisted(nodes: RedisGroup) -> None:
    run_ids = [node.client().info("server")["run_id"] for node in nodes.nodes]
    result = config_set(nodes, {"hz": "12", "maxmemory": "100mb", "loglevel": "debug"}, disable_persistence=True)
    assert result["changed"] is True
    assert all(set(node["changed"]) >= {"hz", "maxmemory", "loglevel"} for node in result["nodes"])
    assert all(node["rewritten"] for node in result["nodes"])
    assert live(nodes, "hz") == ["12", "12"]
    assert live(nodes, "maxmemory") == ["104857600", "104857600"]
    assert [node.client().info("server")["run_id"] for node in nodes.nodes] == run_ids, "a node was restarted"
    for node in nodes.nodes:
        assert "hz 12" in node.config_file.read_text()

    again = config_set(nodes, {"hz": "12", "maxmemory": "100mb", "loglevel": "DEBUG"}, disable_persistence=True)
    assert again["changed"] is False
    assert [node["changed"] for node in again["nodes"]] == [{}, {}]


def test_persistence_presets_are_applied_and_then_stable(nodes: RedisGroup) -> None:
    result = config_set(nodes, {}, min_replicas_to_write=1, min_replicas_max_lag=10)
    assert result["changed"] is True
    assert result["desired"]["save"] == "900 1 300 10"
    assert live(nodes, "appendonly") == ["yes", "yes"]
    assert live(nodes, "save") == ["900 1 300 10"] * 2
    assert live(nodes, "min-replicas-to-write") == ["1", "1"]
    assert config_set(nodes, {}, min_replicas_to_write=1, min_replicas_max_lag=10)["changed"] is False

    config_set(nodes, {}, disable_persistence=True)
    assert live(nodes, "appendonly") == ["no", "no"]
    assert live(nodes, "save") == ["", ""]


@pytest.mark.parametrize(
    ("bad", "named"),
    [({"slaveof": "127.0.0.1 1"}, "slaveof"), ({"dir": "/tmp"}, "dir"), ({"no-such-setting": "1"}, "no-such-setting")],
)
def test_a_refused_or_unknown_key_changes_nothing_on_any_node(nodes: RedisGroup, bad: dict, named: str) -> None:
    before = live(nodes, "hz")
    result = config_set(nodes, {"hz": "33", **bad})
    assert result["failed"] is True
    assert named in result["msg"]
    assert "nothing changed" in result["msg"]
    assert live(nodes, "hz") == before


def test_check_mode_reports_changes_and_makes_none(nodes: RedisGroup) -> None:
    result = config_set(nodes, {"hz": "25"}, check_mode=True, disable_persistence=True)
    assert result["changed"] is True
    assert [node["changed"]["hz"] for node in result["nodes"]] == [{"before": "10", "after": "25"}] * 2
    assert live(nodes, "hz") == ["10", "10"]


def test_the_password_never_appears_in_a_result(nodes: RedisGroup) -> None:
    results = [
        config_set(nodes, {"hz": "14"}, check_mode=True),
        config_set(nodes, {"hz": "14"}),
        config_set(nodes, {"requirepass": "other"}),
    ]
    assert results[2]["failed"] is True
    for result in results:
        assert PASSWORD not in json.dumps(result)
