"""Operator figures on the sandbox, on the real runtime (ansible-operator as config/default installs it):
apply-to-Healthy time of a size-3 RedisCluster, wall and CPU time of a no-op reconcile (a periodic reconcile of a
Healthy cluster), and the operator's memory while it serves 10 RedisClusters.

    python bench/reconcile.py [--runs 5] [--noop-runs 10] [--clusters 10]

How each figure is measured:
- apply-to-Healthy: from `kubectl apply` of a new RedisCluster until its status says Healthy for its generation.
- no-op wall: each periodic reconcile's ansible-runner run as its artifacts record it, from `command` (written as
  ansible-runner starts ansible-playbook) to `rc` (written once ansible-playbook exited): the whole ansible-playbook
  process, which is about half a second more than its job events span (from the first to playbook_on_stats): Ansible's
  start-up before its first line, and its exit after the recap. Only ansible-runner's own start-up, before it writes
  `command`, is left out (its CPU is not). ansible-operator's histogram ansible_operator_reconciles cannot stand in:
  upstream times only the start of a run (runner.Run returns once ansible-runner is started).
- no-op CPU: utime+stime+cutime+cstime of the ansible-operator process (/proc/<pid>/stat; each ansible-runner child,
  with its ansible-playbook, lands in cutime/cstime once reaped), sampled while the operator has no child, at the end of
  one reconcile and at the end of the Nth after it, divided by N: the runs and all the operator does meanwhile (its
  event API, leases, caches). Nothing else runs in between: one Healthy cluster, and every run in the window must be
  one of its reconciles that succeeded and changed nothing.
- the slowest tasks of a no-op run: the `duration` of each task's runner_on_ok/runner_on_skipped job events.
- memory: RSS of ansible-operator alone (median and max), and the peak of the RSS summed over every process in its
  network namespace (the operator, its ansible-runner and ansible-playbook runs), sampled over two reconcile periods.

The measured clusters are reconciled every 15 s (SAFETY_NET_PERIOD, by ansible-operator's per-resource annotation),
not every watches.yaml reconcilePeriod of minutes: a periodic reconcile does the same work whatever its period.

Starts the sandbox when it is not running, installs the CRD, runs its own namespaced operator in a namespace of its
own, and removes the operator and the namespace at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sandbox import controlplane  # noqa: E402
from tests.e2e.conftest import Operator  # noqa: E402
from tests.e2e.kube import Kube, wait_for  # noqa: E402
from tests.e2e.manifests import RECONCILE_PERIOD  # noqa: E402
from tests.e2e.rediscluster import apply_manifest, delete_cluster  # noqa: E402

HEALTHY_TIMEOUT = 600
SAMPLE_SECONDS = 0.5
(WATCH,) = yaml.safe_load((REPO_ROOT / "watches.yaml").read_text())
# The periodic reconcile of the measured clusters, shortened from watches.yaml's minutes so that the no-op runs (the
# same work as the safety net's, whatever its period) and the memory peaks of their runs come within minutes.
SAFETY_NET_PERIOD = "15s"


def manifest(name: str, reconcile_period: str | None = None) -> str:
    """A size-3 RedisCluster; `reconcile_period` (for example "15s") shortens its periodic reconcile."""
    annotations = f"  annotations:\n    {RECONCILE_PERIOD}: {reconcile_period}\n" if reconcile_period else ""
    metadata = f"metadata:\n  name: {name}\n{annotations}"
    return f"apiVersion: redis.kun/v1beta1\nkind: RedisCluster\n{metadata}spec:\n  size: 3\n"


def wait_healthy(kube: Kube, operator: Operator, namespace: str, names: list[str], interval: float) -> None:
    """Until every named RedisCluster's status says Healthy for its generation; raises if the operator exits."""

    def healthy(name: str) -> bool:
        cluster = kube.rediscluster(namespace, name)
        status, generation = cluster.get("status") or {}, cluster["metadata"]["generation"]
        return status.get("status") == "Healthy" and status.get("observedGeneration") == generation

    def all_healthy() -> bool:
        return bool(alive(operator)) and all(healthy(name) for name in names)

    wait_for(all_healthy, HEALTHY_TIMEOUT * len(names), f"{', '.join(names)} Healthy", interval)


def seconds(duration: str) -> float:
    """A Go duration (`15s`, `1m30s`) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3}
    return sum(float(n) * units[unit] for n, unit in re.findall(r"([\d.]+)(ms|h|m|s)", duration))


def apply_to_healthy(kube: Kube, operator: Operator, namespace: str, runs: int) -> list[float]:
    seconds = []
    for run in range(runs):
        name = f"apply-{run}"
        started = time.monotonic()
        apply_manifest(kube, manifest(name), namespace)
        wait_healthy(kube, operator, namespace, [name], 0.1)
        seconds.append(time.monotonic() - started)
        delete_cluster(kube, namespace, name)
    return seconds


def alive(operator: Operator) -> int:
    """The operator's pid; raises, with its log's end, once it exited (as it does when it cannot renew its lease)."""
    if operator.process.poll() is not None:
        raise RuntimeError(f"ansible-operator exited with {operator.process.returncode}:\n{operator.tail()}")
    return operator.process.pid


def stat_fields(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command's name: fields[0] is the state (field 3 of proc(5))."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """utime + stime + cutime + cstime: the process's CPU and that of its reaped children."""
    return sum(int(ticks) for ticks in stat_fields(pid)[11:15]) / os.sysconf("SC_CLK_TCK")


def has_children(pid: int) -> bool:
    """Whether a child of the process exists, running or not reaped yet."""
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int(stat_fields(entry.name)[1]) == pid:
                return True
        except (OSError, IndexError):
            continue
    return False


def new_runs(operator: Operator, seen: set[str]) -> list[Path]:
    """The kept runs of every RedisCluster that ansible-runner has finished (it writes `rc` last) and are not in
    `seen`, which gets them."""
    kind = operator.runner_dir / WATCH["group"] / WATCH["version"] / WATCH["kind"]
    runs = [run for run in kind.glob("*/*/artifacts/*") if run.name not in seen and not run.is_symlink()]  # `latest`
    runs = [run for run in runs if (run / "rc").exists()]
    seen.update(run.name for run in runs)
    return runs


def job_events(run: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in (run / "job_events").glob("*.json")]


def not_a_noop(run: Path, namespace: str, name: str) -> str:
    """Why a finished run is not a no-op of the RedisCluster ('' when it is one, succeeded and changed nothing)."""
    if (run.parents[2].name, run.parents[1].name) != (namespace, name):
        return f"it reconciled {run.parents[2].name}/{run.parents[1].name}"
    status = (run / "status").read_text()
    if status != "successful":
        return f"it ended {status}"
    (stats,) = [event for event in job_events(run) if event.get("event") == "playbook_on_stats"]
    changed = stats["event_data"].get("changed")
    return f"it changed {changed}" if changed else ""


def wall_seconds(run: Path) -> float:
    """From ansible-runner starting ansible-playbook (it writes `command` then) to its exit (`rc`)."""
    return (run / "rc").stat().st_mtime - (run / "command").stat().st_mtime


def task_seconds(events: list[dict]) -> dict[str, float]:
    """How long each task of one run took, from ansible-runner's job events (a looped task: all its items)."""
    seconds: dict[str, float] = {}
    for event in events:
        data = event.get("event_data", {})
        if event.get("event") in ("runner_on_ok", "runner_on_skipped", "runner_on_failed") and "duration" in data:
            seconds[data["task"]] = seconds.get(data["task"], 0.0) + (data["duration"] or 0.0)
    return seconds


@dataclass
class NoopWindow:
    """N periodic no-op reconciles, back to back, of a Healthy cluster."""

    walls: list[float] = field(default_factory=list)
    tasks: dict[str, list[float]] = field(default_factory=dict)
    cpu: float = 0.0  # seconds of the operator and its children over the window


def noop_reconciles(operator: Operator, namespace: str, name: str, runs: int) -> NoopWindow:
    """Wait for a no-op run to end with the operator idle, then take the CPU and the runs until `runs` more ended."""
    seen = {run.name for run in new_runs(operator, set())}
    noops: list[Path] = []

    def noop_ended() -> bool:
        noops.extend(run for run in new_runs(operator, seen) if not not_a_noop(run, namespace, name))
        return bool(noops) and not has_children(alive(operator))

    wait_for(noop_ended, HEALTHY_TIMEOUT, f"a no-op reconcile of {name}", SAMPLE_SECONDS)
    window = NoopWindow()
    cpu_before = cpu_seconds(alive(operator))

    def runs_ended() -> bool:
        for run in new_runs(operator, seen):
            if reason := not_a_noop(run, namespace, name):
                raise RuntimeError(f"the reconcile {run} in the no-op window is not a no-op: {reason}")
            window.walls.append(wall_seconds(run))
            for task, seconds in task_seconds(job_events(run)).items():
                window.tasks.setdefault(task, []).append(seconds)
        return len(window.walls) >= runs and not has_children(alive(operator))

    wait_for(runs_ended, runs * HEALTHY_TIMEOUT, f"{runs} no-op reconciles of {name}", SAMPLE_SECONDS)
    window.cpu = cpu_seconds(alive(operator)) - cpu_before
    return window


def netns_processes(pid: int) -> Iterator[str]:
    """The pids of every process in the network namespace of `pid` (as `ip netns pids`): the operator on its bridge
    host, with its ansible-runner and ansible-playbook runs."""
    netns = os.readlink(f"/proc/{pid}/ns/net")
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "ns" / "net") == netns:
                yield entry.name
        except OSError:
            continue


def netns_rss_mib(pid: int) -> tuple[float, float]:
    """RSS of the process alone, and summed over every process in its network namespace, in MiB."""
    own = total = 0
    for process in netns_processes(pid):
        try:
            rss = int(stat_fields(process)[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError):
            continue
        total += rss
        own += rss if int(process) == pid else 0
    return own / 2**20, total / 2**20


def netns_cpu_seconds(pid: int) -> float:
    """CPU of every process in the network namespace of `pid`, live or reaped: a live process's
    utime+stime+cutime+cstime holds its reaped children, so the sum over the live ones is the whole tree's whenever
    it is taken (with many clusters the operator is never idle, so cpu_seconds' idle moments never come)."""
    ticks = 0
    for process in netns_processes(pid):
        try:
            ticks += sum(int(field) for field in stat_fields(process)[11:15])
        except (OSError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def operator_memory(kube: Kube, namespace: str, operator: Operator, clusters: int) -> tuple[float, float, float]:
    """(median, max) RSS of ansible-operator and the peak of its network namespace's, over two reconcile periods of
    `clusters` Healthy RedisClusters."""
    names = [f"mem-{n}" for n in range(clusters)]
    for name in names:
        apply_manifest(kube, manifest(name, SAFETY_NET_PERIOD), namespace)
    wait_healthy(kube, operator, namespace, names, 1.0)
    own, total = [], []
    deadline = time.monotonic() + 2 * seconds(SAFETY_NET_PERIOD)
    while time.monotonic() < deadline:
        alone, everything = netns_rss_mib(alive(operator))
        own.append(alone)
        total.append(everything)
        time.sleep(SAMPLE_SECONDS)
    for name in names:
        kube.kubectl("delete", "rediscluster", name, "-n", namespace, "--wait=false")
    return statistics.median(own), max(own), max(total)


def print_noop(window: NoopWindow) -> None:
    runs = len(window.walls)
    print(
        f"no-op reconcile ({runs} runs): wall median {statistics.median(window.walls):.2f} s "
        f"(max {max(window.walls):.2f}), "
        f"CPU {window.cpu / runs:.2f} s per reconcile (operator and its runs, {window.cpu:.1f} s over {runs})",
        flush=True,
    )
    medians = sorted(((statistics.median(times), task) for task, times in window.tasks.items()), reverse=True)
    print(
        f"  {len(medians)} tasks, {sum(seconds for seconds, _ in medians):.2f} s of task time (median per task); "
        "slowest (median s): " + "; ".join(f"{task} {seconds:.2f}" for seconds, task in medians[:8])
    )
    print("  the others: " + "; ".join(f"{task} {seconds:.2f}" for seconds, task in medians[8:]), flush=True)


@contextmanager
def operator_on_sandbox(prefix: str) -> Iterator[tuple[Kube, str, Operator]]:
    """The sandbox (started when it is not running) with the CRD, a namespace of its own and a namespaced operator
    watching it; both removed at the end."""
    kube = Kube(Path(controlplane.up()))
    kube.install_crd()
    namespace = f"{prefix}-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", namespace)
    operator = Operator(kube, Path(tempfile.mkdtemp(prefix=f"{prefix}-")), watch_namespace=namespace)
    try:
        yield kube, namespace, operator
    finally:
        if operator in Operator.running:
            operator.stop()
        kube.kubectl("delete", "namespace", namespace, "--wait=false")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="apply-to-Healthy runs (0: skip)")
    parser.add_argument("--noop-runs", type=int, default=10, help="periodic no-op reconciles measured (0: skip)")
    parser.add_argument("--clusters", type=int, default=10, help="RedisClusters for the memory figure (0: skip)")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    with operator_on_sandbox("bench-operator") as (kube, namespace, operator):
        if args.runs:
            applied = apply_to_healthy(kube, operator, namespace, args.runs)
            print(
                f"apply-to-Healthy, size 3 ({args.runs} runs): median {statistics.median(applied):.1f} s, "
                f"max {max(applied):.1f} s",
                flush=True,
            )

        if args.noop_runs:
            apply_manifest(kube, manifest("noop", SAFETY_NET_PERIOD), namespace)
            wait_healthy(kube, operator, namespace, ["noop"], 0.5)
            print_noop(noop_reconciles(operator, namespace, "noop", args.noop_runs))
            delete_cluster(kube, namespace, "noop")

        if args.clusters:
            median_rss, max_rss, max_total = operator_memory(kube, namespace, operator, args.clusters)
            print(
                f"operator memory with {args.clusters} RedisClusters: ansible-operator RSS median {median_rss:.0f} MiB "
                f"(max {max_rss:.0f}), with its ansible-runner and ansible-playbook runs at most {max_total:.0f} MiB",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
