"""Operator figures on the sandbox: apply-to-Healthy time of a size-3 RedisCluster, wall and CPU time of a no-op
reconcile (one run of the role on a Healthy cluster), and the operator's memory while it serves 10 RedisClusters.

    python bench/reconcile.py [--runs 5] [--noop-runs 10] [--clusters 10]

The no-op reconcile's figure comes with the tasks that took longest (from ansible-runner's job events).

Starts the sandbox when it is not running, installs the CRD, runs its own namespaced operator (watchrunner) in a
namespace of its own, and removes what it created at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sandbox import controlplane  # noqa: E402
from tests.e2e.conftest import Operator  # noqa: E402
from tests.e2e.kube import Kube, wait_for  # noqa: E402
from tests.e2e.rediscluster import apply_manifest, delete_cluster  # noqa: E402
from watchrunner import playbook_run, variables  # noqa: E402
from watchrunner.watches import load  # noqa: E402

HEALTHY_TIMEOUT = 600


def manifest(name: str) -> str:
    return f"apiVersion: redis.kun/v1beta1\nkind: RedisCluster\nmetadata:\n  name: {name}\nspec:\n  size: 3\n"


def is_healthy(kube: Kube, namespace: str, name: str) -> bool:
    cluster = kube.rediscluster(namespace, name)
    status = cluster.get("status") or {}
    return status.get("status") == "Healthy" and status.get("observedGeneration") == cluster["metadata"]["generation"]


def apply_to_healthy(kube: Kube, namespace: str, runs: int) -> list[float]:
    seconds = []
    for run in range(runs):
        name = f"apply-{run}"
        started = time.monotonic()
        apply_manifest(kube, manifest(name), namespace)
        wait_for(lambda name=name: is_healthy(kube, namespace, name), HEALTHY_TIMEOUT, f"{name} Healthy", 0.1)
        seconds.append(time.monotonic() - started)
        delete_cluster(kube, namespace, name)
    return seconds


def noop_reconciles(
    kube: Kube, namespace: str, name: str, runs: int, workdir: Path, *, tasks: dict[str, list[float]]
) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of the role run as the operator runs it, on a cluster that needs nothing; `tasks` gets
    each task's seconds in every run."""
    (watch,) = load(REPO_ROOT / "watches.yaml")
    os.environ.update(
        KUBECONFIG=str(kube.kubeconfig),
        K8S_AUTH_KUBECONFIG=str(kube.kubeconfig),
        WATCH_NAMESPACE=namespace,
        ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
    )
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    figures = []
    for run in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = playbook_run.run(
            private_dir=workdir,
            ident=f"noop-{run}",
            role=watch.role,
            playbook=watch.playbook,
            variables=variables.extra_vars(watch, kube.rediscluster(namespace, name)),
            keep_artifacts=runs,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if not result.ok:
            raise RuntimeError(f"the no-op reconcile failed: {result.message}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        figures.append((result.seconds, cpu))
        for task, seconds in task_seconds(workdir / "artifacts" / f"noop-{run}").items():
            tasks.setdefault(task, []).append(seconds)
    return figures


def task_seconds(artifacts: Path) -> dict[str, float]:
    """How long each task of one run took, from ansible-runner's job events (a looped task: all its items)."""
    seconds: dict[str, float] = {}
    for path in (artifacts / "job_events").glob("*.json"):
        event = json.loads(path.read_text())
        data = event.get("event_data", {})
        if event.get("event") in ("runner_on_ok", "runner_on_skipped", "runner_on_failed") and "duration" in data:
            seconds[data["task"]] = seconds.get(data["task"], 0.0) + (data["duration"] or 0.0)
    return seconds


def tree_rss_mib(pid: int) -> tuple[float, float]:
    """RSS of the process alone and of it with all its descendants (ansible-playbook runs), in MiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return rss.get(pid, 0) / 2**20, total / 2**20


def operator_memory(kube: Kube, namespace: str, operator: Operator, clusters: int) -> tuple[float, float, float]:
    names = [f"mem-{n}" for n in range(clusters)]
    for name in names:
        apply_manifest(kube, manifest(name), namespace)
    wait_for(
        lambda: all(is_healthy(kube, namespace, name) for name in names),
        HEALTHY_TIMEOUT * 2,
        f"{clusters} RedisClusters Healthy",
        1.0,
    )
    own, tree = [], []
    for _ in range(60):  # a minute of steady state: several reconciles of every cluster
        alone, with_children = tree_rss_mib(operator.process.pid)
        own.append(alone)
        tree.append(with_children)
        time.sleep(1)
    for name in names:
        kube.kubectl("delete", "rediscluster", name, "-n", namespace, "--wait=false")
    return statistics.median(own), max(own), max(tree)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="apply-to-Healthy runs (0: skip)")
    parser.add_argument("--noop-runs", type=int, default=10)
    parser.add_argument("--clusters", type=int, default=10, help="RedisClusters for the memory figure (0: skip)")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    kube = Kube(Path(controlplane.up()))
    kube.kubectl("apply", "--server-side", "-f", str(REPO_ROOT / "config" / "crd" / "bases"))
    kube.kubectl("wait", "--for=condition=Established", "crd/redisclusters.redis.kun", "--timeout=60s")
    namespace = f"bench-operator-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", namespace)
    workdir = Path(tempfile.mkdtemp(prefix="bench-operator-"))
    operator = Operator(kube, workdir, watch_namespace=namespace)
    try:
        if args.runs:
            applied = apply_to_healthy(kube, namespace, args.runs)
            print(
                f"apply-to-Healthy, size 3 ({args.runs} runs): median {statistics.median(applied):.1f} s, "
                f"max {max(applied):.1f} s",
                flush=True,
            )

        apply_manifest(kube, manifest("noop"), namespace)
        wait_for(lambda: is_healthy(kube, namespace, "noop"), HEALTHY_TIMEOUT, "noop Healthy", 0.5)
        operator.stop()  # the role runs alone, as one reconcile of the operator would
        tasks: dict[str, list[float]] = {}
        figures = noop_reconciles(kube, namespace, "noop", args.noop_runs, workdir / "noop", tasks=tasks)
        walls, cpus = [wall for wall, _ in figures], [cpu for _, cpu in figures]
        print(
            f"no-op reconcile ({args.noop_runs} runs): wall median {statistics.median(walls):.2f} s "
            f"(max {max(walls):.2f}), CPU median {statistics.median(cpus):.2f} s (max {max(cpus):.2f})",
            flush=True,
        )
        medians = sorted(((statistics.median(times), task) for task, times in tasks.items()), reverse=True)
        print(
            f"  {len(medians)} tasks, {sum(seconds for seconds, _ in medians):.2f} s of task time (median per task); "
            "slowest (median s): " + "; ".join(f"{task} {seconds:.2f}" for seconds, task in medians[:8])
        )
        print("  the others: " + "; ".join(f"{task} {seconds:.2f}" for seconds, task in medians[8:]), flush=True)
        delete_cluster(kube, namespace, "noop")

        if args.clusters:
            (workdir / "memory").mkdir()
            operator = Operator(kube, workdir / "memory", watch_namespace=namespace)
            median_rss, max_rss, max_tree = operator_memory(kube, namespace, operator, args.clusters)
            print(
                f"operator memory with {args.clusters} RedisClusters: watchrunner RSS median {median_rss:.0f} MiB "
                f"(max {max_rss:.0f}), with its ansible-playbook runs at most {max_tree:.0f} MiB",
                flush=True,
            )
    finally:
        if operator in Operator.running:
            operator.stop()
        kube.kubectl("delete", "namespace", namespace, "--wait=false")
    return 0


if __name__ == "__main__":
    sys.exit(main())
