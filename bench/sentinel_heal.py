"""Wall time of a no-op redis_sentinel_heal on a healthy group: 3 nodes + 3 Sentinels, then 9 + 3.

Called in-process (the module's own cost: parallel observation, planning, report) and through ansible-playbook (what
one reconcile task costs, process start and AnsiballZ included). Starts and stops its own redis-server and
redis-sentinel processes on loopback. Prints medians and p95 of RUNS runs; asserts nothing about time.
Run from the repository root: `scripts/bench sentinel_heal` (or `PYTHONPATH=. python bench/sentinel_heal.py`).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from tests.integration.module_runner import run_module
from tests.integration.playbook_runner import run_playbook
from tests.integration.redis_processes import RedisGroup, wait_for

RUNS = 20
SHAPES = ((3, 3), (9, 3))
PLAYBOOK = """\
- name: One no-op heal
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Heal
      kun.redis.redis_sentinel_heal: "{{ heal_args }}"
      register: topology
      failed_when: topology.changed or not topology.healthy
"""


def timed(call, runs: int = RUNS) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return seconds


def summary(seconds: list[float]) -> str:
    p95 = statistics.quantiles(seconds, n=20, method="inclusive")[18]
    return f"median {statistics.median(seconds) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def in_process_noop(args: dict) -> None:
    result = run_module("redis_sentinel_heal", args)
    if result.get("failed") or result["changed"] or not result["healthy"]:
        raise RuntimeError(f"not a no-op on a healthy group: {result.get('msg') or result['message']}")


def bench_shape(workdir: Path, nodes: int, sentinels: int) -> None:
    group = RedisGroup(workdir, nodes, sentinels, password=None, group=f"bench-{nodes}-{sentinels}").start()
    try:
        args = group.heal_args()
        wait_for(lambda: run_module("redis_sentinel_heal", args)["healthy"], timeout=120, what="a healthy group")
        label = f"{nodes} nodes + {sentinels} Sentinels"
        print(f"{label:24} in-process       {summary(timed(lambda: in_process_noop(args)))}", flush=True)
        playbook = workdir / "heal.yml"
        playbook.write_text(PLAYBOOK)

        def playbook_noop() -> None:
            run = run_playbook(playbook, {"heal_args": args}, verbosity=0)
            if run.returncode != 0:
                raise RuntimeError(run.stdout + run.stderr)

        print(f"{label:24} ansible-playbook {summary(timed(playbook_noop))}", flush=True)
    finally:
        group.stop()


def main() -> None:
    print(f"redis_sentinel_heal, no-op on a healthy group, {RUNS} runs each")
    with tempfile.TemporaryDirectory(prefix="bench-sentinel-heal-") as tmp:
        for nodes, sentinels in SHAPES:
            bench_shape(Path(tmp) / f"{nodes}x{sentinels}", nodes, sentinels)


if __name__ == "__main__":
    main()
