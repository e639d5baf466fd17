"""Fixtures of the end-to-end suite: the CRD, the operator (ansible-operator, as config/ installs it) running the
role against the sandbox, a fresh namespace per test, and diagnostics dumped when a test fails.

The sandbox has 2 cores for 3 nodes: tests keep at most one RedisCluster running at a time, and one cluster-scoped
operator serves the whole session (the reference manifests 01 and 03-07 carry the cluster-scoped annotation); a
namespaced operator is started only for the tests of the namespaced manifest 02.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.scope import watched_namespaces

from sandbox.ansible_operator import LocalOperator
from sandbox.config import Sandbox
from tests.e2e.kube import GROUP, PLURAL, VERSION, Kube
from tests.e2e.redis_view import ClusterView


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that fixtures can tell a failed test at teardown."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is None or report.failed


@pytest.fixture(scope="session")
def kube(sandbox_kubeconfig: Path) -> Kube:
    return Kube(sandbox_kubeconfig)


@pytest.fixture(scope="session")
def crd(kube: Kube) -> None:
    kube.install_crd()


class Operator(LocalOperator):
    """ansible-operator as an install of config/ runs it (sandbox/ansible_operator.py), started and leading."""

    running: list[Operator] = []  # noqa: RUF012 - every live operator, for the diagnostics

    def __init__(self, kube: Kube, workdir: Path, watch_namespace: str):
        """`watch_namespace` as ansible-operator takes it: one namespace or several ("a,b": the operator runs in the
        first), or "" for the cluster-wide install."""
        if namespaces := watched_namespaces(watch_namespace):
            super().__init__("default", kube.kubeconfig, workdir, namespaces[0], watch_namespace=watch_namespace)
        else:
            super().__init__("cluster-scoped", kube.kubeconfig, workdir)
        Operator.running.append(self)
        try:
            self.wait_started()
        except Exception:
            self.stop()
            raise

    @property
    def artifacts(self) -> Path:
        """ansible-operator's runner directories: one per RedisCluster, each with its kept runs under artifacts/."""
        return self.runner_dir

    def kill(self) -> None:  # stop() ends here too
        if self in Operator.running:
            Operator.running.remove(self)
        super().kill()


@pytest.fixture(scope="session")
def cluster_operator(kube: Kube, crd: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    """The cluster-wide operator: it serves RedisClusters annotated `redis.kun/scope: cluster-scoped`."""
    operator = Operator(kube, tmp_path_factory.mktemp("cluster-operator"), watch_namespace="")
    yield operator
    operator.stop()


@pytest.fixture
def namespace(kube: Kube, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh namespace, deleted afterwards; on failure its objects, logs and Sentinel views are printed first."""
    name = f"e2e-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", name)
    yield name
    if _failed(request):
        print(diagnostics(kube, name))
    kube.kubectl("delete", "namespace", name, "--wait=false")


@pytest.fixture
def cluster(kube: Kube, crd, namespace: str) -> dict:
    """A new RedisCluster with no status yet (no operator runs in the tests that take it)."""
    body = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "RedisCluster",
        "metadata": {"name": "test", "namespace": namespace},
        "spec": {"size": 3},
    }
    return kube.custom.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)


@pytest.fixture
def namespaced_operator(kube: Kube, crd: None, namespace: str, tmp_path: Path) -> Iterator[Operator]:
    """An operator watching only the test's namespace: it serves RedisClusters without the scope annotation."""
    operator = Operator(kube, tmp_path, watch_namespace=namespace)
    yield operator
    operator.stop()


def diagnostics(kube: Kube, namespace: str) -> str:
    """Everything worth reading when a cluster did not become what a test expected."""
    parts = [f"===== diagnostics for namespace {namespace}"]
    for args in (
        ("get", "rediscluster,statefulset,pod,service,pvc,configmap", "-o", "wide", "--show-labels"),
        ("describe", "rediscluster"),
        ("get", "events", "--sort-by=.lastTimestamp"),
    ):
        parts.append(f"--- kubectl {' '.join(args)}\n" + kube.kubectl(*args, "-n", namespace, check=False))
    for pod in kube.core.list_namespaced_pod(namespace).items:
        log = kube.kubectl("logs", "-n", namespace, pod.metadata.name, "--tail=30", check=False)
        parts.append(f"--- logs of {pod.metadata.name}\n{log}")
    for cluster in kube.get_json("rediscluster", "-n", namespace).get("items", []):
        view = ClusterView(kube, namespace, cluster["metadata"]["name"])
        for member in view.sentinels:
            try:
                with closing(view.sentinel(member)) as sentinel:
                    state = sentinel.execute_command("SENTINEL", "MASTER", view.group)
                    replicas = sentinel.execute_command("SENTINEL", "REPLICAS", view.group)
                parts.append(f"--- {member.name}: master {state}\n    replicas {replicas}")
            except Exception as error:  # a diagnostic never hides the test's own failure
                parts.append(f"--- {member.name}: {error}")
    for operator in Operator.running:
        parts.append(f"--- operator log {operator.log}\n{operator.tail()}")
    kubelet_log = Sandbox.from_env().log_file("kubelet")
    if kubelet_log.exists():  # what the sandbox's kubelet did with this namespace's pods, and what failed there
        lines = [
            line
            for line in kubelet_log.read_text().splitlines()
            if namespace in line or " ERROR " in line or " WARNING " in line
        ]
        parts.append(f"--- kubelet log {kubelet_log} (this namespace, warnings and errors)\n" + "\n".join(lines[-60:]))
    return "\n".join(parts)
