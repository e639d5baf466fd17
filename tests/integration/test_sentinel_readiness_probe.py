"""sentinel/readiness.sh, the Sentinel pods' readiness probe, against real redis-server and redis-sentinel processes
on loopback: a Sentinel is ready only while it monitors the group's master, sees it up and reporting itself master,
and, when the member list beside the script names more than one node, sees at least one replica."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.playbook_runner import REPO_ROOT
from tests.integration.redis_processes import RedisProcess, free_port, wait_for

pytestmark = pytest.mark.integration

READINESS = REPO_ROOT / "roles" / "rediscluster" / "files" / "sentinel" / "readiness.sh"
GROUP = "probed"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """The script and its member list side by side, as the Sentinel ConfigMap mounts them."""
    directory = tmp_path / "sentinel-config"
    directory.mkdir()
    shutil.copy(READINESS, directory / "readiness.sh")
    return directory


@pytest.fixture
def processes(tmp_path: Path):
    started: list[RedisProcess] = []

    def make(**kwargs) -> RedisProcess:
        started.append(RedisProcess(tmp_path, **kwargs))
        return started[-1]

    yield make
    for process in started:
        process.stop()


def members(config_dir: Path, *nodes: RedisProcess) -> None:
    (config_dir / "redis-hosts").write_text("".join(f"{node.name}\n" for node in nodes))


def probe(config_dir: Path, sentinel_port: int, group: str = GROUP) -> int:
    """The probe's exit code for the Sentinel at `sentinel_port`."""
    env = {**os.environ, "REDIS_GROUP": group, "SENTINEL_PORT_NUMBER": str(sentinel_port)}
    command = ["sh", str(config_dir / "readiness.sh")]
    return subprocess.run(command, env=env, timeout=15, check=False, capture_output=True).returncode


def monitoring(processes, master: RedisProcess, down_after_ms: int = 30000) -> RedisProcess:
    """A Sentinel that monitors `master` as GROUP."""
    sentinel = processes(sentinel=True).start(
        f"sentinel monitor {GROUP} 127.0.0.1 {master.port} 1",
        f"sentinel down-after-milliseconds {GROUP} {down_after_ms}",
    )
    wait_for(lambda: sentinel.client().sentinel_master(GROUP)["role-reported"] == "master", what="the master's INFO")
    return sentinel


def replica_seen(sentinel: RedisProcess) -> bool:
    return sentinel.client().sentinel_master(GROUP)["num-slaves"] >= 1


def test_a_sentinel_that_sees_the_master_and_a_replica_is_ready(processes, config_dir):
    master = processes().start()
    replica = processes().start(f"replicaof 127.0.0.1 {master.port}")
    members(config_dir, master, replica)
    sentinel = monitoring(processes, master)
    wait_for(lambda: replica_seen(sentinel), what="the Sentinel to discover the replica")
    assert probe(config_dir, sentinel.port) == 0


def test_a_sentinel_that_sees_no_replica_of_a_cluster_with_replicas_is_not_ready(processes, config_dir):
    master = processes().start()
    members(config_dir, master, processes())  # the second member never started: no replica to see
    sentinel = monitoring(processes, master)
    assert probe(config_dir, sentinel.port) == 1


def test_a_sentinel_of_a_single_node_cluster_is_ready_without_replicas(processes, config_dir):
    master = processes().start()
    members(config_dir, master)
    assert probe(config_dir, monitoring(processes, master).port) == 0


def test_a_sentinel_that_sees_its_master_down_is_not_ready(processes, config_dir):
    master = processes().start()
    members(config_dir, master)
    sentinel = monitoring(processes, master, down_after_ms=200)
    master.kill()
    wait_for(lambda: "s_down" in sentinel.client().sentinel_master(GROUP)["flags"], what="the master's s_down flag")
    assert probe(config_dir, sentinel.port) == 1


def test_a_sentinel_that_monitors_another_group_is_not_ready(processes, config_dir):
    master = processes().start()
    members(config_dir, master)
    assert probe(config_dir, monitoring(processes, master).port, group="another") == 1


def test_no_sentinel_listening_is_not_ready(config_dir):
    (config_dir / "redis-hosts").write_text("127.0.0.1:6379\n")
    assert probe(config_dir, free_port()) == 1
