"""Config planning: the reference's presets, refused keys, and comparison with CONFIG GET's canonical forms."""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.module_utils.config.plan import (
    DEFAULTS,
    PERSISTENCE_PRESETS,
    canonical_key,
    config_changes,
    desired_config,
    normalise,
    refusals,
    unknown_keys,
)


def test_persistence_on_adds_the_presets_only_where_the_user_did_not_set_them() -> None:
    desired = desired_config({"appendonly": "no", "hz": 12})
    assert desired["appendonly"] == "no"
    assert desired["hz"] == "12"
    assert desired["save"] == "900 1 300 10"
    assert {key: desired[key] for key in PERSISTENCE_PRESETS if key != "appendonly"} == {
        key: value for key, value in PERSISTENCE_PRESETS.items() if key != "appendonly"
    }
    assert desired["replica-priority"] == "1"


def test_persistence_off_forces_no_aof_and_no_snapshots() -> None:
    desired = desired_config({"appendonly": "yes", "save": "60 1", "maxmemory": "100mb"}, disable_persistence=True)
    assert desired == {"appendonly": "no", "save": "", "maxmemory": "100mb", "replica-priority": "1", **DEFAULTS}


@pytest.mark.parametrize("disable_persistence", [False, True])
def test_full_syncs_start_at_once_unless_the_user_asks_for_a_delay(disable_persistence: bool) -> None:
    """Regression (chaos suite, master process killed): the 5 s default delay was most of a 6.3 s write gap."""
    assert desired_config({}, disable_persistence)["repl-diskless-sync-delay"] == "0"
    assert desired_config({"repl-diskless-sync-delay": 2}, disable_persistence)["repl-diskless-sync-delay"] == "2"


def test_slave_priority_is_always_one_whatever_its_spelling() -> None:
    assert desired_config({"slave-priority": "0"}, disable_persistence=True)["replica-priority"] == "1"
    assert "slave-priority" not in desired_config({"slave-priority": "0"})


def test_min_replicas_settings() -> None:
    desired = desired_config({}, min_replicas_to_write=1, min_replicas_max_lag=10)
    assert desired["min-replicas-to-write"] == "1"
    assert desired["min-replicas-max-lag"] == "10"
    assert "min-replicas-to-write" not in desired_config({})


@pytest.mark.parametrize(
    ("key", "canonical"),
    [
        ("slaveof", "replicaof"),
        ("slave-read-only", "replica-read-only"),
        ("min-slaves-to-write", "min-replicas-to-write"),
        ("Maxmemory", "maxmemory"),
    ],
)
def test_old_key_names_are_canonical(key: str, canonical: str) -> None:
    assert canonical_key(key) == canonical


def test_refused_keys_are_named_with_the_reason() -> None:
    messages = refusals({"hz": "10", "slaveof": "1.2.3.4 6379", "requirepass": "x", "dir": "/tmp", "databases": "4"})
    assert [message.split(":")[0] for message in messages] == ["databases", "dir", "requirepass", "slaveof"]
    assert "redis_sentinel_heal" in messages[-1]
    assert "Secret" in messages[2]
    assert refusals({"hz": "10", "maxmemory": "1gb"}) == []


@pytest.mark.parametrize(
    ("desired", "live"),
    [
        ("100mb", "104857600"),
        ("1gb", "1073741824"),
        ("1k", "1000"),
        ("YES", "yes"),
        ("900 1   300 10", "900 1 300 10"),
        ("DEBUG", "debug"),
        ("", ""),
    ],
)
def test_values_equal_to_their_canonical_form_are_not_changes(desired: str, live: str) -> None:
    assert normalise(desired) == normalise(live)
    assert config_changes({"k": desired}, {"k": live}) == {}


def test_changes_list_before_and_after() -> None:
    changes = config_changes({"hz": "12", "maxmemory": "1mb", "save": ""}, {"hz": "10", "maxmemory": "0", "save": ""})
    assert changes == {"hz": {"before": "10", "after": "12"}, "maxmemory": {"before": "0", "after": "1mb"}}


def test_client_output_buffer_limit_compares_only_the_classes_the_user_sets() -> None:
    live = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
    assert (
        config_changes({"client-output-buffer-limit": "pubsub 32mb 8mb 60"}, {"client-output-buffer-limit": live}) == {}
    )
    assert config_changes({"client-output-buffer-limit": "replica 512mb 64mb 60"}, {"client-output-buffer-limit": live})


def test_keys_unknown_to_redis_are_reported() -> None:
    assert unknown_keys({"hz": "1", "no-such-key": "1"}, {"hz": "10"}) == ["no-such-key"]
