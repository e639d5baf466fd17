"""Requests for reconciles coalesce per cluster into one annotation patch (event_relay/triggers.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from event_relay.rules import ClusterKey
from event_relay.triggers import Coalescer, annotation_value

pytestmark = pytest.mark.unit

A, B = ClusterKey("ns", "a"), ClusterKey("ns", "b")


class Patches:
    def __init__(self, expected: int):
        self.sent: list[tuple[ClusterKey, str]] = []
        self._expected, self.done = expected, threading.Event()

    def __call__(self, cluster: ClusterKey, value: str) -> None:
        self.sent.append((cluster, value))
        if len(self.sent) >= self._expected:
            self.done.set()


def test_a_burst_for_one_cluster_is_one_patch_and_each_cluster_gets_its_own():
    patches = Patches(expected=2)
    coalescer = Coalescer(patches, window=0.2)
    for number in range(20):
        coalescer.request(A, f"event {number}")
    coalescer.request(B, "event b")
    assert patches.done.wait(5)
    coalescer.close()
    assert sorted(cluster.name for cluster, _value in patches.sent) == ["a", "b"]
    [value] = [value for cluster, value in patches.sent if cluster == A]
    assert value.endswith(" event 0 (+19 more)")


def test_a_request_after_the_patch_is_patched_again():
    patches = Patches(expected=2)
    coalescer = Coalescer(patches, window=0.01)
    coalescer.request(A, "first")
    threading.Event().wait(0.3)
    coalescer.request(A, "second")
    assert patches.done.wait(5)
    coalescer.close()
    assert [value.split(" ", 1)[1] for _cluster, value in patches.sent] == ["first", "second"]


def test_a_forgotten_cluster_is_not_patched():
    patches = Patches(expected=1)
    coalescer = Coalescer(patches, window=0.2)
    coalescer.request(A, "gone")
    coalescer.forget(A)
    coalescer.request(B, "here")
    assert patches.done.wait(5)
    coalescer.close()
    assert [cluster for cluster, _value in patches.sent] == [B]


def test_a_failed_patch_does_not_stop_the_next():
    sent = []
    done = threading.Event()

    def patch(cluster, value):
        sent.append(cluster)
        if cluster == A:
            raise OSError("the API server is away")
        done.set()

    coalescer = Coalescer(patch, window=0.01)
    coalescer.request(A, "fails")
    threading.Event().wait(0.1)
    coalescer.request(B, "works")
    assert done.wait(5)
    coalescer.close()
    assert sent == [A, B]


def test_the_annotation_says_when_and_why_and_changes_every_time():
    now = datetime(2026, 12, 2, 3, 40, 1, 123456, tzinfo=UTC)
    assert annotation_value(["+switch-master g"], now) == "2026-12-02T03:40:01.123Z +switch-master g"
    assert annotation_value(["x" * 500, "y"], now) == f"2026-12-02T03:40:01.123Z {'x' * 200} (+1 more)"
