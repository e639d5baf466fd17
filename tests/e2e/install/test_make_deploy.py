"""`make deploy` as users run it, into the sandbox: both installs side by side, each a pod running the operator's
image (the sandbox's kubelet runs it from this checkout, sandbox/kubelet/images.py) with its service account token,
its Role or ClusterRole and nothing more. Each serves the RedisClusters of its scope; two replicas elect one leader
and the other takes over when it dies; `make undeploy` removes the operator and leaves the namespace, the CRD and
every RedisCluster."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Operator
from tests.e2e.kube import Kube, wait_for
from tests.e2e.rediscluster import apply_manifest, reporting_pods, wait_healthy

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLES = REPO_ROOT / "config" / "samples"
STARTED = "Starting workers"  # ansible-operator's log line once it leads and reconciles


class Install:
    """One install of config/ (`make deploy INSTALL=...`): where its operator runs and as whom."""

    def __init__(self, kube: Kube, install: str, namespace: str, prefix: str):
        self.kube, self.install, self.namespace = kube, install, namespace
        self.deployment = f"{prefix}controller-manager"
        self.account = f"system:serviceaccount:{namespace}:{prefix}controller-manager"

    def make(self, target: str) -> None:
        env = {**os.environ, "KUBECONFIG": str(self.kube.kubeconfig), "INSTALL": self.install}
        result = subprocess.run(
            ["make", "-s", target], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert result.returncode == 0, f"make {target} INSTALL={self.install}: {result.stdout}{result.stderr}"

    def pods(self) -> list[str]:
        selector = "app.kubernetes.io/name=redis-kun-operator"
        pods = self.kube.core.list_namespaced_pod(self.namespace, label_selector=selector).items
        return sorted(pod.metadata.name for pod in pods if not pod.metadata.deletion_timestamp)

    def wait_available(self, replicas: int = 1) -> list[str]:
        def available() -> list[str]:
            status = self.kube.apps.read_namespaced_deployment(self.deployment, self.namespace).status
            assert (status.available_replicas or 0) == replicas, f"{status.available_replicas} of {replicas} available"
            assert len(self.pods()) == replicas, f"pods {self.pods()}"
            return self.pods()

        return wait_for(available, 180, f"{self.deployment} to have {replicas} available replica(s)")

    def log(self, pod: str) -> str:
        return self.kube.kubectl("logs", "-n", self.namespace, pod, "-c", "manager", check=False)

    def leader(self) -> str:
        lease = self.kube.get_json("lease", "redis-kun-operator", "-n", self.namespace)
        return lease["spec"]["holderIdentity"].split("_", 1)[0]  # <pod name>_<uuid>

    def can(self, verb: str, resource: str, namespace: str) -> bool:
        answer = self.kube.kubectl(
            "auth", "can-i", verb, resource, "-n", namespace, f"--as={self.account}", check=False
        )
        return answer.strip() == "yes"


@pytest.fixture(scope="module")
def installs(kube: Kube, crd: None) -> Iterator[dict[str, Install]]:
    assert not [operator for operator in Operator.running if operator.install == "cluster-scoped"], (
        "a local cluster-scoped operator runs already: tests/e2e/install/ must run first (tests/e2e/conftest.py)"
    )
    installs = {
        "default": Install(kube, "default", "redis-kun-operator", "redis-kun-operator-"),
        "cluster-scoped": Install(kube, "cluster-scoped", "redis-kun-operator-cluster", "redis-kun-operator-cluster-"),
    }
    for install in installs.values():
        install.make("deploy")
    yield installs
    for install in installs.values():
        install.make("undeploy")  # idempotent: the last test ran it already when it got that far
    for namespace in ("redis-kun-operator", "redis-kun-operator-cluster", "e2e-deploy-cluster-scoped"):
        kube.kubectl("delete", "namespace", namespace, "--ignore-not-found", "--timeout=180s", timeout=200)


@pytest.fixture(scope="module")
def clusters(kube: Kube, installs: dict[str, Install]) -> dict[str, tuple[str, str]]:
    """The reference samples, one per scope: the plain one in the namespaced operator's namespace, the annotated one
    in a namespace of its own."""
    for install in installs.values():
        install.wait_available()
    kube.kubectl("create", "namespace", "e2e-deploy-cluster-scoped")
    apply_manifest(kube, SAMPLES / "redis_v1beta1_rediscluster.yaml", "redis-kun-operator")
    apply_manifest(kube, SAMPLES / "redis_v1beta1_rediscluster_cluster_scoped.yaml", "e2e-deploy-cluster-scoped")
    clusters = {"default": ("redis-kun-operator", "test"), "cluster-scoped": ("e2e-deploy-cluster-scoped", "test")}
    for namespace, name in clusters.values():
        wait_healthy(kube, namespace, name)
    return clusters


def test_each_install_serves_the_clusters_of_its_scope(kube, installs, clusters):
    for install_name, (namespace, name) in clusters.items():
        install = installs[install_name]
        reporters = reporting_pods(kube, namespace, name)
        assert reporters and reporters <= set(install.pods()), f"{namespace}/{name}: Events from {reporters}"
        cluster = kube.rediscluster(namespace, name)
        assert cluster["status"]["status"] == "Healthy"


def test_the_operator_lacks_no_permission_it_uses(installs, clusters):
    for install in installs.values():
        for pod in install.pods():
            forbidden = [line for line in install.log(pod).splitlines() if "forbidden" in line.lower()]
            assert not forbidden, f"{install.install}: {forbidden[:3]}"


def test_each_install_may_do_no_more_than_its_manifest_grants(kube, installs, clusters):
    namespaced, cluster_wide = installs["default"], installs["cluster-scoped"]
    other = "e2e-deploy-cluster-scoped"
    assert namespaced.can("get", "secrets", "redis-kun-operator")
    assert not namespaced.can("get", "secrets", other), "the namespaced install reads another namespace's Secrets"
    assert not namespaced.can("list", "redisclusters.redis.kun", other)
    assert not namespaced.can("list", "namespaces", "")
    assert cluster_wide.can("list", "redisclusters.redis.kun", other)
    for install in installs.values():  # verbs the role never grants, anywhere
        assert not install.can("delete", "secrets", "redis-kun-operator")
        assert not install.can("create", "pods", "redis-kun-operator")
        assert not install.can("delete", "persistentvolumeclaims", "redis-kun-operator")
        assert not install.can("create", "clusterrolebindings.rbac.authorization.k8s.io", "")
        assert not install.can("get", "nodes", "")


def test_a_second_replica_takes_over_when_the_leader_dies(kube, installs, clusters):
    install = installs["cluster-scoped"]
    kube.kubectl("scale", "deployment", install.deployment, "-n", install.namespace, "--replicas=2")
    pods = install.wait_available(replicas=2)
    leader = wait_for(install.leader, 60, "a leader")
    assert STARTED in install.log(leader)
    assert not [pod for pod in pods if pod != leader and STARTED in install.log(pod)], "two replicas reconcile at once"

    kube.kubectl("delete", "pod", leader, "-n", install.namespace, "--grace-period=0", "--force", "--wait=false")

    def another_leads() -> str:
        # The standby, or the replica the Deployment starts in the dead one's place: whichever takes the lease.
        successor = install.leader()
        assert successor != leader, f"the lease is still held by {leader}"
        assert STARTED in install.log(successor), f"{successor} holds the lease but has not started its workers"
        others = [pod for pod in install.pods() if pod != successor and STARTED in install.log(pod)]
        assert not others, f"{others} reconcile as well as {successor}"
        return successor

    successor = wait_for(another_leads, 120, f"another replica to take over from {leader}")
    namespace, name = clusters["cluster-scoped"]
    kube.patch_rediscluster(namespace, name, {"spec": {"config": {"maxmemory-policy": "allkeys-lru"}}})
    wait_healthy(kube, namespace, name)
    assert successor in reporting_pods(kube, namespace, name)
    kube.kubectl("scale", "deployment", install.deployment, "-n", install.namespace, "--replicas=1")


def test_undeploy_leaves_the_namespace_the_crd_and_every_cluster(kube, installs, clusters):
    for install in installs.values():
        install.make("undeploy")
        wait_for(lambda install=install: not install.pods(), 120, f"the {install.install} operator's pods to go")
    assert kube.kubectl("get", "crd", "redisclusters.redis.kun", "-o", "name").strip()
    for namespace, name in clusters.values():
        assert kube.rediscluster(namespace, name)["metadata"]["name"] == name
        assert json.loads(kube.kubectl("get", "namespace", namespace, "-o", "json"))["status"]["phase"] == "Active"
