"""The filter of tasks/requeue.yml: a reconcile that recorded an Event or changed the status is followed by a quick
one; one that found the status as it was waits a quarter of the time since that status was written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ansible_collections.kun.redis.plugins.filter.rediscluster_requeue import FilterModule, reconcile_requeue_seconds
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import REFRESH_SECONDS, next_status

WRITTEN = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
RECOVERING = {"type": "Recovering", "status": "True", "reason": "Recovering", "message": "2/3 Redis ready"}
FIELDS = {"master": "redis-cluster-test-0", "replicaCount": 1}
STATUS = next_status({}, RECOVERING, FIELDS, WRITTEN, REFRESH_SECONDS)
UNCHANGED = {"condition": RECOVERING, "events": [], "fields": FIELDS}


def later(seconds: float) -> datetime:
    return WRITTEN + timedelta(seconds=seconds)


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"rediscluster_requeue_seconds": reconcile_requeue_seconds}


def test_a_cluster_that_stood_still_for_a_minute_is_asked_for_in_15_seconds():
    assert reconcile_requeue_seconds(STATUS, UNCHANGED, 2, 30, later(60)) == 15


def test_a_changed_condition_brings_the_next_step_soon():
    moved = {**UNCHANGED, "condition": {**RECOVERING, "message": "3/3 Redis ready"}}
    assert reconcile_requeue_seconds(STATUS, moved, 2, 30, later(60)) == 2


def test_a_changed_status_field_brings_the_next_step_soon():
    moved = {**UNCHANGED, "fields": {**FIELDS, "replicaCount": 2}}
    assert reconcile_requeue_seconds(STATUS, moved, 2, 30, later(60)) == 2


def test_an_event_brings_the_next_step_soon():
    moved = {**UNCHANGED, "events": [{"type": "Normal", "reason": "SentinelReset", "message": "reset"}]}
    assert reconcile_requeue_seconds(STATUS, moved, 2, 30, later(60)) == 2


def test_a_cluster_without_a_status_yet_is_asked_for_soon():
    assert reconcile_requeue_seconds(None, UNCHANGED, 2, 30, later(60)) == 2


def test_the_clock_is_read_when_no_time_is_given():
    """Written 200 s ago by the real clock (within the refresh interval, so not due again): the longest delay."""
    status = next_status({}, RECOVERING, FIELDS, datetime.now(UTC) - timedelta(seconds=200), REFRESH_SECONDS)
    assert reconcile_requeue_seconds(status, UNCHANGED, 2, 30) == 30


def test_a_status_due_for_its_refresh_counts_as_moved():
    """The status module rewrites a status older than the refresh interval, which is a write like any other: the
    next reconcile measures from it."""
    assert reconcile_requeue_seconds(STATUS, UNCHANGED, 2, 30, later(REFRESH_SECONDS)) == 2
