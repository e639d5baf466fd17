"""Failover figures on the sandbox: for each chaos scenario, the longest time without an acknowledged write, the time
until the RedisCluster is Healthy again, and acknowledged writes lost (medians and maxima over --runs runs).

    python bench/failover.py [--runs 10] [--scenario NAME ...]

Starts the sandbox when it is not running, installs the CRD, runs its own namespaced operator and one RedisCluster
(size 3, down-after-milliseconds 5000, failover-timeout 10000), and removes them at the end.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sandbox import controlplane  # noqa: E402
from tests.e2e.chaos import harness  # noqa: E402
from tests.e2e.kube import Kube  # noqa: E402
from tests.e2e.rediscluster import apply_manifest, delete_cluster  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    names = [scenario.__name__ for scenario in harness.ALL]
    parser.add_argument("--scenario", action="append", choices=names, help="default: every scenario")
    return parser.parse_args()


def _row(name: str, outcomes: list[harness.Outcome]) -> str:
    gaps = [o.unavailable_seconds for o in outcomes]
    healthy = [o.healthy_after_seconds for o in outcomes]
    lost = sum(len(o.lost) for o in outcomes)
    won = sum(o.divergent_write_won for o in outcomes)
    return (
        f"{name:32} {len(outcomes):>4} {statistics.median(gaps):>9.2f} {max(gaps):>8.2f} "
        f"{statistics.median(healthy):>10.1f} {max(healthy):>9.1f} {lost:>6} {won:>9}"
    )


def main() -> int:
    args = _arguments()
    scenarios = [s for s in harness.ALL if not args.scenario or s.__name__ in args.scenario]
    kube = Kube(Path(controlplane.up()))
    kube.kubectl("apply", "--server-side", "-f", str(REPO_ROOT / "config" / "crd" / "bases"))
    kube.kubectl("wait", "--for=condition=Established", "crd/redisclusters.redis.kun", "--timeout=60s")
    namespace = f"bench-failover-{secrets.token_hex(3)}"
    kube.kubectl("create", "namespace", namespace)
    operator = harness.RestartableOperator(kube, Path(tempfile.mkdtemp(prefix="bench-failover-")), namespace)
    print(
        f"{'scenario':32} {'runs':>4} {'gap med s':>9} {'gap max':>8} {'healthy med':>10} {'max':>9} {'lost':>6} "
        f"{'divergent':>9}",
        flush=True,
    )
    try:
        apply_manifest(kube, harness.manifest(), namespace)
        for scenario in scenarios:
            outcomes = [harness.run(kube, namespace, operator, scenario) for _ in range(args.runs)]
            print(_row(scenario.__name__, outcomes), flush=True)
    finally:
        delete_cluster(kube, namespace, harness.NAME)
        operator.stop()
        kube.kubectl("delete", "namespace", namespace, "--wait=false")
    return 0


if __name__ == "__main__":
    sys.exit(main())
