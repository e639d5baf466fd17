"""A RedisCluster deleted and applied again at once (a CI pipeline's habit) gets its pods as soon as their names are
free.

Scenario: a Healthy cluster is deleted without waiting and its manifest applied again at once, while a finalizer
holds the old pod redis-cluster-test-0 for HOLD_SECONDS (an old pod whose shutdown takes long: a preStop failover,
a large dataset to flush). The new Redis StatefulSet cannot create its pod 0 meanwhile and its controller backs off
exponentially; the old pod's end wakes nothing, since it belonged to the old StatefulSet. The event relay reconciles
when the old pod is gone and the role wakes the StatefulSet (tasks/wake_statefulsets.yml): the new pod 0 exists
within NEW_POD_SECONDS of the old one's end, where the backoff alone would leave it waiting for tens of seconds more,
and the cluster becomes Healthy. bench/scale.py prints the figures.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.kube import INSTANCE, wait_for
from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e

HOLD = "redis.kun.test/hold"
HOLD_SECONDS = 90  # long enough for the StatefulSet controller's backoff to reach tens of seconds
NEW_POD_SECONDS = 15
POD = "redis-cluster-test-0"


def test_a_cluster_deleted_and_applied_again_gets_its_pods_once_their_names_are_free(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(), namespace)
    wait_healthy(kube, namespace, "test")
    old = {pod.metadata.uid for pod in kube.pods(namespace, INSTANCE)}
    held = kube.core.read_namespaced_pod(POD, namespace).metadata.uid
    kube.core.patch_namespaced_pod(POD, namespace, {"metadata": {"finalizers": [HOLD]}})

    kube.kubectl("delete", "rediscluster", "test", "-n", namespace, "--wait=false")
    apply_manifest(kube, rediscluster(), namespace)
    time.sleep(HOLD_SECONDS)
    kube.core.patch_namespaced_pod(POD, namespace, {"metadata": {"finalizers": None}})

    def pod_0() -> str:
        pods = {pod.metadata.name: pod.metadata.uid for pod in kube.pods(namespace, INSTANCE)}
        return {None: "absent", held: "old"}.get(pods.get(POD), "new")

    wait_for(lambda: pod_0() != "old", 60, f"the old {POD} to be gone", interval=0.2)
    gone = time.monotonic()
    wait_for(lambda: pod_0() == "new", NEW_POD_SECONDS, f"a new {POD} after the old one was gone", interval=0.2)
    created = time.monotonic() - gone
    wait_for(
        lambda: not old & {pod.metadata.uid for pod in kube.pods(namespace, INSTANCE)}, 120, "every old pod to be gone"
    )
    wait_healthy(kube, namespace, "test")
    print(f"new {POD} {created:.1f} s after the old one was gone; Healthy {time.monotonic() - gone:.1f} s after")
