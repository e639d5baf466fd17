"""The RedisCluster API installed on the sandbox, for test_crd_schema.py and test_status_module.py.

The CRD goes in as `make deploy` puts it (kubectl apply -k, so kustomize renders it); manifests go through kubectl
as a user's would, which means strict field validation and the API server's own error messages.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KUBECTL = REPO_ROOT / "bin" / "kubectl"
CRD = "customresourcedefinition/redisclusters.redis.kun"
SERVED_TIMEOUT_SECONDS = 60
WAIT_TIMEOUT = f"--timeout={SERVED_TIMEOUT_SECONDS}s"


def kubectl(kubeconfig: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """kubectl's result, whatever its exit code (tests assert on it and show its stderr)."""
    return subprocess.run(
        [str(KUBECTL), "--kubeconfig", str(kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def install_crd(kubeconfig: Path) -> None:
    """Applies config/crd and waits until RedisClusters are served (kubectl's discovery included)."""
    applied = kubectl(kubeconfig, "apply", "--server-side", "--force-conflicts", "-k", str(REPO_ROOT / "config/crd"))
    assert applied.returncode == 0, applied.stderr
    established = kubectl(kubeconfig, "wait", "--for=condition=Established", CRD, WAIT_TIMEOUT)
    assert established.returncode == 0, established.stderr
    deadline = time.monotonic() + SERVED_TIMEOUT_SECONDS
    while (listed := kubectl(kubeconfig, "get", "redisclusters", "--all-namespaces")).returncode != 0:
        assert time.monotonic() < deadline, f"RedisClusters not served: {listed.stderr}"
        time.sleep(0.5)


@contextmanager
def scratch_namespace(kubeconfig: Path, prefix: str) -> Iterator[str]:
    """A namespace of its own for one test, deleted afterwards (without waiting for it to go)."""
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    created = kubectl(kubeconfig, "create", "namespace", name)
    assert created.returncode == 0, created.stderr
    try:
        yield name
    finally:
        kubectl(kubeconfig, "delete", "namespace", name, "--wait=false")
