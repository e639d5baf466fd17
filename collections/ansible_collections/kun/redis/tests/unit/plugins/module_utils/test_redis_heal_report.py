"""The heal report: health and its one-line message, lag, and the FailoverDetected event."""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.module_utils.topology.planner import plan
from ansible_collections.kun.redis.plugins.module_utils.topology.report import heal_result
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import ReplicaLink, Snapshot
from ansible_collections.kun.redis.tests.unit.plugins.module_utils.snapshot_builders import (
    DESIRED,
    down_node,
    master,
    replica,
    sentinel,
)

SENTINELS = tuple(sentinel(i, 0, replicas=(1, 2)) for i in range(3))


def report(snapshot: Snapshot, previous_master: str | None = None) -> dict:
    result = plan(snapshot, DESIRED)
    return heal_result(snapshot, result, result.actions, result.events, previous_master)


def test_healthy_group() -> None:
    links = (ReplicaLink("10.0.0.1", 6379, "online", 900, 1), ReplicaLink("10.0.0.2", 6379, "online", 1000, 0))
    result = report(Snapshot((master(0, replica_links=links), replica(1, 0, offset=900), replica(2, 0)), SENTINELS))
    assert result["healthy"] is True
    assert result["message"] == "Cluster ok: master 10.0.0.0:6379, 2 replicas in sync, 3 Sentinels agree"
    assert result["master"]["name"] == "10.0.0.0:6379"
    assert [(r["name"], r["offset_lag"], r["lag_seconds"]) for r in result["replicas"]] == [
        ("10.0.0.1:6379", 100, 1),
        ("10.0.0.2:6379", 0, 0),
    ]
    assert result["events"] == []
    assert [r["linked"] for r in result["replicas"]] == [True, True]
    assert [s["agrees"] for s in result["sentinels"]] == [True, True, True]


def test_replicas_off_their_link_and_sentinels_seeing_another_master_are_not_counted() -> None:
    sentinels = (sentinel(0, 0, replicas=(1, 2)), sentinel(1, 2, replicas=(0, 1)), *SENTINELS[2:])
    result = report(Snapshot((master(0), replica(1, 0, link_up=False), replica(2, "10.9.9.9:1")), sentinels))
    assert [r["linked"] for r in result["replicas"]] == [False, False]
    assert [s["agrees"] for s in result["sentinels"]] == [True, False, True]


def test_without_a_master_no_sentinel_agrees() -> None:
    result = report(Snapshot((down_node(0), down_node(1), down_node(2)), SENTINELS))
    assert result["master"] is None
    assert [s["agrees"] for s in result["sentinels"]] == [False, False, False]


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        (Snapshot((master(0), replica(1, 0), down_node(2)), SENTINELS), "unreachable: 10.0.0.2:6379"),
        (Snapshot((master(0), replica(1, 0, link_up=False), replica(2, 0)), SENTINELS), "not in sync"),
        (Snapshot((master(0), replica(1, 0), replica(2, "10.9.9.9:1")), SENTINELS), "1 corrections pending: replicate"),
        (
            Snapshot((master(0), replica(1, 0), replica(2, 0)), (sentinel(0, 0, replicas=(1,)), *SENTINELS[1:])),
            "sees replicas ['10.0.0.1:6379'] and Sentinels",
        ),
        (
            Snapshot(
                (master(0), replica(1, 0), replica(2, 0)),
                (sentinel(0, 0, replicas=(1, 2), sentinels=(1, 1, 2)), *SENTINELS[1:]),
            ),
            "1 corrections pending: sentinel_reset",
        ),
    ],
)
def test_unhealthy_groups_say_why(snapshot: Snapshot, message: str) -> None:
    result = report(snapshot)
    assert result["healthy"] is False
    assert message in result["message"]


def test_a_new_master_is_a_failover_event() -> None:
    snapshot = Snapshot((master(0), replica(1, 0), replica(2, 0)), SENTINELS)
    assert report(snapshot, previous_master="10.0.0.0:6379")["events"] == []
    events = report(snapshot, previous_master="10.0.0.2:6379")["events"]
    assert [(event["reason"], event["type"]) for event in events] == [("FailoverDetected", "Warning")]
