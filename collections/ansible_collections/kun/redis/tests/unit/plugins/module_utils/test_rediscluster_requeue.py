"""When a RedisCluster that is not Healthy is reconciled again: 2 s after a reconcile that moved it, then a quarter
of the time it has stood still, up to the longest delay; as a table and as properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.requeue import requeue_seconds, stalled_seconds
from hypothesis import given
from hypothesis import strategies as st

NOW = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)


def status_written(seconds_ago: float) -> dict:
    stamp = (NOW - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"conditions": [{"type": "Recovering", "status": "True", "lastUpdateTime": stamp}]}


@pytest.mark.parametrize(
    ("status", "progressed", "stalled"),
    [
        (status_written(40), False, 40.0),
        (status_written(40), True, 0.0),  # this reconcile changed it
        (status_written(-5), False, 0.0),  # written by a clock ahead of ours
        ({}, False, 0.0),  # never written
        ({"conditions": []}, False, 0.0),
        ({"conditions": [{"type": "Creating"}]}, False, 0.0),
        ({"conditions": [{"lastUpdateTime": "yesterday"}]}, False, 0.0),
        ({"conditions": [{"lastUpdateTime": None}]}, False, 0.0),
    ],
)
def test_the_time_a_cluster_stood_still(status, progressed, stalled):
    assert stalled_seconds(status, progressed, NOW) == stalled


@pytest.mark.parametrize(
    ("stalled", "seconds"),
    [
        (0, 2),  # moved in this reconcile: the next step soon
        (6, 2),  # a quarter of 6 s is under the shortest
        (8, 2),
        (20, 5),
        (60, 15),
        (120, 30),
        (3600, 30),  # never longer than the longest: what no event announces is still seen
    ],
)
def test_the_delay_grows_with_the_time_stood_still(stalled, seconds):
    assert requeue_seconds(stalled, 2, 30) == seconds


@pytest.mark.parametrize(("shortest", "longest"), [(0, 30), (-1, 30), (30, 2)])
def test_bounds_that_cannot_hold_are_refused(shortest, longest):
    with pytest.raises(ValueError, match="0 < shortest <= longest"):
        requeue_seconds(10, shortest, longest)


bounds = st.tuples(st.floats(0.001, 100), st.floats(0.001, 100)).map(sorted)
stalls = st.floats(0, 1e6)


@given(bounds, stalls)
def test_the_delay_stays_within_its_bounds(bounds, stalled):
    shortest, longest = bounds
    assert shortest <= requeue_seconds(stalled, shortest, longest) <= longest


@given(bounds, stalls, stalls)
def test_standing_still_longer_never_brings_the_next_reconcile_sooner(bounds, first, second):
    shortest, longest = bounds
    earlier, later = sorted((first, second))
    assert requeue_seconds(earlier, shortest, longest) <= requeue_seconds(later, shortest, longest)


@given(bounds, stalls)
def test_below_the_longest_delay_a_stuck_cluster_waits_at_least_a_quarter_of_its_stall(bounds, stalled):
    """The reconciles of a stuck cluster thin out as it stays stuck, instead of coming every few seconds for ever."""
    shortest, longest = bounds
    assert requeue_seconds(stalled, shortest, longest) >= min(longest, stalled / 4)
