"""The work queue keeps client-go's promises; checked by a Hypothesis state machine against a plain model."""

import threading
import time

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from watchrunner.workqueue import WorkQueue

pytestmark = pytest.mark.unit

KEYS = st.sampled_from(["a", "b", "c"])


class QueueMachine(RuleBasedStateMachine):
    """Model: a key is in at most one of {queued, processing}; adds during processing are remembered."""

    def __init__(self):
        super().__init__()
        self.queue = WorkQueue()
        self.queued: list[str] = []
        self.processing: set[str] = set()
        self.dirty: set[str] = set()

    @rule(key=KEYS)
    def add(self, key):
        self.queue.add(key)
        if key in self.processing:
            self.dirty.add(key)
        elif key not in self.queued:
            self.queued.append(key)

    @precondition(lambda self: self.queued)
    @rule()
    def get(self):
        key = self.queue.get()
        assert key == self.queued.pop(0)
        assert key not in self.processing
        self.processing.add(key)

    @precondition(lambda self: self.processing)
    @rule(data=st.data())
    def done(self, data):
        key = data.draw(st.sampled_from(sorted(self.processing)))
        self.queue.done(key)
        self.processing.discard(key)
        if key in self.dirty:
            self.dirty.discard(key)
            self.queued.append(key)

    @invariant()
    def length_matches(self):
        assert len(self.queue) == len(self.queued)


TestQueueMachine = QueueMachine.TestCase
TestQueueMachine.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


def test_a_delayed_key_arrives_after_its_delay_and_only_once():
    queue = WorkQueue()
    queue.add_after("a", 0.05)
    queue.add_after("a", 0.2)  # a later due time never postpones the earlier one
    started = time.monotonic()
    assert queue.get() == "a"
    assert 0.04 <= time.monotonic() - started < 0.19
    queue.done("a")
    queue.add("b")
    assert queue.get() == "b"  # the superseded 0.2 s entry of "a" was dropped


def test_handing_a_key_out_cancels_its_pending_delayed_add():
    queue = WorkQueue()
    queue.add_after("a", 0.1)
    queue.add("a")
    assert queue.get() == "a"
    queue.done("a")
    queue.add_after("z", 0.3)
    assert queue.get() == "z"  # "a" did not come back at 0.1 s


def test_shut_down_wakes_a_waiting_worker():
    queue = WorkQueue()
    results = []
    worker = threading.Thread(target=lambda: results.append(queue.get()))
    worker.start()
    queue.shut_down()
    worker.join(5)
    assert results == [None]
