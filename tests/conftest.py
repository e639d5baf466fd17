"""Fixtures shared by every suite.

The sandbox (a real Kubernetes control plane with a process kubelet, see sandbox/README.md) is started at most once
per test session, and only by the suites that ask for it. A sandbox that was already running when the session began
is left running; one the session started is stopped when the session ends, so CI leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sandbox_kubeconfig() -> Path:
    """Path of the admin kubeconfig of a running sandbox (started here when needed)."""
    from sandbox import controlplane

    already_running = controlplane.is_running()
    kubeconfig = Path(controlplane.up())
    os.environ.setdefault("K8S_AUTH_KUBECONFIG", str(kubeconfig))
    yield kubeconfig
    if not already_running and not os.environ.get("SANDBOX_KEEP"):
        controlplane.down()


# Suites run cheapest first, so a broken unit fails the run in seconds, and the sandbox's own lifecycle tests (which
# stop and start it) finish before the operator's end-to-end tests start their operators on it.
_SUITE_ORDER = ("unit", "integration", "sandbox", "e2e", "chaos", "soak")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        marks = {mark.name for mark in item.iter_markers()}
        return next((index for index, suite in enumerate(_SUITE_ORDER) if suite in marks), len(_SUITE_ORDER))

    items.sort(key=rank)
