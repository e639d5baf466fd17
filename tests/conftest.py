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
# Within e2e, the installs (make deploy, Helm) come first: their cluster-wide operator pods take the lease and serve
# the clusters that the session's local cluster-wide operator (tests/e2e/conftest.py) would, and that one, once
# started, runs until the session ends.
_FIRST_IN_SUITE = ("e2e/install/",)


# Each folder is a suite, and scripts/test selects a suite by its marker: a test marked for another suite than its
# folder's would run (or be left out) where nobody looks for it. The chaos tests are e2e's, run on their own.
_TESTS = Path(__file__).parent
_FOLDER_SUITES = {
    "unit": "unit",
    "integration": "integration",
    "sandbox": "sandbox",
    "e2e": "e2e",
    "e2e/chaos": "chaos",
}


def _folder_suite(item: pytest.Item) -> str | None:
    """The suite of the folder an item's file is in (the deepest folder named in _FOLDER_SUITES)."""
    if not item.path.is_relative_to(_TESTS):
        return None
    folder = f"{item.path.parent.relative_to(_TESTS).as_posix()}/"
    matches = [prefix for prefix in _FOLDER_SUITES if folder.startswith(f"{prefix}/")]
    return _FOLDER_SUITES[max(matches, key=len)] if matches else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    misplaced = []
    for item in items:
        suites = {mark.name for mark in item.iter_markers()} & set(_FOLDER_SUITES.values())
        folder_suite = _folder_suite(item)
        if folder_suite and suites != {folder_suite}:
            misplaced.append(f"{item.nodeid}: marked {sorted(suites)}, but its folder is the {folder_suite} suite")
    if misplaced:
        raise pytest.UsageError("tests marked for another suite than their folder's:\n" + "\n".join(misplaced))

    def rank(item: pytest.Item) -> tuple[int, bool]:
        marks = {mark.name for mark in item.iter_markers()}
        suite = next((index for index, suite in enumerate(_SUITE_ORDER) if suite in marks), len(_SUITE_ORDER))
        folder = f"{item.path.parent.relative_to(_TESTS).as_posix()}/" if item.path.is_relative_to(_TESTS) else ""
        return suite, not folder.startswith(_FIRST_IN_SUITE)

    items.sort(key=rank)
