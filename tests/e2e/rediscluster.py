"""A RedisCluster's life in a test: apply a manifest, wait until it is what it should be, delete it."""

from __future__ import annotations

import time
from pathlib import Path

import redis

from tests.e2e.kube import Kube, wait_for
from tests.e2e.redis_view import ClusterView

RECONCILE_SECONDS = 8  # more than a reconcile of a Healthy cluster takes on the sandbox (bench/reconcile.py)
BOOTSTRAP_TIMEOUT = 300  # seconds; pods are processes, but the 2-core machine runs three nodes and the operator


def apply_manifest(kube: Kube, manifest: Path | str, namespace: str) -> None:
    """kubectl apply, unchanged: a file path, or the manifest's text."""
    if isinstance(manifest, Path):
        kube.kubectl("apply", "-n", namespace, "-f", str(manifest))
    else:
        kube.kubectl("apply", "-n", namespace, "-f", "-", stdin=manifest)


def wait_healthy(
    kube: Kube,
    namespace: str,
    name: str,
    *,
    size: int = 3,
    sentinels: int = 3,
    password: str | None = None,
    timeout: float = BOOTSTRAP_TIMEOUT,
) -> ClusterView:
    """Wait until the operator reports the current spec Healthy with the master the Sentinels name, and the processes
    agree; the final view. Naming the master tells a fresh verdict from the Healthy written before a failover."""

    def healthy() -> ClusterView:
        cluster = kube.rediscluster(namespace, name)
        status = cluster.get("status") or {}
        newest = (status.get("conditions") or [{}])[0]
        assert status.get("observedGeneration") == cluster["metadata"]["generation"], "spec not reconciled yet"
        assert status.get("status") == "Healthy", f"status {status.get('status')}: {newest.get('message')}"
        view = ClusterView(kube, namespace, name, password)
        try:
            problems = view.problems(size, sentinels)
            assert not problems, "; ".join(problems)
            master = view.pod_of(view.master_by_sentinels()) if sentinels else None
        except redis.RedisError as error:  # a node or Sentinel restarting under a fault: not yet
            raise AssertionError(f"not reachable yet: {error}") from error
        if master:
            assert status.get("master") == master, f"the status names master {status.get('master')}, not {master}"
        return view

    return wait_for(healthy, timeout, f"RedisCluster {namespace}/{name} to be Healthy with {size} nodes")


def wait_quiet(kube: Kube, namespace: str, name: str, **healthy) -> ClusterView:
    """Healthy, and the reconcile that said so over, so that whatever reconciles next was started by what follows;
    `healthy` are wait_healthy's options."""
    view = wait_healthy(kube, namespace, name, **healthy)
    time.sleep(RECONCILE_SECONDS)
    return view


def reporting_pods(kube: Kube, namespace: str, name: str) -> set[str]:
    """The operator pods that recorded Events on a RedisCluster (rediscluster_status: reportingInstance POD_NAME)."""
    events = kube.get_json("events", "-n", namespace, "--field-selector", f"involvedObject.name={name}")
    return {
        event.get("reportingInstance", "")
        for event in events["items"]
        if event["involvedObject"]["kind"] == "RedisCluster"
    }


def printed_row(kube: Kube, namespace: str, name: str) -> list[str]:
    """The row `kubectl get rediscluster` prints (NAME SIZE STATUS ...)."""
    return kube.kubectl("get", "rediscluster", name, "-n", namespace, "--no-headers").split()


def delete_cluster(kube: Kube, namespace: str, name: str) -> None:
    """Delete a RedisCluster and wait until its pods are gone (the garbage collector removes everything it owns)."""
    kube.kubectl("delete", "rediscluster", name, "-n", namespace, "--ignore-not-found", "--wait=true")
    wait_for(
        lambda: not kube.pods(namespace, f"app.kubernetes.io/instance={name}"),
        180,
        f"the pods of {namespace}/{name} to be gone",
    )
