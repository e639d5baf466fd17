"""The status merge of rediscluster_status: condition tables, the write decision, and properties of any sequence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import (
    MAX_CONDITIONS,
    default_reason,
    next_status,
    set_condition,
    summary,
    timestamp,
)
from hypothesis import given
from hypothesis import strategies as st

T0, T1 = "2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z"
NOW = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)


def cond(kind, status="True", reason=None, message="", *, transition=T0, update=T0):
    return {
        "type": kind,
        "status": status,
        "reason": reason or default_reason(kind),
        "message": message,
        "lastTransitionTime": transition,
        "lastUpdateTime": update,
    }


def new(kind, status="True", reason=None, message=""):
    return {"type": kind, "status": status, "reason": reason or default_reason(kind), "message": message}


def superseded(kind, by, transition=T1):
    return {
        **cond(kind, "False", "Superseded", f"Superseded by {by}"),
        "lastTransitionTime": transition,
        "lastUpdateTime": transition,
    }


@pytest.mark.parametrize(
    ("conditions", "condition", "expected"),
    [
        pytest.param(
            [],
            new("Healthy", message="Cluster ok"),
            [cond("Healthy", message="Cluster ok", transition=T1, update=T1)],
            id="first-condition",
        ),
        pytest.param(
            [cond("Healthy", message="Cluster ok")],
            new("Healthy", message="Cluster ok"),
            [cond("Healthy", message="Cluster ok")],
            id="unchanged-keeps-timestamps",
        ),
        pytest.param(
            [cond("Healthy", message="a")],
            new("Healthy", message="b"),
            [cond("Healthy", message="b", update=T1)],
            id="new-message-same-transition",
        ),
        pytest.param(
            [cond("Healthy")],
            new("Healthy", status="False", reason="Degraded"),
            [cond("Healthy", "False", "Degraded", transition=T1, update=T1)],
            id="status-change-is-a-transition",
        ),
        pytest.param(
            [cond("Healthy")],
            new("Scaling", message="3 -> 5"),
            [cond("Scaling", message="3 -> 5", transition=T1, update=T1), superseded("Healthy", "Scaling")],
            id="true-supersedes-true",
        ),
        pytest.param(
            [cond("Healthy"), superseded("Creating", "Healthy", transition=T0)],
            new("Creating"),
            [cond("Creating", transition=T1, update=T1), superseded("Healthy", "Creating")],
            id="superseded-comes-back",
        ),
        pytest.param(
            [cond("Healthy")],
            new("Failed", status="False", reason="Recovered"),
            [cond("Failed", "False", "Recovered", transition=T1, update=T1), cond("Healthy")],
            id="false-supersedes-nothing",
        ),
        pytest.param(
            [cond("Failed", "False", "Recovered"), cond("Healthy")],
            new("Healthy"),
            [cond("Healthy", update=T1), cond("Failed", "False", "Recovered")],
            id="unchanged-moves-first",
        ),
        pytest.param(
            [cond("Scaling", reason="Scaling up")],
            new("Scaling", reason="Scaling down"),
            [cond("Scaling", reason="Scaling down", update=T1)],
            id="reason-change",
        ),
    ],
)
def test_set_condition(conditions, condition, expected):
    assert set_condition(conditions, condition, T1) == expected


def test_set_condition_drops_the_oldest_beyond_the_cap():
    conditions = [cond(f"Type{index}", "False") for index in range(MAX_CONDITIONS)]
    merged = set_condition(conditions, new("Healthy"), T1)
    assert len(merged) == MAX_CONDITIONS
    assert [entry["type"] for entry in merged] == ["Healthy"] + [f"Type{index}" for index in range(MAX_CONDITIONS - 1)]


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ([], "Unknown"),
        ([cond("Healthy")], "Healthy"),
        ([cond("Failed", "False"), cond("Healthy")], "Healthy"),
        ([cond("Healthy", "Unknown")], "Unknown"),
    ],
)
def test_summary_is_the_newest_true_condition(conditions, expected):
    assert summary(conditions) == expected


@pytest.mark.parametrize(
    ("reason_for", "expected"),
    [("Healthy", "Cluster available"), ("Failed", "Cluster failed"), ("Recovering", "Recovering")],
)
def test_default_reasons_are_the_reference_ones(reason_for, expected):
    assert default_reason(reason_for) == expected


HEALTHY = {"conditions": [cond("Healthy", message="Cluster ok")], "status": "Healthy", "masterIP": "10.0.0.1"}


@pytest.mark.parametrize(
    ("current", "fields", "refresh", "expected"),
    [
        pytest.param(HEALTHY, {"masterIP": "10.0.0.1"}, 0, None, id="nothing-new-no-write"),
        pytest.param(HEALTHY, {"masterIP": None}, 0, None, id="none-keeps-the-field"),
        pytest.param(HEALTHY, {"masterIP": "10.0.0.1"}, 3600, None, id="refresh-not-due"),
        pytest.param(
            HEALTHY,
            {"masterIP": "10.0.0.1"},
            300,
            {**HEALTHY, "conditions": [cond("Healthy", message="Cluster ok", update=T1)]},
            id="refresh-due",
        ),
        pytest.param(
            HEALTHY,
            {"masterIP": "10.0.0.2"},
            0,
            {**HEALTHY, "masterIP": "10.0.0.2", "conditions": [cond("Healthy", message="Cluster ok", update=T1)]},
            id="field-change-refreshes-update-time",
        ),
        pytest.param(
            {},
            {"observedGeneration": 1},
            0,
            {
                "conditions": [cond("Healthy", message="Cluster ok", transition=T1, update=T1)],
                "status": "Healthy",
                "observedGeneration": 1,
            },
            id="first-status",
        ),
    ],
)
def test_next_status(current, fields, refresh, expected):
    assert next_status(current, new("Healthy", message="Cluster ok"), fields, NOW, refresh) == expected


@pytest.mark.parametrize(
    ("fields", "refresh", "expected"),
    [
        pytest.param({"masterIP": "10.0.0.1"}, 0, None, id="a new duration alone writes nothing"),
        pytest.param(
            {"masterIP": "10.0.0.2"},
            0,
            {
                **HEALTHY,
                "masterIP": "10.0.0.2",
                "reconcileSeconds": 1.25,
                "conditions": [cond("Healthy", message="Cluster ok", update=T1)],
            },
            id="written with a change",
        ),
        pytest.param(
            {"masterIP": "10.0.0.1"},
            300,
            {**HEALTHY, "reconcileSeconds": 1.25, "conditions": [cond("Healthy", message="Cluster ok", update=T1)]},
            id="written with a refresh",
        ),
    ],
)
def test_measurements_go_along_with_a_due_write_and_never_cause_one(fields, refresh, expected):
    measured = {"reconcileSeconds": 1.25}
    assert (
        next_status(HEALTHY, new("Healthy", message="Cluster ok"), fields, NOW, refresh, measurements=measured)
        == expected
    )


def test_next_status_writes_a_condition_without_a_readable_update_time():
    current = {"conditions": [{"type": "Healthy", "status": "True", "reason": "Cluster available", "message": ""}]}
    current["status"] = "Healthy"
    written = next_status(current, new("Healthy"), {}, NOW, 300)
    assert written["conditions"][0]["lastUpdateTime"] == T1


# Any sequence of conditions set one after another, a second apart.
conditions_set = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Healthy", "Creating", "Scaling", "Updating", "Failed", "Recovering"]),
            "status": st.sampled_from(["True", "False", "Unknown"]),
            "reason": st.sampled_from(["a", "b"]),
            "message": st.sampled_from(["", "x"]),
        }
    ),
    max_size=30,
)


@given(conditions_set)
def test_any_sequence_keeps_the_documented_shape(sequence):
    conditions: list[dict] = []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for step, condition in enumerate(sequence):
        stamp = timestamp(start + timedelta(seconds=step))
        conditions = set_condition(conditions, condition, stamp)
        types = [entry["type"] for entry in conditions]
        assert len(types) == len(set(types)) <= MAX_CONDITIONS, "one entry per type"
        assert {key: conditions[0][key] for key in condition} == condition, "the condition just set comes first"
        updates = [entry["lastUpdateTime"] for entry in conditions]
        assert updates == sorted(updates, reverse=True), "newest first"
        assert sum(entry["status"] == "True" for entry in conditions) <= 1, "at most one current state"
        assert set_condition(conditions, condition, timestamp(start + timedelta(hours=1))) == conditions, "idempotent"


@given(conditions_set.filter(bool), st.integers(min_value=0, max_value=3))
def test_a_written_status_needs_no_second_write(sequence, replicas):
    status: dict = {}
    for condition in sequence:
        status = next_status(status, condition, {"replicaCount": replicas}, NOW, 0) or status
    assert next_status(status, sequence[-1], {"replicaCount": replicas}, NOW + timedelta(minutes=1), 0) is None
