"""Scale and reaction figures on the sandbox, on the real runtime (issue 14's goals table): N RedisClusters applied at
once until all are Healthy, the operator's CPU per Healthy RedisCluster in steady state, its memory with N and the
growth per cluster, and how long after Sentinel's +switch-master a master that stopped answering is replaced in the
master Service, the role labels and the status, alone and while the other clusters idle on the same operator.

    python bench/scale.py [--clusters 30] [--steady-seconds 180] [--crash-runs 3]

How each figure is measured:
- all Healthy: from applying the N manifests (one `kubectl apply` of all of them) until every status says Healthy
  for its generation.
- CPU per cluster: utime+stime+cutime+cstime summed over every process in the operator's network namespace
  (ansible-operator and its ansible-runner and ansible-playbook runs, live or reaped) over --steady-seconds once every
  cluster is Healthy, divided by the seconds and by N: cores per cluster.
- memory: RSS of ansible-operator and the peak of everything in its network namespace over the steady window, for
  one cluster first and for N, so that the growth per cluster is (N's peak - one's peak) / (N - 1).
- frozen master: the master's redis-server is frozen (SIGSTOP, the sandbox kubelet's freeze fault) until the
  Sentinels fail over, then thawed: a master that stops answering while its pod stays Running, the failure
  Kubernetes never shows. (A SIGKILL would not do: the kubelet restarts the process before down-after-milliseconds,
  and it comes back as the master with its data, with no failover.) A client subscribed to a Sentinel notes
  +switch-master; from then on the master Service's endpoints, the pods' role labels and status.master are polled
  until each names the new master, each printed as seconds after +switch-master. Then the masters of --faulted
  clusters are frozen at the same moment, and the same figures printed over all of them.

The default of 30 clusters is what this 2-core sandbox holds: 180 Redis and Sentinel processes, Healthy about 3
minutes after being applied, and about a core of the machine once Healthy (mostly the exec probes the sandbox's
kubelet runs). What limits it is the two cores, and the kubelet, one process for every pod: with five clusters
faulted under writers on top, it falls behind (tests/e2e/chaos/test_faults_in_many_clusters.py). The host's ARP
table limit (1024 entries, about 150 pods) was the limit until `sandbox up` raised it (sandbox/network.py). Starts
the sandbox when it is not running, installs the CRD, runs its own namespaced operator in a namespace of its own,
and removes both at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import redis

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.reconcile import (  # noqa: E402
    alive,
    manifest,
    netns_cpu_seconds,
    netns_rss_mib,
    operator_on_sandbox,
    wait_healthy,
)
from sandbox import faults  # noqa: E402
from tests.e2e.conftest import Operator  # noqa: E402
from tests.e2e.kube import Kube, wait_for  # noqa: E402
from tests.e2e.redis_view import ClusterView  # noqa: E402

SAMPLE_SECONDS = 0.5
POLL_SECONDS = 0.05
ROLE_LABEL = "redis.kun/role"
REACTION_TIMEOUT = 120


def apply_all(kube: Kube, namespace: str, names: list[str]) -> None:
    kube.kubectl("apply", "-n", namespace, "-f", "-", stdin="\n---\n".join(manifest(name) for name in names))


def steady_state(operator: Operator, seconds: float) -> tuple[float, float, float]:
    """(cores used, median RSS of ansible-operator, peak RSS of its network namespace) over `seconds`."""
    started, cpu_before = time.monotonic(), netns_cpu_seconds(alive(operator))
    own, total = [], []
    while time.monotonic() - started < seconds:
        alone, everything = netns_rss_mib(alive(operator))
        own.append(alone)
        total.append(everything)
        time.sleep(SAMPLE_SECONDS)
    cores = (netns_cpu_seconds(alive(operator)) - cpu_before) / (time.monotonic() - started)
    return cores, statistics.median(own), max(total)


class SwitchWatch(threading.Thread):
    """Subscribes to one Sentinel's +switch-master and keeps the monotonic time it arrived."""

    def __init__(self, view: ClusterView):
        super().__init__(daemon=True)
        self.sentinel = view.sentinel(view.sentinels[0])
        self.pubsub = self.sentinel.pubsub()
        self.pubsub.subscribe("+switch-master")
        self.switched: float | None = None
        self.message = ""

    def run(self) -> None:
        for message in self.pubsub.listen():
            if message["type"] == "message":
                self.switched, self.message = time.monotonic(), message["data"]
                return

    def close(self) -> None:
        with closing(self.sentinel):
            self.pubsub.close()


def frozen_master_reaction(kube: Kube, namespace: str, name: str) -> dict[str, float]:
    """Seconds after +switch-master until the master Service's endpoints, the role labels and status.master name the
    new master, the old master's redis-server frozen until the Sentinels failed over."""
    view = ClusterView(kube, namespace, name)
    old = view.master_by_sentinels().split(".", 1)[0]
    watch = SwitchWatch(view)
    watch.start()
    time.sleep(0.5)  # the subscription is in place
    faults.freeze(namespace, old, "redis")
    try:
        wait_for(lambda: watch.switched is not None, REACTION_TIMEOUT, f"+switch-master of {name}", POLL_SECONDS)
    finally:
        faults.thaw(namespace, old, "redis")
        watch.close()
    new = watch.message.split()[3].split(".", 1)[0]  # "<group> <old-ip> <old-port> <new-ip> <new-port>"
    new_pod = next(member.name for member in view.redis if new in (member.name, member.ip))
    new_ip = next(member.ip for member in view.redis if member.name == new_pod)
    seen: dict[str, float] = {}
    checks = {
        "master Service endpoints": lambda: _endpoint_ips(kube, namespace, f"redis-cluster-{name}-master") == {new_ip},
        "role labels": lambda: _masters_by_label(kube, namespace, name) == [new_pod],
        "status.master": lambda: kube.rediscluster(namespace, name).get("status", {}).get("master") == new_pod,
    }

    def all_seen() -> bool:
        for what, check in checks.items():
            if what not in seen and check():
                seen[what] = time.monotonic() - watch.switched
        return len(seen) == len(checks)

    wait_for(all_seen, REACTION_TIMEOUT, f"{name} to name {new_pod} master everywhere", POLL_SECONDS)
    # The next run starts from a whole cluster: the crashed node back as a replica, the status Healthy again.
    wait_for(lambda: _whole(kube, namespace, name), REACTION_TIMEOUT, f"{name} whole again", SAMPLE_SECONDS)
    return seen


def _whole(kube: Kube, namespace: str, name: str) -> bool:
    try:
        problems = ClusterView(kube, namespace, name).problems(3, 3)
    except redis.RedisError as error:  # a node or Sentinel still restarting
        raise AssertionError(str(error)) from error
    assert not problems, problems
    return kube.rediscluster(namespace, name).get("status", {}).get("status") == "Healthy"


def _endpoint_ips(kube: Kube, namespace: str, service: str) -> set[str]:
    slices = kube.get_json("endpointslices", "-n", namespace, "-l", f"kubernetes.io/service-name={service}")
    return {
        address
        for endpoint_slice in slices["items"]
        for endpoint in endpoint_slice.get("endpoints") or []
        if (endpoint.get("conditions") or {}).get("ready")
        for address in endpoint["addresses"]
    }


def _masters_by_label(kube: Kube, namespace: str, name: str) -> list[str]:
    pods = kube.pods(namespace, f"app.kubernetes.io/instance={name},{ROLE_LABEL}=master")
    return sorted(pod.metadata.name for pod in pods)


def print_reactions(label: str, runs: list[dict[str, float]]) -> None:
    for what in runs[0]:
        values = [run[what] for run in runs]
        print(
            f"master frozen until failover, {label}: {what} name the new master "
            f"{statistics.median(values):.1f} s after +switch-master (median of {len(values)}, max {max(values):.1f})",
            flush=True,
        )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=30, help="RedisClusters applied at once (at least 2)")
    parser.add_argument("--steady-seconds", type=float, default=180, help="length of each steady-state window")
    parser.add_argument("--crash-runs", type=int, default=3, help="frozen-master runs, alone and among the others")
    parser.add_argument("--faulted", type=int, default=5, help="clusters whose masters are frozen at the same moment")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    with operator_on_sandbox("bench-scale") as (kube, namespace, operator):
        started = time.monotonic()
        apply_all(kube, namespace, ["scale-0"])
        wait_healthy(kube, operator, namespace, ["scale-0"], 0.5)
        print(f"one RedisCluster applied alone: Healthy after {time.monotonic() - started:.1f} s", flush=True)
        cores_one, rss_one, peak_one = steady_state(operator, args.steady_seconds)
        print(
            f"one Healthy RedisCluster, steady state ({args.steady_seconds:.0f} s): {cores_one:.3f} core; "
            f"ansible-operator RSS {rss_one:.0f} MiB, peak with its runs {peak_one:.0f} MiB",
            flush=True,
        )
        print_reactions("alone", [frozen_master_reaction(kube, namespace, "scale-0") for _ in range(args.crash_runs)])

        others = [f"scale-{n}" for n in range(1, args.clusters)]
        started = time.monotonic()
        apply_all(kube, namespace, others)
        wait_healthy(kube, operator, namespace, ["scale-0", *others], 1.0)
        print(f"{len(others)} RedisClusters applied at once: all Healthy after {time.monotonic() - started:.0f} s")
        cores, rss, peak = steady_state(operator, args.steady_seconds)
        print(
            f"{args.clusters} Healthy RedisClusters, steady state ({args.steady_seconds:.0f} s): {cores:.3f} core, "
            f"{cores / args.clusters:.3f} core per cluster; ansible-operator RSS {rss:.0f} MiB, peak with its runs "
            f"{peak:.0f} MiB, {(peak - peak_one) / (args.clusters - 1):.1f} MiB more per cluster",
            flush=True,
        )
        frozen = [frozen_master_reaction(kube, namespace, "scale-0") for _ in range(args.crash_runs)]
        print_reactions(f"{len(others)} others idle", frozen)
        faulted = [f"scale-{n}" for n in range(min(args.faulted, args.clusters))]
        print_reactions(f"{len(faulted)} of {args.clusters} at once", at_once(kube, namespace, faulted))
    return 0


def at_once(kube: Kube, namespace: str, names: list[str]) -> list[dict[str, float]]:
    """frozen_master_reaction of every named cluster at the same moment, one thread each."""
    results: dict[str, dict[str, float]] = {}
    threads = [
        threading.Thread(target=lambda name=name: results.update({name: frozen_master_reaction(kube, namespace, name)}))
        for name in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = [name for name in names if name not in results]
    if missing:
        raise RuntimeError(f"no reaction measured for {', '.join(missing)} (see the error above)")
    return list(results.values())


if __name__ == "__main__":
    sys.exit(main())
