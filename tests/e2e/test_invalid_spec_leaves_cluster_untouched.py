"""A spec the operator cannot honour is reported in the status with a clear message, and the running cluster is
left exactly as it was until the spec is fixed.

Scenario: a Healthy cluster; its spec is changed to name a password Secret that does not exist (the schema cannot
know); the status turns Failed naming the Secret, a Warning Event says the same, and no pod, StatefulSet or
ConfigMap changes. A config key the schema lets through but Redis does not know, and a value Redis rejects, are
reported the same way: neither reaches a node or the ConfigMap.
Removing the bad fields makes the cluster Healthy again, with the same pods.
"""

from __future__ import annotations

import pytest

from tests.e2e.kube import EXAMPLES, INSTANCE, wait_for
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e


def live_state(kube, namespace: str) -> dict:
    """What the operator would have to change to touch the cluster: pods (recreated pods get a new uid), the
    StatefulSets' specs (generation) and the ConfigMaps. Container restarts are the kubelet's, not the operator's."""
    return {
        "pods": sorted((pod.metadata.name, pod.metadata.uid) for pod in kube.pods(namespace, INSTANCE)),
        "statefulsets": sorted(
            (s.metadata.name, s.metadata.generation) for s in kube.apps.list_namespaced_stateful_set(namespace).items
        ),
        "configmaps": sorted(
            (c.metadata.name, c.metadata.resource_version)
            for c in kube.core.list_namespaced_config_map(namespace, label_selector=INSTANCE).items
        ),
    }


def failed_with(kube, namespace: str, words: str) -> str:
    status = kube.rediscluster(namespace, "test").get("status") or {}
    newest = (status.get("conditions") or [{}])[0]
    assert status.get("status") == "Failed", f"status {status.get('status')}"
    assert words in newest.get("message", ""), newest.get("message")
    return newest["message"]


@pytest.mark.parametrize(
    ("bad_spec", "words"),
    [
        ({"passwordSecret": {"name": "no-such-secret", "key": "password"}}, "Secret no-such-secret"),
        ({"config": {"no-such-directive": "1"}}, "no-such-directive"),
        ({"config": {"maxmemory-policy": "sometimes"}}, "maxmemory-policy"),
    ],
    ids=["missing-password-secret", "config-key-unknown-to-redis", "config-value-redis-rejects"],
)
def test_invalid_spec_is_reported_and_changes_nothing(kube, cluster_operator, namespace, bad_spec, words):
    apply_manifest(kube, EXAMPLES / "01-basic.yaml", namespace)
    wait_healthy(kube, namespace, "test")
    before = live_state(kube, namespace)

    kube.patch_rediscluster(namespace, "test", {"spec": bad_spec})
    message = wait_for(lambda: failed_with(kube, namespace, words), 120, f"a Failed status naming {words!r}")
    events = kube.get_json("events", "-n", namespace, "--field-selector", "involvedObject.name=test")["items"]
    assert any(event["type"] == "Warning" and words in event["message"] for event in events), message
    assert live_state(kube, namespace) == before

    kube.patch_rediscluster(namespace, "test", {"spec": dict.fromkeys(bad_spec)})
    wait_healthy(kube, namespace, "test")
    assert live_state(kube, namespace)["pods"] == before["pods"]
