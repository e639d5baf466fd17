"""Fixtures for integration tests: real Redis and Sentinel processes on loopback, cleaned up always."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.redis_processes import RedisGroup

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
