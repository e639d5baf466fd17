"""Chaos among many: MANY_CLUSTERS RedisClusters (10 unless CHAOS_MANY_CLUSTERS says otherwise) on one operator,
and five of them faulted at the same moment, each in its own way, each under its own WAIT-confirmed writers
(harness.run in a thread per cluster, meeting at a barrier before the fault). Every faulted cluster must come back
Healthy with every acknowledged write, and the clusters nobody touched must stay Healthy throughout the storm
(issue 14: a busy operator still serves every cluster).

In the soak run (`scripts/test soak`): about 4 minutes with 10 clusters, too long for the quick cases of `make test`.
Issue 14 asks for 30. On this 2-core sandbox the 30 are Healthy 238 s after being applied, but with five of them
faulted under their writers the load average reaches 60-80 and the sandbox's kubelet (one process for 180 pods, its
probes and their status) falls behind: its reads from the API server time out, and four of the five faulted clusters
were not Healthy again within the 240 s allowed (2026-12-03). 10 is what this machine holds for this case.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from tests.e2e.chaos import harness
from tests.e2e.kube import Kube
from tests.e2e.rediscluster import apply_manifest, delete_cluster, wait_healthy

pytestmark = [pytest.mark.chaos, pytest.mark.soak, pytest.mark.timeout(2400)]

MANY_CLUSTERS = int(os.environ.get("CHAOS_MANY_CLUSTERS", "10"))
# One fault of each kind that concerns a single cluster (stopping a node would fault every cluster with a pod on it).
FAULTS = ["delete_master_pod", "freeze_master", "isolate_master", "delete_every_pod", "delete_all_sentinel_pods"]
SCENARIOS = {scenario.name: scenario for scenario in harness.ALL}
APPLIED_TIMEOUT = 900  # seconds for MANY_CLUSTERS applied at once to be Healthy (issue 14's goal: 3 minutes for 30)


@pytest.fixture(scope="module")
def many_clusters(kube: Kube, chaos_namespace: str, chaos_operator: harness.RestartableOperator) -> Iterator[list]:
    names = [f"{harness.NAME}-{number}" for number in range(MANY_CLUSTERS)]
    apply_manifest(kube, "\n---\n".join(harness.manifest(name=name) for name in names), chaos_namespace)
    yield names
    for name in names:
        kube.kubectl("delete", "rediscluster", name, "-n", chaos_namespace, "--wait=false")
    for name in names:
        delete_cluster(kube, chaos_namespace, name)


class StatusWatch(threading.Thread):
    """Every status other than Healthy that the named RedisClusters report until stopped, polled once a second."""

    def __init__(self, kube: Kube, namespace: str, names: list[str]):
        super().__init__(daemon=True, name="status watch")
        self._kube, self._namespace, self._names = kube, namespace, set(names)
        self._stopped = threading.Event()
        self.seen: set[tuple[str, str]] = set()

    def run(self) -> None:
        while not self._stopped.wait(1):
            for cluster in self._kube.get_json("redisclusters", "-n", self._namespace)["items"]:
                name = cluster["metadata"]["name"]
                status = (cluster.get("status") or {}).get("status")
                if name in self._names and status != "Healthy":
                    self.seen.add((name, status))

    def stop(self) -> set[tuple[str, str]]:
        self._stopped.set()
        self.join()
        return self.seen


def test_five_clusters_faulted_at_once_lose_nothing_and_the_others_stay_healthy(
    kube, chaos_namespace, chaos_operator, many_clusters
):
    started = time.monotonic()
    for name in many_clusters:
        wait_healthy(kube, chaos_namespace, name, password=harness.PASSWORD, timeout=APPLIED_TIMEOUT)
    print(f"\n{len(many_clusters)} RedisClusters applied at once: all Healthy after {time.monotonic() - started:.0f} s")
    faulted = {name: SCENARIOS[fault] for name, fault in zip(many_clusters[: len(FAULTS)], FAULTS, strict=True)}
    untouched = [name for name in many_clusters if name not in faulted]
    barrier = threading.Barrier(len(faulted))
    outcomes: dict[str, harness.Outcome | BaseException] = {}

    def fault(name: str, scenario: harness.Scenario) -> None:
        try:
            outcomes[name] = harness.run(
                kube, chaos_namespace, chaos_operator, scenario, name=name, before_fault=barrier.wait
            )
        except BaseException as error:  # reported below, by cluster; the aborted barrier frees the other threads
            barrier.abort()
            outcomes[name] = error

    watch = StatusWatch(kube, chaos_namespace, untouched)
    watch.start()
    threads = [threading.Thread(target=fault, args=item, name=item[0]) for item in faulted.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flapped = watch.stop()

    # Every faulted cluster's verdict, the runs that ended as well as those that did not: one that timed out must not
    # hide another's lost writes.
    verdicts = {}
    for name, outcome in outcomes.items():
        if isinstance(outcome, BaseException):
            verdicts[name] = outcome
            continue
        print(f"\n{name}:", end="")
        try:
            harness.check(outcome)
        except AssertionError as verdict:
            verdicts[name] = verdict
    assert not verdicts, "; ".join(f"{name} ({faulted[name].name}): {error!r}" for name, error in verdicts.items())
    assert not flapped, f"untouched RedisClusters left Healthy during the faults: {sorted(flapped)}"
    for name in untouched:
        wait_healthy(kube, chaos_namespace, name, password=harness.PASSWORD, timeout=harness.HEALTHY_TIMEOUT)
