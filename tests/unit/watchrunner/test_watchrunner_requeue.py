"""The next reconcile's delay, read from the events of a run as ansible-operator reads it."""

import pytest

from watchrunner.playbook_run import requeue_after
from watchrunner.watches import WatchesError

pytestmark = pytest.mark.unit


def _event(event, action, res=None):
    data = {"task_action": action}
    if res is not None:
        data["res"] = res
    return {"event": event, "event_data": data}


def test_the_period_of_a_requeue_after_task_that_ran():
    events = [
        _event("playbook_on_task_start", "requeue_after"),
        _event("runner_on_ok", "requeue_after", {"period": "2.5s", "changed": False}),
    ]
    assert requeue_after(events) == 2.5


def test_the_operator_sdk_collections_module_counts_too():
    assert requeue_after([_event("runner_on_ok", "operator_sdk.util.requeue_after", {"period": "1m"})]) == 60


@pytest.mark.parametrize(
    "events",
    [
        [],
        [_event("runner_on_skipped", "requeue_after")],  # a skipped task's event carries no result
        [_event("runner_on_failed", "requeue_after", {"msg": "seconds is 0.0"})],
        [_event("runner_on_ok", "ansible.builtin.set_fact", {"period": "1s"})],  # another module's `period`
        [_event("runner_on_ok", "requeue_after", "censored")],
    ],
)
def test_no_period_without_a_requeue_after_task_that_ran(events):
    assert requeue_after(events) is None


def test_the_first_period_wins():
    events = [_event("runner_on_ok", "requeue_after", {"period": period}) for period in ("3s", "1s")]
    assert requeue_after(events) == 3


def test_a_period_that_is_no_duration_is_named_in_the_error():
    with pytest.raises(WatchesError, match="requeue_after task '5' is not a duration"):
        requeue_after([_event("runner_on_ok", "requeue_after", {"period": "5"})])
