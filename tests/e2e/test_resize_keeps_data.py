"""Resizing a cluster from 3 to 5 nodes and back to 3 keeps every key on every node.

Scenario: the reference 01 manifest becomes Healthy; keys are written through Sentinel discovery; size 5 (the
reference 03 manifest's size) becomes Healthy with 4 replicas in sync holding the keys and Sentinels that know all of
them; size 3 again becomes Healthy, and the Sentinels forget the removed replicas (no stale entries).
"""

from __future__ import annotations

import pytest

from tests.e2e.data import missing_keys, write_keys
from tests.e2e.kube import EXAMPLES, wait_for
from tests.e2e.rediscluster import apply_manifest, printed_row, wait_healthy

pytestmark = pytest.mark.e2e


def test_resize_up_and_down_keeps_data(kube, cluster_operator, namespace):
    apply_manifest(kube, EXAMPLES / "01-basic.yaml", namespace)
    view = wait_healthy(kube, namespace, "test", size=3)
    write_keys(view, "before-resize")

    kube.patch_rediscluster(namespace, "test", {"spec": {"size": 5}})
    view = wait_healthy(kube, namespace, "test", size=5)
    assert printed_row(kube, namespace, "test")[:3] == ["test", "5", "Healthy"]
    wait_for(lambda: not missing_keys(view, "before-resize"), 60, "the new replicas to hold every key")
    write_keys(view, "at-five")

    kube.patch_rediscluster(namespace, "test", {"spec": {"size": 3}})
    view = wait_healthy(kube, namespace, "test", size=3)
    assert missing_keys(view, "before-resize") == {}
    assert missing_keys(view, "at-five") == {}
