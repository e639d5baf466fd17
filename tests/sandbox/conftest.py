"""Helpers for the kubelet's sandbox tests: a namespace per test (deleted afterwards, dumped when the test failed),
manifests applied with kubectl, polling with deadlines, and commands run inside pods."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox import faults
from sandbox.kubelet.api import Api, ApiError

REPO_ROOT = Path(__file__).resolve().parents[2]
KUBECTL = str(REPO_ROOT / "bin" / "kubectl")


class Cluster:
    """The sandbox seen from a test: JSON API access, kubectl, and waiting."""

    def __init__(self, kubeconfig: Path):
        self.kubeconfig = kubeconfig
        self.api = Api(str(kubeconfig))

    def kubectl_command(self, *args: str) -> list[str]:
        """The argv of a kubectl command on this cluster, for tests that need its exit code, stderr or process."""
        return [KUBECTL, f"--kubeconfig={self.kubeconfig}", *args]

    def kubectl(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        result = subprocess.run(
            self.kubectl_command(*args),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def apply(self, namespace: str, manifest: str) -> None:
        self.kubectl("apply", "-n", namespace, "-f", "-", stdin=manifest)

    def pod(self, namespace: str, name: str) -> dict | None:
        try:
            return self.api.get(f"/api/v1/namespaces/{namespace}/pods/{name}")
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def pods(self, namespace: str, selector: str = "") -> list[dict]:
        query = {"labelSelector": selector} if selector else None
        return self.api.get(f"/api/v1/namespaces/{namespace}/pods", query)["items"]

    def wait_for(self, what: str, check: Callable[[], object], timeout: float = 90, every: float = 0.3):
        """Poll `check` until it returns something truthy; fail naming `what` at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(every)

    def ready_pod(self, namespace: str, name: str) -> dict | None:
        """The pod when it is Ready and not terminating, else None."""
        pod = self.pod(namespace, name)
        conditions = (pod or {}).get("status", {}).get("conditions") or []
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)
        return pod if ready and not pod["metadata"].get("deletionTimestamp") else None

    def wait_ready(self, namespace: str, name: str, timeout: float = 90) -> dict:
        return self.wait_for(f"pod {namespace}/{name} to be Ready", lambda: self.ready_pod(namespace, name), timeout)

    def run_in(self, namespace: str, pod: str, *argv: str, container: str | None = None) -> str:
        """Run a command inside a pod (as kubectl exec would); returns stdout, fails on a non-zero exit."""
        result = faults.exec_in(namespace, pod, list(argv), container)
        assert result.returncode == 0, f"{argv} in {namespace}/{pod} exited {result.returncode}: {result.stderr}"
        return result.stdout

    def container_status(self, namespace: str, pod: str, container: str | None = None) -> dict | None:
        current = self.pod(namespace, pod) or {}
        statuses = current.get("status", {}).get("containerStatuses") or []
        return next((s for s in statuses if container in (None, s["name"])), None)


@pytest.fixture(scope="session")
def cluster(sandbox_kubeconfig) -> Cluster:
    return Cluster(Path(sandbox_kubeconfig))


def _kubelet_log_tail(lines: int = 60) -> str:
    state_dir = Path(os.environ.get("SANDBOX_DIR") or REPO_ROOT / ".sandbox")
    for path in (state_dir / "logs" / "kubelet.log", state_dir / "kubelet.log"):
        if path.exists() and path.stat().st_size:
            return "".join(path.read_text(errors="replace").splitlines(keepends=True)[-lines:])
    return "(no kubelet log found)"


@contextlib.contextmanager
def fresh_namespace(cluster: Cluster, label: str, request):
    """A new namespace, deleted afterwards; when a test using it failed, its pods and the kubelet log are printed."""
    name = f"kl-{label[:24].replace('_', '-').strip('-')}-{uuid.uuid4().hex[:5]}".lower()
    cluster.api.create("/api/v1/namespaces", {"metadata": {"name": name}})
    cluster.wait_for(
        "the namespace's default service account",
        lambda: _exists(cluster, f"/api/v1/namespaces/{name}/serviceaccounts/default"),
    )
    failures = request.session.testsfailed
    yield name
    if request.session.testsfailed > failures:
        print(f"\n--- pods of {name}")
        print(json.dumps(cluster.pods(name), indent=1)[-20000:])
        print("--- kubelet log (tail)")
        print(_kubelet_log_tail())
    cluster.kubectl("delete", "namespace", name, "--wait=false", check=False)


@pytest.fixture
def namespace(cluster: Cluster, request) -> str:
    """A fresh namespace for one test."""
    with fresh_namespace(cluster, request.node.name.removeprefix("test_"), request) as name:
        yield name


@pytest.fixture(scope="module")
def module_namespace(cluster: Cluster, request) -> str:
    """A fresh namespace shared by the tests of one module (for objects that are slow to set up)."""
    with fresh_namespace(cluster, request.module.__name__.removeprefix("test_"), request) as name:
        yield name


def _exists(cluster: Cluster, path: str) -> bool:
    try:
        cluster.api.get(path)
    except ApiError:
        return False
    return True
