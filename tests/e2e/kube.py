"""Driving the sandbox from end-to-end tests: kubectl, the Kubernetes client, and polling with a deadline."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kubernetes import client, config

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT.parent / "shared" / "examples"  # the reference manifests, beside the repository
GROUP, VERSION, PLURAL = "redis.kun", "v1beta1", "redisclusters"
INSTANCE = "app.kubernetes.io/instance=test"  # the label selector of every object of the RedisCluster `test`

T = TypeVar("T")


def wait_for(check: Callable[[], T], timeout: float, what: str, interval: float = 2.0) -> T:
    """Poll `check` until it returns something truthy; fail naming `what` and the last answer at the deadline.

    `check` may raise AssertionError to say "not yet, and here is why": the last reason is reported.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = check()
            if last:
                return last
        except AssertionError as reason:
            last = str(reason)
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last: {last}")
        time.sleep(interval)


@dataclass
class Kube:
    """One sandbox: kubectl with its kubeconfig, and typed clients."""

    kubeconfig: Path

    def __post_init__(self) -> None:
        api = config.new_client_from_config(str(self.kubeconfig))
        self.core = client.CoreV1Api(api)
        self.apps = client.AppsV1Api(api)
        self.custom = client.CustomObjectsApi(api)

    def kubectl(self, *args: str, stdin: str | None = None, check: bool = True, timeout: float = 120) -> str:
        result = subprocess.run(
            [str(REPO_ROOT / "bin" / "kubectl"), "--kubeconfig", str(self.kubeconfig), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def install_crd(self) -> None:
        """Apply config/'s CRD and wait until the API server serves RedisClusters.

        Polled here rather than with `kubectl wait --for=condition=Established`: a CRD just created has
        `status.conditions: null` until the API server's establishing controller runs, and kubectl wait fails on
        that null instead of waiting.
        """
        self.kubectl("apply", "--server-side", "--force-conflicts", "-f", str(REPO_ROOT / "config" / "crd" / "bases"))

        def established() -> bool:
            conditions = self.get_json(f"crd/{PLURAL}.{GROUP}").get("status", {}).get("conditions") or []
            return any(c["type"] == "Established" and c["status"] == "True" for c in conditions)

        wait_for(established, 60, f"the CRD {PLURAL}.{GROUP} to be established", interval=0.5)

    def get_json(self, *args: str) -> dict:
        return json.loads(self.kubectl("get", *args, "-o", "json"))

    def rediscluster(self, namespace: str, name: str) -> dict:
        return self.custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, name)

    def patch_rediscluster(self, namespace: str, name: str, patch: dict) -> None:
        self.custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, name, patch)

    def pods(self, namespace: str, selector: str) -> list[client.V1Pod]:
        return self.core.list_namespaced_pod(namespace, label_selector=selector).items

    def claims(self, namespace: str, selector: str = "") -> list[client.V1PersistentVolumeClaim]:
        return self.core.list_namespaced_persistent_volume_claim(namespace, label_selector=selector).items
