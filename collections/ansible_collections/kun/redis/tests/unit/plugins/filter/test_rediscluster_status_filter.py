"""The filters of tasks/status.yml: rediscluster_outcome hands the role's findings to the one decision (tested as a
table in test_rediscluster_outcome.py), and rediscluster_status_due skips the status module when it would write
nothing: "due" for any change against a status written by the module, "not due" for the same findings until the
refresh interval passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ansible_collections.kun.redis.plugins.filter.rediscluster_status import FilterModule, reconcile_outcome, status_due
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import REFRESH_SECONDS, next_status
from hypothesis import given
from hypothesis import strategies as st

NOW = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
HEALTHY = {"type": "Healthy", "status": "True", "reason": "Cluster available", "message": "Cluster ok"}
FIELDS = {
    "master": "redis-cluster-test-0",
    "masterIP": "10.244.0.12",
    "sentinelIP": "10.96.0.40",
    "masterCount": 1,
    "replicaCount": 2,
    "sentinelCount": 3,
    "observedGeneration": 1,
}


def written(at=NOW) -> dict:
    """The status the module writes for HEALTHY and FIELDS on an empty one, written out (docs/api.md)."""
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    healthy = {**HEALTHY, "lastTransitionTime": stamp, "lastUpdateTime": stamp}
    return {"status": "Healthy", "conditions": [healthy], **FIELDS}


def test_the_filters_are_registered():
    assert FilterModule().filters() == {
        "rediscluster_outcome": reconcile_outcome,
        "rediscluster_status_due": status_due,
    }


def test_the_written_status_above_is_what_the_module_writes():
    assert next_status({}, HEALTHY, FIELDS, NOW, REFRESH_SECONDS) == written()


def test_the_outcome_filter_decides_from_the_role_findings():
    findings = {"spec": {"size": 1, "sentinel": {"replicas": 1}}, "failure": "Invalid spec: x"}
    decided = reconcile_outcome(findings)
    assert (decided["condition"]["type"], decided["events"][0]["reason"]) == ("Failed", "InvalidSpec")


def test_a_status_that_already_says_it_all_is_not_due():
    assert not status_due(written(), HEALTHY, FIELDS, NOW + timedelta(seconds=20))


def test_unknown_fields_keep_the_current_values():
    unknown = dict.fromkeys(FIELDS)
    assert not status_due(written(), HEALTHY, unknown, NOW + timedelta(seconds=20))


@pytest.mark.parametrize(
    ("condition", "fields"),
    [
        pytest.param({**HEALTHY, "message": "Cluster ok again"}, FIELDS, id="condition-message"),
        pytest.param({"type": "Recovering", "status": "True", "message": "1 replica"}, FIELDS, id="condition-type"),
        pytest.param(HEALTHY, {**FIELDS, "replicaCount": 1}, id="a-count"),
        pytest.param(HEALTHY, {**FIELDS, "masterIP": "10.244.0.13"}, id="the-master"),
        pytest.param(HEALTHY, {**FIELDS, "observedGeneration": 2}, id="a-new-generation"),
    ],
)
def test_a_change_is_due(condition, fields):
    assert status_due(written(), condition, fields, NOW + timedelta(seconds=20))


def test_a_missing_status_is_due():
    assert status_due(None, HEALTHY, FIELDS, NOW)


def test_an_unchanged_status_is_due_again_after_the_refresh_interval():
    assert not status_due(written(), HEALTHY, FIELDS, NOW + timedelta(seconds=REFRESH_SECONDS - 1))
    assert status_due(written(), HEALTHY, FIELDS, NOW + timedelta(seconds=REFRESH_SECONDS))


def test_a_condition_without_reason_compares_with_the_reference_reason():
    no_reason = {key: value for key, value in HEALTHY.items() if key != "reason"}
    assert not status_due(written(), no_reason, FIELDS, NOW + timedelta(seconds=20))


def test_without_a_time_it_decides_at_the_current_time():
    assert status_due(written(at=datetime.now(UTC) - timedelta(seconds=REFRESH_SECONDS + 1)), HEALTHY, FIELDS)
    assert not status_due(written(at=datetime.now(UTC)), HEALTHY, FIELDS)


CONDITIONS = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Healthy", "Creating", "Scaling", "Recovering", "Failed"]),
        "status": st.sampled_from(["True", "False"]),
        "message": st.sampled_from(["", "Cluster ok", "2/3 Redis ready"]),
    }
)
FIELD_VALUES = st.fixed_dictionaries(
    {
        "masterIP": st.one_of(st.none(), st.sampled_from(["10.0.0.1", "10.0.0.2"])),
        "replicaCount": st.one_of(st.none(), st.integers(0, 4)),
        "observedGeneration": st.one_of(st.none(), st.integers(1, 3)),
    }
)


@given(history=st.lists(st.tuples(CONDITIONS, FIELD_VALUES), max_size=6), condition=CONDITIONS, fields=FIELD_VALUES)
def test_after_the_module_writes_the_same_findings_are_due_only_at_the_refresh(history, condition, fields):
    status: dict = {}
    for step, (previous_condition, previous_fields) in enumerate(history):
        at = NOW - timedelta(seconds=10 * (len(history) - step))
        status = next_status(status, previous_condition, previous_fields, at, REFRESH_SECONDS) or status
    if status_due(status, condition, fields, NOW):
        status = next_status(status, condition, fields, NOW, REFRESH_SECONDS)
    refresh = datetime.fromisoformat(status["conditions"][0]["lastUpdateTime"]) + timedelta(seconds=REFRESH_SECONDS)
    assert not status_due(status, condition, fields, NOW)
    assert not status_due(status, condition, fields, refresh - timedelta(seconds=1))
    assert status_due(status, condition, fields, refresh)
