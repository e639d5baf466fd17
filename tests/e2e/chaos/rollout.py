"""Watching a rolling change of the Redis StatefulSet: how many Redis pods were down at once, and in which order the
pods were replaced, so that a scenario can check "one pod at a time, replicas first, the old master last"."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tests.e2e.kube import Kube

REVISION_LABEL = "controller-revision-hash"
SAMPLE_SECONDS = 0.25


@dataclass
class Rollout:
    most_down: int = 0  # the most Redis pods that were not Ready (or terminating) at one sample
    replaced: list[str] = field(default_factory=list)  # pod names in the order they came back on the new revision


def watch_rollout(kube: Kube, namespace: str, statefulset: str, previous_revision: str, timeout: float) -> Rollout:
    """Sample the pods until the StatefulSet has rolled every pod to a revision other than `previous_revision`."""
    rollout = Rollout()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workload = kube.apps.read_namespaced_stateful_set(statefulset, namespace)
        size, status = workload.spec.replicas, workload.status
        selector = ",".join(f"{key}={value}" for key, value in workload.spec.selector.match_labels.items())
        pods = kube.pods(namespace, selector)
        serving = [pod for pod in pods if _ready(pod) and not pod.metadata.deletion_timestamp]
        rollout.most_down = max(rollout.most_down, size - len(serving))
        for pod in pods:
            revision = (pod.metadata.labels or {}).get(REVISION_LABEL)
            if revision == status.update_revision != previous_revision and pod.metadata.name not in rollout.replaced:
                rollout.replaced.append(pod.metadata.name)
        done = (
            status.observed_generation == workload.metadata.generation
            and status.update_revision != previous_revision
            and status.updated_replicas == size  # currentRevision only moves under RollingUpdate, not OnDelete
            and len(serving) == size
        )
        if done:
            return rollout
        time.sleep(SAMPLE_SECONDS)
    raise AssertionError(f"the rollout of {statefulset} did not finish in {timeout:.0f} s: {rollout}")


def _ready(pod) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or [])
