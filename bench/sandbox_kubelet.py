"""The sandbox kubelet's figures: pod scheduled-to-Ready latency (median and p95 over 30 pods created one after the
other, no probes, so the figure is the kubelet's own: watch event, network namespace, volumes, process start, status
patch), then the kubelet's CPU and memory at idle with 12 redis pods (exec readiness probes every 10 s, as the
operator's pods have).

Uses the running sandbox or starts one (`python -m sandbox up`). Prints numbers; asserts nothing about time.
Run from the repository root: `scripts/bench sandbox_kubelet` (or `PYTHONPATH=. python bench/sandbox_kubelet.py`); not
bench/sandbox.py, which would shadow the `sandbox` package when run as a script.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import uuid
from pathlib import Path

from sandbox import controlplane
from sandbox.kubelet.api import Api

LATENCY_PODS = 30
IDLE_PODS = 12
IDLE_SECONDS = 60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def sleeper(name: str) -> dict:
    container = {"name": "main", "image": "busybox", "command": ["sleep", "3600"]}
    return {"metadata": {"name": name}, "spec": {"terminationGracePeriodSeconds": 1, "containers": [container]}}


def redis_pod(name: str) -> dict:
    probe = {"exec": {"command": ["redis-cli", "ping"]}, "periodSeconds": 10}
    container = {"name": "redis", "image": "redis:7", "readinessProbe": probe}
    return {"metadata": {"name": name}, "spec": {"terminationGracePeriodSeconds": 1, "containers": [container]}}


class Timeline(threading.Thread):
    """Watches a namespace's pods and notes, per pod, when it was first seen scheduled and first seen Ready."""

    def __init__(self, api: Api, namespace: str):
        super().__init__(daemon=True)
        self.api, self.namespace = api, namespace
        self.scheduled: dict[str, float] = {}
        self.ready: dict[str, float] = {}
        self.watching = threading.Event()

    def run(self) -> None:
        path = f"/api/v1/namespaces/{self.namespace}/pods"
        version = self.api.get(path)["metadata"]["resourceVersion"]
        self.watching.set()
        for event in self.api.watch(path, {"resourceVersion": version}):
            now = time.monotonic()
            pod = event["object"]
            name = pod["metadata"]["name"]
            if pod["spec"].get("nodeName"):
                self.scheduled.setdefault(name, now)
            conditions = pod.get("status", {}).get("conditions") or []
            if any(c["type"] == "Ready" and c["status"] == "True" for c in conditions):
                self.ready.setdefault(name, now)


def wait_until(check, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the sandbox did not get there in time")
        time.sleep(0.05)


def cpu_seconds(pid: int) -> float:
    """The process's own CPU seconds (user + system). Its children (containers, exec probe commands) are left out:
    their time reaches the kubelet's counters only when they are reaped, mixed with whatever the containers did."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mib(pid: int) -> float:
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def main() -> None:
    kubeconfig = controlplane.up()
    api = Api(str(kubeconfig))
    namespace = f"bench-sandbox-{uuid.uuid4().hex[:6]}"
    api.create("/api/v1/namespaces", {"metadata": {"name": namespace}})
    wait_until(lambda: api.get(f"/api/v1/namespaces/{namespace}/serviceaccounts")["items"])
    pods = f"/api/v1/namespaces/{namespace}/pods"
    try:
        timeline = Timeline(api, namespace)
        timeline.start()
        timeline.watching.wait()
        for n in range(LATENCY_PODS):
            api.create(pods, sleeper(f"latency-{n}"))
            wait_until(lambda n=n: f"latency-{n}" in timeline.ready)
        latencies = sorted(timeline.ready[name] - timeline.scheduled[name] for name in timeline.ready)
        print(f"pod scheduled-to-Ready, {len(latencies)} pods one at a time (no probes):")
        p95 = latencies[max(int(0.95 * len(latencies)) - 1, 0)]
        print(f"  median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
        for n in range(LATENCY_PODS):
            api.delete(f"{pods}/latency-{n}")
        wait_until(lambda: not api.get(pods)["items"])

        for n in range(IDLE_PODS):
            api.create(pods, redis_pod(f"idle-{n}"))
        wait_until(lambda: sum(1 for name in timeline.ready if name.startswith("idle-")) == IDLE_PODS)
        time.sleep(10)  # let start-up work settle
        pid = int((kubeconfig.parent / "pids" / "kubelet.pid").read_text())
        before = cpu_seconds(pid)
        time.sleep(IDLE_SECONDS)
        busy = (cpu_seconds(pid) - before) / IDLE_SECONDS * 100
        others = len(api.get("/api/v1/pods")["items"]) - IDLE_PODS
        print(f"kubelet at idle with {IDLE_PODS} redis pods (exec readiness probe every 10 s), over {IDLE_SECONDS} s:")
        print(f"  CPU {busy:.1f}% of one core, RSS {rss_mib(pid):.0f} MiB ({others} other pods on the sandbox)")
    finally:
        api.delete(f"/api/v1/namespaces/{namespace}")


if __name__ == "__main__":
    main()
