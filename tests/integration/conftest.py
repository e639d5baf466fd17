"""Fixtures for integration tests: real Redis and Sentinel processes on loopback, cleaned up always."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.module_runner import run_module
from tests.integration.redis_processes import RedisGroup, wait_for

PASSWORD = "s3cret-Pa55word-never-shown"


@pytest.fixture(scope="session", autouse=True)
def redis_binaries() -> None:
    missing = [binary for binary in ("redis-server", "redis-sentinel") if shutil.which(binary) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/install-deps")


@pytest.fixture
def make_group(tmp_path: Path, request: pytest.FixtureRequest):
    """make_group(nodes=3, sentinels=3, password=None) -> a started RedisGroup, stopped at the end of the test."""
    groups: list[RedisGroup] = []

    def make(nodes: int = 3, sentinels: int = 3, password: str | None = None) -> RedisGroup:
        name = f"it-{request.node.name[:24].replace('[', '-').replace(']', '')}-{len(groups)}"
        group = RedisGroup(tmp_path / f"group{len(groups)}", nodes, sentinels, password, name)
        groups.append(group)
        return group.start()

    yield make
    for group in groups:
        group.stop()


def heal(group: RedisGroup, *, check_mode: bool = False, **overrides) -> dict:
    """One in-process run of redis_sentinel_heal on the group; a module failure fails the test with its message."""
    result = run_module("redis_sentinel_heal", group.heal_args(**overrides), check_mode=check_mode)
    assert not result.get("failed"), result.get("msg")
    return result


def heal_until_healthy(group: RedisGroup, timeout: float = 60.0, **overrides) -> list[dict]:
    """Run the healer as the operator's reconcile loop would, until it reports healthy; returns every result."""
    results: list[dict] = []

    def healthy() -> bool:
        results.append(heal(group, **overrides))
        return results[-1]["healthy"]

    wait_for(healthy, timeout=timeout, interval=0.3, what=f"group {group.group} to be healthy")
    return results


@pytest.fixture
def healthy_group(make_group) -> RedisGroup:
    """Three nodes and three Sentinels, bootstrapped to healthy, with one key written on the master."""
    group = make_group()
    heal_until_healthy(group)
    master = group.nodes[0].client()
    master.set("acknowledged", "write")
    assert master.wait(2, 5000) == 2
    return group


def event_reasons(*results: dict) -> list[str]:
    return [event["reason"] for result in results for event in result["events"]]


def role_of(process) -> str:
    return process.client().info("replication")["role"]
