"""A reconcile applies only the objects that differ from their rendering: none on an untouched Healthy cluster; the
ones someone changed, which get the operator's values back, while fields others added stay.

Scenario: one Healthy cluster under the session's operator. The operator's own ansible-runner artifacts tell whether
a reconcile ran the apply task or skipped it. Then a label the operator sets on the master Service is overwritten,
an annotation is added to it, and the Redis ConfigMap's content is replaced: the next reconcile restores the label
and the content and keeps the annotation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.kube import wait_for
from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e

APPLY_TASK = "Apply the objects that differ from their rendering"
APPLY_OUTCOMES = ("runner_on_ok", "runner_on_skipped")
MASTER_SERVICE = "redis-cluster-test-master"
MANAGED_BY = "app.kubernetes.io/managed-by"


def read_event(path: Path) -> dict | None:
    """One job event, or None while the runner is still writing it or has rotated its run away."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def apply_outcomes(artifacts: Path, namespace: str, since: datetime) -> list[str]:
    """What the apply task did in each kept run of the cluster `test` that started after `since`, in the order the
    runs started: runner_on_ok when it applied, runner_on_skipped when every object was as rendered."""
    runs = []
    for run in artifacts.glob(f"**/{namespace}/test/artifacts/*"):  # below the watch's group, version and kind
        events = [event for path in (run / "job_events").glob("*.json") if (event := read_event(path))]
        started = [datetime.fromisoformat(e["created"]) for e in events if e.get("event") == "playbook_on_start"]
        outcomes = [
            e["event"]
            for e in events
            if e.get("event_data", {}).get("task") == APPLY_TASK and e.get("event") in APPLY_OUTCOMES
        ]
        if started and started[0] > since:
            runs += [(started[0], outcome) for outcome in outcomes]
    return [outcome for _, outcome in sorted(runs)]


def test_untouched_objects_are_not_applied_and_changed_ones_are_restored(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(), namespace)
    wait_healthy(kube, namespace, "test")
    healthy_at = datetime.now(UTC)
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
