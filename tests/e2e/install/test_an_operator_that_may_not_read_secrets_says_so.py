"""An install whose Role lacks Secrets (a cluster admin trimmed it): a RedisCluster that takes its password from a
Secret gets a Failed status that says which permission to grant, and nothing of it is created, rather than a
reconcile that fails only in the operator's log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from olm_bundle.sources import render
from tests.e2e.kube import Kube, wait_for

pytestmark = pytest.mark.e2e

NAMESPACE = "redis-kun-operator"  # config/default's: the namespace-scoped operator serves its own namespace
CLUSTER = """
apiVersion: redis.kun/v1beta1
kind: RedisCluster
metadata: {name: secret-less}
spec:
  size: 3
  passwordSecret: {name: redis-password}
"""


def _without_secrets(objects: list[dict]) -> list[dict]:
    for obj in objects:
        for rule in obj.get("rules", []) if obj["kind"] == "ClusterRole" else []:
            rule["resources"] = [resource for resource in rule["resources"] if resource != "secrets"]
    # The CRD stays out: the session installed it, and deleting it at the end would delete every RedisCluster.
    return [obj for obj in objects if obj["kind"] != "CustomResourceDefinition"]


@pytest.fixture(scope="module")
def trimmed_install(kube: Kube, crd: None) -> Iterator[str]:
    manifest = yaml.safe_dump_all(_without_secrets(render("default")))
    kube.kubectl("apply", "--server-side", "-f", "-", stdin=manifest)
    yield manifest
    kube.kubectl("delete", "rediscluster", "secret-less", "-n", NAMESPACE, "--ignore-not-found")
    kube.kubectl("delete", "--ignore-not-found", "-f", "-", stdin=manifest, timeout=200)


def test_the_status_names_the_permission_to_grant(kube, trimmed_install):
    kube.kubectl("create", "secret", "generic", "redis-password", "-n", NAMESPACE, "--from-literal=password=p4ss-w0rd")
    kube.kubectl("apply", "-n", NAMESPACE, "-f", "-", stdin=CLUSTER)

    def failed() -> dict:
        status = (kube.rediscluster(NAMESPACE, "secret-less").get("status")) or {}
        assert status.get("status") == "Failed", f"status {status.get('status')}"
        return status

    status = wait_for(failed, 180, "the RedisCluster to report it cannot read its Secret")
    message = status["conditions"][0]["message"]
    assert "cannot read Secret redis-password" in message
    assert "secrets" in message and "config/rbac/role.yaml" in message
    assert "p4ss-w0rd" not in str(status)
    statefulsets = kube.apps.list_namespaced_stateful_set(
        NAMESPACE, label_selector="app.kubernetes.io/instance=secret-less"
    )
    assert not statefulsets.items, "a reconcile that cannot read the password applied objects"
