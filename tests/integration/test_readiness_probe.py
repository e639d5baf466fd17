"""readiness.sh, the Redis pods' readiness probe, against real redis-server processes on loopback: a master is ready
at once; a replica only with its link to the master up; a starting replica whose link comes up within about 3 s is
reported ready by that same probe run, instead of failing until the kubelet's next probe a period later; and a
replica whose master never answers is not ready once that patience is spent."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.integration.playbook_runner import REPO_ROOT
from tests.integration.redis_processes import RedisProcess, free_port

pytestmark = pytest.mark.integration

READINESS = REPO_ROOT / "roles" / "rediscluster" / "files" / "redis" / "readiness.sh"


def probe(port: int) -> int:
    """The probe's exit code on the node at `port`."""
    env = {**os.environ, "REDIS_PORT_NUMBER": str(port)}
    return subprocess.run(["sh", str(READINESS)], env=env, timeout=15, check=False).returncode


@pytest.fixture
def processes(tmp_path: Path):
    started: list[RedisProcess] = []

    def make() -> RedisProcess:
        started.append(RedisProcess(tmp_path))
        return started[-1]

    yield make
    for process in started:
        process.stop()


def test_a_master_is_ready_at_once(processes):
    assert probe(processes().start().port) == 0


def test_a_starting_replica_is_ready_in_the_probe_run_during_which_its_link_comes_up(processes):
    master, replica = processes(), processes()
    replica.start(f"replicaof 127.0.0.1 {master.port}")  # its master does not answer yet
    starts_master = threading.Timer(1.0, master.start)
    starts_master.start()
    try:
        assert probe(replica.port) == 0  # its link came up about 1 s into this probe run
    finally:
        starts_master.join()


def test_a_replica_whose_master_never_answers_is_not_ready(processes):
    replica = processes()
    replica.start(f"replicaof 127.0.0.1 {free_port()}")
    assert probe(replica.port) == 1


def test_no_redis_listening_is_not_ready():
    assert probe(free_port()) == 1
