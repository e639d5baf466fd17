"""A password set in the spec is required by every node and appears nowhere but in its Secret.

Scenario: a cluster with spec.password becomes Healthy (replicas authenticate to the master, Sentinels carry the
auth-pass); a client without the password is refused; the password is then searched for, and not found, in every
ConfigMap, the RedisCluster's status, the namespace's Events, the StatefulSets, the operator's log and the
ansible-runner artifacts the operator keeps (every file of its runner directories but the RedisCluster itself).
"""

from __future__ import annotations

import json
from contextlib import closing

import pytest
import redis

from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-Pa55word-not-in-any-config"


def test_password_is_required_and_never_leaks(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(password=PASSWORD), namespace)
    view = wait_healthy(kube, namespace, "test", password=PASSWORD)

    for member in view.redis:
        anonymous = redis.Redis(host=member.ip, port=6379, socket_connect_timeout=2, socket_timeout=3)
        with closing(anonymous), pytest.raises(redis.AuthenticationError):
            anonymous.ping()
    with closing(view.master_node()) as master:
        assert master.set("authenticated", "yes")

    places = {
        "configmaps": kube.kubectl("get", "configmaps", "-n", namespace, "-o", "yaml"),
        "statefulsets": kube.kubectl("get", "statefulsets", "-n", namespace, "-o", "yaml"),
        "rediscluster status": json.dumps(kube.rediscluster(namespace, "test").get("status")),
        "events": kube.kubectl("get", "events", "-n", namespace, "-o", "yaml"),
        "operator log": cluster_operator.log.read_text(),
    }
    for path in cluster_operator.artifacts.rglob("*"):
        # Not env/extravars: ansible-operator writes there the input of each run, the RedisCluster as the API holds
        # it, spec.password included (docs/api.md: passwordSecret keeps the password out of the RedisCluster).
        if path.is_file() and path.relative_to(cluster_operator.artifacts).parts[-2:] != ("env", "extravars"):
            places[f"runner artifact {path}"] = path.read_text(errors="replace")
    assert [place for place, text in places.items() if PASSWORD in text] == []
    secret = kube.core.read_namespaced_secret("redis-cluster-test-auth", namespace)
    assert set(secret.data) == {"password"}
