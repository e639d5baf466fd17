"""A reconcile writes only what differs: no object and no status on an untouched Healthy cluster; the objects someone
changed get the operator's values back, while fields others added stay; a status someone changed is written again.

Scenario: one Healthy cluster under the session's operator. The operator's own ansible-runner artifacts tell whether
a reconcile ran the apply and the status tasks or skipped them. Then a label the operator sets on the master Service
is overwritten, an annotation is added to it, the Redis ConfigMap's content is replaced and the status's master count
is set to 7: the next reconciles restore the label, the content and the count, and keep the annotation.
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

WRITING_TASKS = ("Apply the objects that differ from their rendering", "Write the status and record the events")
OUTCOMES = ("runner_on_ok", "runner_on_skipped")
MASTER_SERVICE = "redis-cluster-test-master"
MANAGED_BY = "app.kubernetes.io/managed-by"


def read_event(path: Path) -> dict | None:
    """One job event, or None while the runner is still writing it or has rotated its run away."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def writing_outcomes(artifacts: Path, namespace: str, since: datetime) -> list[tuple[str, str]]:
    """What the apply and the status tasks did in each kept run of the cluster `test` that started after `since`, in
    the order the runs started: (task, runner_on_ok) when it wrote, (task, runner_on_skipped) when it had nothing to
    write."""
    runs = []
    for run in artifacts.glob(f"**/{namespace}/test/artifacts/*"):  # below the watch's group, version and kind
        events = [event for path in (run / "job_events").glob("*.json") if (event := read_event(path))]
        started = [datetime.fromisoformat(e["created"]) for e in events if e.get("event") == "playbook_on_start"]
        outcomes = [
            (e["event_data"]["task"], e["event"])
            for e in events
            if e.get("event_data", {}).get("task") in WRITING_TASKS and e.get("event") in OUTCOMES
        ]
        if started and started[0] > since:
            runs += [(started[0], outcome) for outcome in outcomes]
    return [outcome for _, outcome in sorted(runs)]


def test_nothing_untouched_is_written_and_what_changed_is_restored(kube, cluster_operator, namespace):
    # A status edited by hand is no event (ansible-operator ignores status changes): the periodic reconcile, the
    # safety net, restores it, and shortened here it comes within the test.
    apply_manifest(kube, rediscluster(reconcile_period="10s"), namespace)
    wait_healthy(kube, namespace, "test")
    healthy_at = datetime.now(UTC)

    def one_whole_reconcile() -> list[tuple[str, str]]:
        outcomes = writing_outcomes(cluster_operator.artifacts, namespace, healthy_at)
        return outcomes if {task for task, _ in outcomes} == set(WRITING_TASKS) else []

    outcomes = wait_for(one_whole_reconcile, 90, "a whole reconcile of the Healthy cluster")
    assert {outcome for _, outcome in outcomes} == {"runner_on_skipped"}, outcomes

    rendered_config = kube.get_json("configmap", "redis-cluster-test", "-n", namespace)["data"]
    kube.kubectl("label", "-n", namespace, "service", MASTER_SERVICE, f"{MANAGED_BY}=someone-else", "--overwrite")
    kube.kubectl("annotate", "-n", namespace, "service", MASTER_SERVICE, "example.com/note=kept")
    emptied = '{"data": {"redis.conf": ""}}'
    kube.kubectl("patch", "-n", namespace, "configmap", "redis-cluster-test", "--type=merge", "-p", emptied)
    miscounted = '{"status": {"masterCount": 7}}'
    kube.kubectl(
        "patch", "-n", namespace, "rediscluster", "test", "--subresource=status", "--type=merge", "-p", miscounted
    )

    def restored() -> bool:
        service = kube.get_json("service", MASTER_SERVICE, "-n", namespace)["metadata"]
        config = kube.get_json("configmap", "redis-cluster-test", "-n", namespace)["data"]
        status = kube.rediscluster(namespace, "test")["status"]
        return (
            service["labels"][MANAGED_BY] == "redis-kun-operator"
            and config == rendered_config
            and status["masterCount"] == 1
        )

    wait_for(restored, 90, "the operator's label, configuration and master count back")
    annotations = kube.get_json("service", MASTER_SERVICE, "-n", namespace)["metadata"]["annotations"]
    assert annotations["example.com/note"] == "kept"
    assert "redis.kun/rendered-hash" in annotations
