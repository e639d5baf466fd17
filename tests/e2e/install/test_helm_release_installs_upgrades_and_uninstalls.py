"""A Helm release's life on the sandbox, as a user lives it.

Scenario: `helm install` of the chart (namespace scope) into a fresh namespace; the operator Deployment becomes
Available (its pod runs the operator image, which the sandbox's kubelet runs from this checkout); the size-3 sample of
config/samples, applied there, is served by that operator and becomes Healthy. `helm upgrade` with extra environment
and other resources rolls the Deployment to a new pod that has them, and the RedisCluster stays Healthy with the same
master throughout. `helm uninstall` removes every object of the release, cluster-wide ones included, and leaves the
CRD, the RedisCluster and its Redis pods. Beforehand, an install that asks for a ServiceMonitor where the cluster has
no such kind fails with the chart's message and leaves no release and no object of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.kube import Kube, wait_for
from tests.e2e.rediscluster import apply_manifest, delete_cluster, reporting_pods, wait_healthy
from tests.helm import CHART, REPO_ROOT, helm

pytestmark = pytest.mark.e2e

SAMPLE = REPO_ROOT / "config" / "samples" / "redis_v1beta1_rediscluster.yaml"
UPGRADE = {
    "manager": {"extraEnv": [{"name": "ANSIBLE_VERBOSITY", "value": "1"}]},
    "eventRelay": {"resources": {"limits": {"memory": "384Mi"}}},
}


class Release:
    """One release of the chart in its own namespace, named after it (so its ClusterRole is unique too)."""

    def __init__(self, kube: Kube, namespace: str):
        self.kube, self.namespace, self.name = kube, namespace, namespace
        self.deployment = f"{namespace}-redis-kun-operator"

    def helm(self, *args: str, values: dict | None = None):
        return helm(*args, "--namespace", self.namespace, values=values, kubeconfig=self.kube.kubeconfig, timeout=300)

    def install(self, values: dict | None = None):
        return self.helm("install", self.name, str(CHART), values=values or {})

    def installed(self) -> bool:
        """Whether Helm holds a release of this name, in any state (a failed install is one)."""
        return self.helm("status", self.name).returncode == 0

    def objects(self) -> list[str]:
        """Every object of the release that exists, in its namespace and cluster-wide."""
        selector = f"app.kubernetes.io/instance={self.name},app.kubernetes.io/managed-by=Helm"
        namespaced = self.kube.kubectl(
            "get",
            "deployment,serviceaccount,service,role,rolebinding",
            "-n",
            self.namespace,
            "-l",
            selector,
            "-o",
            "name",
        )
        cluster_wide = self.kube.kubectl("get", "clusterrole,clusterrolebinding", "-l", selector, "-o", "name")
        return (namespaced + cluster_wide).split()

    def available(self, generation: int = 0) -> list[str]:
        """The Deployment's one pod, once the Deployment at `generation` or later has rolled it out and it is
        available (an AssertionError saying why not, before)."""
        status = self.kube.apps.read_namespaced_deployment(self.deployment, self.namespace).status
        assert (status.observed_generation or 0) >= generation, "not rolled yet"
        assert status.updated_replicas == 1 and status.available_replicas == 1, f"status {status}"
        assert (status.replicas or 0) == 1, f"{status.replicas} pods, old ones still running"
        pods = self.pods()
        assert len(pods) == 1, f"pods {pods}"
        return pods

    def wait_available(self) -> list[str]:
        return wait_for(self.available, 240, f"the Deployment {self.namespace}/{self.deployment} to be Available")

    def pods(self) -> list[str]:
        pods = self.kube.pods(self.namespace, f"app.kubernetes.io/instance={self.name}")
        return sorted(pod.metadata.name for pod in pods if not pod.metadata.deletion_timestamp)


@pytest.fixture
def release(kube: Kube, crd: None, namespace: str) -> Iterator[Release]:
    release = Release(kube, namespace)
    yield release
    # A failed test may leave the release, whose ClusterRole outlives the namespace, and the RedisCluster.
    if release.installed():
        release.helm("uninstall", release.name, "--wait")
    delete_cluster(kube, namespace, "test")


def test_an_install_asking_for_a_service_monitor_the_cluster_lacks_leaves_nothing(kube: Kube, release: Release):
    if kube.kubectl("api-resources", "--api-group=monitoring.coreos.com", "-o", "name").strip():
        pytest.skip("this sandbox serves monitoring.coreos.com: the ServiceMonitor would be made")
    result = release.install({"metrics": {"serviceMonitor": {"enabled": True}}})
    assert result.returncode != 0
    assert "the cluster does not serve monitoring.coreos.com/v1 ServiceMonitor" in result.stderr
    assert not release.installed()
    assert not release.objects()


def test_a_release_serves_a_cluster_upgrades_without_disturbing_it_and_uninstalls_leaving_it(
    kube: Kube, release: Release, namespace: str
):
    installed = release.install()
    assert installed.returncode == 0, installed.stderr
    assert "kubectl -n " + namespace + " apply -f -" in installed.stdout  # the notes: how to make a first cluster
    [first_pod] = release.wait_available()

    apply_manifest(kube, SAMPLE, namespace)
    wait_healthy(kube, namespace, "test")
    master = kube.rediscluster(namespace, "test")["status"]["master"]
    assert first_pod in reporting_pods(kube, namespace, "test")  # the release's operator serves it

    generation = kube.apps.read_namespaced_deployment(release.deployment, namespace).metadata.generation
    upgraded = release.helm("upgrade", release.name, str(CHART), values=UPGRADE)
    assert upgraded.returncode == 0, upgraded.stderr

    seen = []  # the cluster's status and master at every poll of the rollout

    def rolled() -> list[str]:
        status = kube.rediscluster(namespace, "test")["status"]
        seen.append((status["status"], status["master"]))
        return release.available(generation + 1)

    [second_pod] = wait_for(rolled, 300, "the upgrade to roll the operator's Deployment", interval=1)
    assert set(seen) == {("Healthy", master)}, f"the cluster while its operator rolled: {seen}"
    assert second_pod != first_pod
    pod = kube.core.read_namespaced_pod(second_pod, namespace).spec
    containers = {container.name: container for container in pod.containers}
    assert {"ANSIBLE_VERBOSITY": "1"}.items() <= {v.name: v.value for v in containers["manager"].env}.items()
    assert containers["event-relay"].resources.limits["memory"] == "384Mi"
    kube.patch_rediscluster(namespace, "test", {"spec": {"config": {"maxmemory-policy": "allkeys-lru"}}})
    wait_healthy(kube, namespace, "test")  # the new operator serves it: it reconciles a change
    assert second_pod in reporting_pods(kube, namespace, "test")
    assert kube.rediscluster(namespace, "test")["status"]["master"] == master

    uninstalled = release.helm("uninstall", release.name, "--wait")
    assert uninstalled.returncode == 0, uninstalled.stderr
    wait_for(lambda: not release.pods(), 120, "the operator's pod to go")
    assert not release.objects()
    assert kube.kubectl("get", "crd", "redisclusters.redis.kun", "-o", "name").strip()
    wait_healthy(kube, namespace, "test", timeout=60)  # its Redis and Sentinels run on, without an operator
