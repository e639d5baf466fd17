"""A reconcile applies only the objects that differ from their rendering: none on an untouched Healthy cluster; the
ones someone changed, which get the operator's values back, while fields others added stay.

Scenario: one Healthy cluster under the session's operator. The operator's own ansible-runner artifacts tell whether
a reconcile ran the apply task or skipped it. Then a label the operator sets on the master Service is overwritten,
an annotation is added to it, and the Redis ConfigMap's content is replaced: the next reconcile restores the label
and the content and keeps the annotation.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.e2e.kube import wait_for
from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e

APPLY_TASK = "Apply the objects that differ from their rendering"
MASTER_SERVICE = "redis-cluster-test-master"
MANAGED_BY = "app.kubernetes.io/managed-by"


def apply_outcomes(artifacts: Path, namespace: str, since: float) -> list[str]:
    """What the apply task did in each kept run of the cluster `test` that started after `since`, oldest first:
    runner_on_ok when it applied, runner_on_skipped when every object was as rendered."""
    outcomes = []
    runs = artifacts.glob(f"**/{namespace}/test/artifacts/*")  # below the watch's group, version and kind
    for run in sorted(runs, key=lambda path: path.stat().st_mtime):
        if run.stat().st_ctime < since:
            continue
        for path in sorted((run / "job_events").glob("*.json")):
            event = json.loads(path.read_text())
            data = event.get("event_data", {})
            if data.get("task") == APPLY_TASK and event.get("event") in ("runner_on_ok", "runner_on_skipped"):
                outcomes.append(event["event"])
    return outcomes


def test_untouched_objects_are_not_applied_and_changed_ones_are_restored(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(), namespace)
    wait_healthy(kube, namespace, "test")
    healthy_at = time.time()
    outcomes = wait_for(
        lambda: apply_outcomes(cluster_operator.artifacts, namespace, healthy_at),
        90,
        "a reconcile of the Healthy cluster",
    )
    assert set(outcomes) == {"runner_on_skipped"}

    rendered_config = kube.get_json("configmap", "redis-cluster-test", "-n", namespace)["data"]
    kube.kubectl("label", "-n", namespace, "service", MASTER_SERVICE, f"{MANAGED_BY}=someone-else", "--overwrite")
    kube.kubectl("annotate", "-n", namespace, "service", MASTER_SERVICE, "example.com/note=kept")
    emptied = '{"data": {"redis.conf": ""}}'
    kube.kubectl("patch", "-n", namespace, "configmap", "redis-cluster-test", "--type=merge", "-p", emptied)

    def restored() -> bool:
        service = kube.get_json("service", MASTER_SERVICE, "-n", namespace)["metadata"]
        config = kube.get_json("configmap", "redis-cluster-test", "-n", namespace)["data"]
        return service["labels"][MANAGED_BY] == "redis-kun-operator" and config == rendered_config

    wait_for(restored, 90, "the operator's label and configuration back")
    annotations = kube.get_json("service", MASTER_SERVICE, "-n", namespace)["metadata"]["annotations"]
    assert annotations["example.com/note"] == "kept"
    assert "redis.kun/rendered-hash" in annotations
