"""The merge of a RedisCluster's spec over the defaults: precedence, the reference's "0 means the default" rules,
and no inline password in the result."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible_collections.kun.redis.plugins.filter.rediscluster_spec import FilterModule, custom_settings, merged_spec
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

DEFAULTS = yaml.safe_load((Path(__file__).parents[2] / "roles/rediscluster/defaults/main.yml").read_text())[
    "_rediscluster_defaults"
]


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"rediscluster_merged_spec": merged_spec}


def test_an_empty_spec_is_the_defaults_resolved():
    spec = merged_spec(None, DEFAULTS)
    assert spec == merged_spec({}, DEFAULTS)
    assert (spec["size"], spec["minReplicasToWrite"], spec["passwordSecret"], spec["config"]) == (3, 1, {}, {})
    assert {key: spec["sentinel"][key] for key in ("replicas", "quorum", "downAfterMilliseconds")} == {
        "replicas": 3,
        "quorum": 2,
        "downAfterMilliseconds": 5000,
    }
    assert "password" not in spec


def test_explicit_fields_win_over_custom_config_lines_which_win_over_defaults():
    spec = merged_spec(
        {
            "sentinel": {
                "customConfig": ["down-after-milliseconds 3000", "failover-timeout 20000", "quorum 3", "no such line"],
                "failoverTimeout": 12345,
                "replicas": 5,
            }
        },
        DEFAULTS,
    )
    sentinel = spec["sentinel"]
    assert (sentinel["downAfterMilliseconds"], sentinel["failoverTimeout"], sentinel["quorum"]) == (3000, 12345, 3)
    assert sentinel["parallelSyncs"] == DEFAULTS["sentinel"]["parallelSyncs"]
    assert sentinel["resources"] == DEFAULTS["sentinel"]["resources"]  # maps merge, field by field


def test_zero_means_the_default_and_a_single_node_has_no_sentinels():
    assert merged_spec({"size": 0, "sentinel": {"replicas": 0}}, DEFAULTS)["sentinel"]["replicas"] == 3
    single = merged_spec({"size": 1, "sentinel": {"replicas": 5}}, DEFAULTS)
    assert (single["size"], single["sentinel"]["replicas"], single["minReplicasToWrite"]) == (1, 0, 0)


def test_the_inline_password_stays_out_and_lists_are_replaced_not_merged():
    spec = merged_spec({"password": "s3cret", "tolerations": [{"key": "a"}], "minReplicasToWrite": 0}, DEFAULTS)
    assert "password" not in spec
    assert "s3cret" not in repr(spec)
    assert spec["tolerations"] == [{"key": "a"}]
    assert spec["minReplicasToWrite"] == 0  # an explicit 0 is kept


def test_malformed_numbers_become_zero_for_validation_to_report():
    assert merged_spec({"size": "many"}, DEFAULTS)["size"] == 3
    assert (
        merged_spec({"sentinel": {"customConfig": ["failover-timeout soon"]}}, DEFAULTS)["sentinel"]["failoverTimeout"]
        == 0
    )


def test_custom_settings_take_only_two_field_lines():
    assert custom_settings(["quorum  2 ", "a b c", "alone", "parallel-syncs 4"]) == {
        "quorum": "2",
        "parallel-syncs": "4",
    }


@given(size=st.integers(-3, 9), replicas=st.integers(0, 7), quorum=st.none() | st.integers(1, 7))
def test_the_resolved_counts_follow_the_rules(size, replicas, quorum):
    spec = merged_spec({"size": size, "sentinel": {"replicas": replicas, "quorum": quorum}}, DEFAULTS)
    assert spec["size"] == (size or 3)
    expected_sentinels = 0 if spec["size"] == 1 else (replicas or 3)
    assert spec["sentinel"]["replicas"] == expected_sentinels
    assert spec["sentinel"]["quorum"] == (quorum if quorum is not None else expected_sentinels // 2 + 1)
    assert spec["minReplicasToWrite"] == (1 if spec["size"] > 1 else 0)
