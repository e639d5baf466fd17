"""RedisClusterNoMaster fires for real, names the cluster, and resolves once the cluster heals.

Scenario: the Healthy size-3 RedisCluster of conftest.py, scraped with the alert rules loaded. Every Redis pod is
cut off the network (sandbox.faults), so neither the operator nor the Sentinels reach a node: the operator finds no
master, the event relay's rediscluster_master_present falls to 0, and after the rule's `for` (one minute) the alert
fires in Prometheus with the cluster's namespace and name and the critical severity. The pods are put back: the
operator finds the master again, and the alert is gone.
"""

from __future__ import annotations

import pytest

from sandbox import faults
from tests.e2e.kube import wait_for
from tests.e2e.observability.conftest import CLUSTER
from tests.e2e.redis_view import ClusterView

pytestmark = pytest.mark.e2e

ALERT = "RedisClusterNoMaster"


def test_no_master_fires_with_the_clusters_labels_and_resolves(kube, prometheus, observed_namespace):
    namespace = observed_namespace
    present = f'max(rediscluster_master_present{{namespace="{namespace}", name="{CLUSTER}"}})'

    def alert(state: str) -> dict | None:
        return next(
            (
                a
                for a in prometheus.alerts()
                if a["labels"].get("alertname") == ALERT
                and a["labels"].get("namespace") == namespace
                and a["state"] == state
            ),
            None,
        )

    wait_for(lambda: [s["value"][1] for s in prometheus.query(present)] == ["1"], 60, "a master, as Prometheus sees it")
    assert alert("pending") is None and alert("firing") is None

    pods = [member.name for member in ClusterView(kube, namespace, CLUSTER).redis]
    for pod in pods:
        faults.cut_network(namespace, pod)
    try:
        wait_for(lambda: alert("pending"), 120, f"{ALERT} pending")
        firing = wait_for(lambda: alert("firing"), 180, f"{ALERT} firing")
    finally:
        for pod in pods:
            faults.heal_network(namespace, pod)
    assert firing["labels"] == {"alertname": ALERT, "namespace": namespace, "name": CLUSTER, "severity": "critical"}
    assert firing["annotations"]["summary"] == f"RedisCluster {namespace}/{CLUSTER} has no master"

    wait_for(lambda: [s["value"][1] for s in prometheus.query(present)] == ["1"], 180, "the master found again")
    wait_for(lambda: alert("pending") is None and alert("firing") is None, 60, f"{ALERT} resolved")
