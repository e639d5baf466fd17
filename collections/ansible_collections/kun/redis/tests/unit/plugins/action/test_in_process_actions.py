"""The four actions that run their module's work in the controller's process return what their modules return, for
the same arguments: successes, failures of the work, and arguments the module's spec refuses (an unsupported one is
refused with every supported one named, so the action's spec is its module's). The Kubernetes modules read from a
small API server on loopback; tests/integration/test_actions_match_modules.py compares the Redis modules against
real Redis processes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from ansible_collections.kun.redis.tests.unit.plugins.loopback_api import JsonHandler, serving
from ansible_collections.kun.redis.tests.unit.plugins.runners import run_action, run_module

# Cases that reach no Redis process: no nodes to read, or a failure before any would be read.
REDIS_CASES = {
    "config-without-nodes": ("redis_config_set", {"nodes": [], "password": "pw-0123", "config": {"hz": "12"}}),
    "config-refused": ("redis_config_set", {"nodes": [], "config": {"dir": "/tmp", "port": "1"}}),
    "config-without-required": ("redis_config_set", {"config": {}}),
    "config-unsupported": ("redis_config_set", {"nodes": [], "colour": "red"}),
    "heal-without-nodes": ("redis_sentinel_heal", {"nodes": [], "group": "ns-test", "password": "pw-0123"}),
    "heal-shared-group": ("redis_sentinel_heal", {"nodes": [], "group": "mymaster"}),
    "heal-bad-type": ("redis_sentinel_heal", {"nodes": [], "group": "ns-test", "quorum": "most"}),
    "heal-unsupported": ("redis_sentinel_heal", {"nodes": [], "group": "ns-test", "colour": "red"}),
}


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize(("name", "args"), REDIS_CASES.values(), ids=REDIS_CASES.keys())
def test_the_redis_actions_return_what_their_modules_return(name, args, check_mode):
    assert run_action(name, args, check_mode=check_mode) == run_module(name, args, check_mode=check_mode)


NAMESPACE = "ns"
LABELS = {"app.kubernetes.io/instance": "test"}
STATEFULSET = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "redis-cluster-test"}}
HEALTHY = {"type": "Healthy", "status": "True", "reason": "Cluster available", "message": "Cluster ok"}
STAMP = "2026-01-01T10:00:00Z"
CLUSTER = {
    "apiVersion": "redis.kun/v1beta1",
    "kind": "RedisCluster",
    "metadata": {"name": "test", "namespace": NAMESPACE, "uid": "u1", "resourceVersion": "7"},
    "status": {
        "conditions": [{**HEALTHY, "lastTransitionTime": STAMP, "lastUpdateTime": STAMP}],
        "status": "Healthy",
    },
}


def pod(ordinal: int) -> dict:
    return {
        "metadata": {"name": f"redis-cluster-test-{ordinal}", "labels": {"redis.kun/role": "replica"}},
        "status": {"podIP": f"10.0.0.{ordinal}", "conditions": [{"type": "Ready", "status": "True"}]},
    }


class _ReadOnlyApi(JsonHandler):
    """Answers GETs from ROUTES (by path, whatever the query), a 404 Status otherwise; writes nothing."""

    ROUTES: ClassVar[dict] = {
        "/api/v1/namespaces/ns/pods": {"kind": "PodList", "items": [pod(1), pod(0)]},
        "/api/v1/namespaces/ns/persistentvolumeclaims": {
            "kind": "PersistentVolumeClaimList",
            "items": [{"metadata": {"name": "redis-data-redis-cluster-test-0"}}],
        },
        "/apis/apps/v1/namespaces/ns/statefulsets": {
            "apiVersion": "apps/v1",
            "kind": "StatefulSetList",
            "items": [{"metadata": STATEFULSET["metadata"]}],
        },
        "/apis/apps/v1/namespaces/ns/statefulsets/redis-cluster-test": STATEFULSET,
        "/apis/redis.kun/v1beta1/namespaces/ns/redisclusters/test": CLUSTER,
    }

    def do_GET(self):
        answer = self.ROUTES.get(urlsplit(self.path).path)
        self.answer(200 if answer else 404, answer or {"kind": "Status", "message": f"{self.path} not found"})


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory) -> Iterator[str]:
    """A kubeconfig of the read-only API server."""
    with serving(_ReadOnlyApi, tmp_path_factory.mktemp("kube")) as path:
        yield path


def statefulset(name: str, domain: str, port: int) -> dict:
    return {"name": name, "hosts": [f"{name}-{ordinal}.{domain}" for ordinal in range(3)], "port": port}


OBSERVE = {
    "namespace": NAMESPACE,
    "labels": LABELS,
    "claim_labels": LABELS,
    "redis": statefulset("redis-cluster-test", "redis-cluster-test.ns.svc", 6379),
    "sentinel": statefulset("redis-sentinel-test", "redis-sentinel-test.ns.svc", 26379),
    "role_label": "redis.kun/role",
    "objects": [{"api_version": "apps/v1", "resource": "statefulsets"}],
}
# The status it has already: nothing to write, so that the result holds no time of its own.
STATUS = {"name": "test", "namespace": NAMESPACE, "condition": HEALTHY, "refresh_seconds": 0}
EVENT = {"reason": "CheckAndHeal", "message": "Cluster ok"}
KUBE_CASES = {
    "observe": ("rediscluster_observe", OBSERVE),
    "observe-missing-namespace": ("rediscluster_observe", {**OBSERVE, "namespace": "gone"}),
    "observe-unsupported": ("rediscluster_observe", {**OBSERVE, "colour": "red"}),
    "status-unchanged": ("rediscluster_status", STATUS),
    "status-replaced": ("rediscluster_status", {**STATUS, "uid": "u0"}),
    "status-without-condition": ("rediscluster_status", {"name": "test", "namespace": NAMESPACE}),
    "status-unsupported": ("rediscluster_status", {**STATUS, "colour": "red"}),
}


@pytest.mark.parametrize(("name", "args"), KUBE_CASES.values(), ids=KUBE_CASES.keys())
def test_the_kubernetes_actions_return_what_their_modules_return(name, args, kubeconfig):
    args = {**args, "kubeconfig": kubeconfig}
    assert run_action(name, args) == run_module(name, args)


def test_an_event_in_check_mode_is_reported_alike(kubeconfig):
    args = {**STATUS, "kubeconfig": kubeconfig, "events": [EVENT]}
    action = run_action("rediscluster_status", args, check_mode=True)
    assert action == run_module("rediscluster_status", args, check_mode=True)
    assert [event["reason"] for event in action["events"]] == ["CheckAndHeal"]


def test_a_warning_reaches_ansible_from_both(kubeconfig, capsys):
    args = {**STATUS, "kubeconfig": kubeconfig, "events": [EVENT]}  # the API takes no POST: the Event is not recorded
    warning = "Event CheckAndHeal on RedisCluster ns/test not recorded: 501 Unsupported method ('POST')"
    action = run_action("rediscluster_status", args)
    assert action.pop("warnings") == [warning]
    assert action == run_module("rediscluster_status", args)
    # A module run in Ansible's own process (as here) shows its warnings at once instead of returning them.
    assert warning in capsys.readouterr().err


def test_the_kubeconfig_comes_from_the_environment_in_the_controllers_process_too(kubeconfig, monkeypatch):
    monkeypatch.setenv("K8S_AUTH_KUBECONFIG", kubeconfig)
    action = run_action("rediscluster_observe", OBSERVE)
    assert action == run_module("rediscluster_observe", OBSERVE)
    assert [endpoint["address"] for endpoint in action["redis_endpoints"]] == ["10.0.0.0", "10.0.0.1"]


def test_a_kubeconfig_that_cannot_be_used_fails_both_alike(tmp_path):
    args = {**STATUS, "kubeconfig": str(tmp_path / "missing")}
    action = run_action("rediscluster_status", args)
    assert action == run_module("rediscluster_status", args)
    assert action["msg"].startswith("RedisCluster ns/test: cannot use the Kubernetes configuration")
