"""Whatever part of a cluster is deleted by accident comes back, and clients that find the master through the
Sentinels keep writing.

Scenario, on one cluster whose data lives in claims (deleting the StatefulSet deletes every Redis pod, and emptyDir
data would go with them, as in the reference). Each step starts from Healthy and ends Healthy, with the Sentinels
knowing exactly the current members (no stale entries): delete a replica pod; a Sentinel pod; the master pod (its
preStop hands over to a replica first); the Redis StatefulSet; the Sentinel Service and the Redis ConfigMap. After
each step the keys written before it are all there, and a write through Sentinel discovery succeeds.
"""

from __future__ import annotations

import pytest

from tests.e2e.data import missing_keys, write_keys
from tests.e2e.kube import INSTANCE, wait_for
from tests.e2e.manifests import persistent, rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e


def test_deleted_pods_statefulset_service_and_configmap_come_back(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(storage=persistent(keep_after_deletion=False)), namespace)
    view = wait_healthy(kube, namespace, "test")
    write_keys(view, "initial")

    def recover(step: str, *delete_args: str) -> None:
        nonlocal view
        before = {pod.metadata.uid for pod in kube.pods(namespace, INSTANCE)}
        kube.kubectl("delete", "-n", namespace, *delete_args)
        if delete_args[0] == "statefulset":
            # The garbage collector deletes the old StatefulSet's pods in the background, possibly after the operator
            # has created the new one: until they are gone the cluster only looks whole.
            wait_for(
                lambda: (
                    not before & {pod.metadata.uid for pod in kube.pods(namespace, "app.kubernetes.io/component=redis")}
                ),
                180,
                "the old StatefulSet's pods to be replaced",
            )
        view = wait_healthy(kube, namespace, "test")
        assert missing_keys(view, "initial") == {}, f"keys lost after deleting {step}"
        write_keys(view, step)  # Sentinel discovery leads to a master that takes writes

    master = view.master_by_sentinels().split(".", 1)[0]
    replica = next(member.name for member in view.redis if member.name != master)
    recover("a-replica", "pod", replica)
    recover("a-sentinel", "pod", "redis-sentinel-test-1")
    recover("the-master", "pod", view.master_by_sentinels().split(".", 1)[0])
    recover("the-redis-statefulset", "statefulset", "redis-cluster-test")
    recover("a-service-and-a-configmap", "service/redis-sentinel-test", "configmap/redis-cluster-test")
    assert missing_keys(view, "the-master") == {}
