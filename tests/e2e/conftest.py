"""Fixtures of the end-to-end suite: the CRD, the operator (watchrunner, ansible-operator's stand-in) running the
role against the sandbox, a fresh namespace per test, and diagnostics dumped when a test fails.

The sandbox has 2 cores for 3 nodes: tests keep at most one RedisCluster running at a time, and one cluster-scoped
operator serves the whole session (the reference manifests 01 and 03-07 carry the cluster-scoped annotation); a
namespaced operator is started only for the tests of the namespaced manifest 02.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.kube import REPO_ROOT, Kube, wait_for
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
    kube.kubectl("apply", "-f", str(REPO_ROOT / "config" / "crd" / "bases"))
    kube.kubectl("wait", "--for=condition=Established", "crd/redisclusters.redis.kun", "--timeout=60s")


class Operator:
    """A watchrunner process serving watches.yaml, with its log and its ansible-runner artifacts."""

    running: list[Operator] = []  # noqa: RUF012 - every live operator, for the diagnostics

    def __init__(self, kube: Kube, workdir: Path, watch_namespace: str):
        self.log = workdir / "operator.log"
        self.artifacts = workdir / "runner"
        env = {
            **os.environ,
            "KUBECONFIG": str(kube.kubeconfig),
            "K8S_AUTH_KUBECONFIG": str(kube.kubeconfig),
            "WATCH_NAMESPACE": watch_namespace,
            "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{REPO_ROOT / 'bin'}{os.pathsep}{os.environ['PATH']}",
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "watchrunner",
                    "--watches",
                    str(REPO_ROOT / "watches.yaml"),
                    "--workdir",
                    str(self.artifacts),
                    "--metrics-bind-address",
                    f"127.0.0.1:{_free_port()}",
                    "--health-probe-bind-address",
                    f"127.0.0.1:{_free_port()}",
                ],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        Operator.running.append(self)
        wait_for(self._started, 60, "the operator to start watching")

    def _started(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the operator exited with {self.process.returncode}: {self.tail()}")
        return "watching" in self.log.read_text()

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:])

    def stop(self) -> None:
        Operator.running.remove(self)
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    return "\n".join(parts)
