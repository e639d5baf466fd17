"""Sandbox start-up figures: warm `python -m sandbox up` from a stopped sandbox (goal: ready within 20 s), `up` on a
running one, `down`, and with --cold the build of the Go binaries from an empty Go build cache.

    python bench/sandbox_startup.py [--runs 5] [--cold]

It runs inside `python -m sandbox isolated`, so the figures come from a throwaway sandbox of its own and a sandbox
already running on this machine is left alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def timed(*argv: str, env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    subprocess.run(argv, cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def summary(label: str, seconds: list[float]) -> str:
    return f"{label}: median {statistics.median(seconds):.1f} s, max {max(seconds):.1f} s ({len(seconds)} runs)"


def cold_build() -> float:
    """sandbox/tools/build.sh with an empty Go build cache and binary cache (the module cache is kept: downloads are
    the network's time, not the build's)."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        env = {**os.environ, "GOCACHE": f"{scratch}/go-build", "SANDBOX_TOOLS_CACHE": f"{scratch}/tools"}
        return timed("bash", "sandbox/tools/build.sh", env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="also time a cold build of the Go binaries (minutes)")
    args = parser.parse_args()
    if not os.environ.get("SANDBOX_ISOLATED_BENCH"):
        env = {**os.environ, "SANDBOX_ISOLATED_BENCH": "1"}
        command = [sys.executable, "-m", "sandbox", "isolated", sys.executable, __file__, *sys.argv[1:]]
        return subprocess.run(command, cwd=REPO_ROOT, env=env, check=False).returncode

    python = sys.executable
    timed(python, "-m", "sandbox", "up")  # the first start makes the certificates; not counted
    warm, running, down = [], [], []
    for _ in range(args.runs):
        down.append(timed(python, "-m", "sandbox", "down"))
        warm.append(timed(python, "-m", "sandbox", "up"))
        running.append(timed(python, "-m", "sandbox", "up"))
    timed(python, "-m", "sandbox", "down")
    print(summary("warm `sandbox up` from stopped, until 3 nodes are Ready", warm))
    print(summary("`sandbox up` on a running sandbox", running))
    print(summary("`sandbox down`", down))
    if args.cold:
        print(f"cold build of etcd and the four Kubernetes binaries: {cold_build():.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
