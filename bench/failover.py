"""Failover figures on the sandbox: for each chaos scenario, the longest time without an acknowledged write (for a
client that discovers the master like redis-py, with SENTINEL MASTERS, and for one that asks
SENTINEL GET-MASTER-ADDR-BY-NAME like go-redis, Jedis and Lettuce), the time until the RedisCluster is Healthy again,
and acknowledged writes lost (medians and maxima over --runs runs). Each run
is printed as it ends, the table at the end; a run that timed out counts as failed.

    python bench/failover.py [--runs 10] [--scenario NAME ...] [--idle-clusters 0]

Starts the sandbox when it is not running, installs the CRD, runs its own namespaced operator and one RedisCluster
(size 3, down-after-milliseconds 5000, failover-timeout 10000), and removes them at the end. With --idle-clusters N,
N more Healthy RedisClusters idle on the same operator meanwhile (issue 14: the faults must cost no more among them).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

import redis

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.reconcile import manifest  # noqa: E402
from sandbox import controlplane  # noqa: E402
from tests.e2e.chaos import harness  # noqa: E402
from tests.e2e.conftest import diagnostics  # noqa: E402
from tests.e2e.kube import Kube  # noqa: E402
from tests.e2e.rediscluster import apply_manifest, delete_cluster, wait_healthy  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    names = [scenario.name for scenario in harness.ALL]
    parser.add_argument("--scenario", action="append", choices=names, help="default: every scenario")
    parser.add_argument("--idle-clusters", type=int, default=0, help="Healthy RedisClusters idling beside it")
    return parser.parse_args()


HEADER = (
    f"{'scenario':32} {'runs':>4} {'failed':>6} {'gap med s':>9} {'gap max':>8} {'by-addr med':>11} {'max':>6} "
    f"{'healthy med s':>13} {'max':>6} {'lost':>5} {'divergent':>9} {'violations':>10}"
)


def _row(name: str, outcomes: list[harness.Outcome], failed: int) -> str:
    gaps = [o.unavailable_seconds for o in outcomes] or [float("nan")]
    gaps_by_address = [o.unavailable_seconds_by_address for o in outcomes] or [float("nan")]
    healthy = [o.healthy_after_seconds for o in outcomes] or [float("nan")]
    lost = sum(len(o.lost) for o in outcomes)
    won = sum(o.divergent_write_won for o in outcomes)
    violations = sum(bool(o.violations) for o in outcomes)
    return (
        f"{name:32} {len(outcomes):>4} {failed:>6} {statistics.median(gaps):>9.2f} {max(gaps):>8.2f} "
        f"{statistics.median(gaps_by_address):>11.2f} {max(gaps_by_address):>6.2f} "
        f"{statistics.median(healthy):>13.1f} {max(healthy):>6.1f} {lost:>5} {won:>9} {violations:>10}"
    )


def _runs(
    kube: Kube, namespace: str, operator: harness.RestartableOperator, scenario: harness.Scenario, runs: int
) -> str:
    """Run one scenario `runs` times, printing each run as it ends; the scenario's table row."""
    outcomes, failed = [], 0
    for number in range(1, runs + 1):
        try:
            outcome = harness.run(kube, namespace, operator, scenario)
        # Not Healthy again in time, or a check that could not reach the cluster: counted and shown, never hidden.
        except (AssertionError, redis.RedisError) as error:
            failed += 1
            print(f"# {scenario.name} run {number}: FAILED {error}", flush=True)
            print(diagnostics(kube, namespace), file=sys.stderr, flush=True)
            continue
        outcomes.append(outcome)
        print(
            f"# {scenario.name} run {number}: gap {outcome.unavailable_seconds:.2f} s "
            f"(GET-MASTER-ADDR-BY-NAME client {outcome.unavailable_seconds_by_address:.2f} s), Healthy after "
            f"{outcome.healthy_after_seconds:.1f} s, {outcome.acknowledged} acknowledged, {len(outcome.lost)} lost, "
            f"violations {outcome.violations or 'none'}",
            flush=True,
        )
    return _row(scenario.name, outcomes, failed)


def main() -> int:
    args = _arguments()
    scenarios = [s for s in harness.ALL if not args.scenario or s.name in args.scenario]
    kube = Kube(Path(controlplane.up()))
    kube.install_crd()
    namespace = f"bench-failover-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", namespace)
    operator = harness.RestartableOperator(kube, Path(tempfile.mkdtemp(prefix="bench-failover-")), namespace)
    rows = []
    idle = [f"idle-{number}" for number in range(args.idle_clusters)]
    try:
        apply_manifest(kube, harness.manifest(), namespace)
        if idle:
            kube.kubectl("apply", "-n", namespace, "-f", "-", stdin="\n---\n".join(manifest(name) for name in idle))
            for name in idle:
                wait_healthy(kube, namespace, name, timeout=900)
            print(f"# {len(idle)} other RedisClusters Healthy beside {harness.NAME}", flush=True)
        for scenario in scenarios:
            rows.append(_runs(kube, namespace, operator, scenario, args.runs))
    finally:
        for name in idle:
            kube.kubectl("delete", "rediscluster", name, "-n", namespace, "--wait=false")
        delete_cluster(kube, namespace, harness.NAME)
        operator.stop()
        kube.kubectl("delete", "namespace", namespace, "--wait=false")
    print("\n".join([HEADER, *rows]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
