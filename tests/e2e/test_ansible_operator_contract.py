"""The role's contract with its runtime, ansible-operator v1.42.3, as config/ runs it (sandbox/ansible_operator.py).

Scenario 1 (the session's cluster-scoped operator): a cluster is created; while it converges ansible-operator takes
the role's `requeue_after`; every object the role made is owned by the RedisCluster; the proxy watches each kind the
role made for the RedisCluster, so deleting the master Service, the Redis ConfigMap or the Sentinel StatefulSet is
undone by a reconcile that the deletion itself starts; the status is the role's alone (manageStatus false: no
Running or Successful condition of ansible-operator's) and says how long the reconcile took and that none failed; the
event relay's /metrics serves the cluster's series, labelled with its namespace and name: healthy and all Sentinels
agreeing fall to 0 while the Sentinels are gone and come back with them.

Scenario 2 (both installs side by side in one namespace): a RedisCluster without the scope annotation is served by
the namespaced operator, an annotated one by the cluster-wide operator: the Events of each name the install that
reconciled it, and none names the other.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.kube import wait_for
from tests.e2e.manifests import rediscluster
from tests.e2e.rediscluster import apply_manifest, delete_cluster, wait_healthy
from tests.e2e.relay_metrics import cluster_samples

pytestmark = pytest.mark.e2e

OUR_CONDITIONS = {"Creating", "Scaling", "Updating", "Recovering", "Healthy", "Failed"}
DEPENDENTS = {
    "service": "redis-cluster-test-master",
    "configmap": "redis-cluster-test",
    "statefulset": "redis-sentinel-test",
}
WATCHED_KINDS = {
    "/v1, Kind=Service",
    "/v1, Kind=ConfigMap",
    "apps/v1, Kind=StatefulSet",
    "policy/v1, Kind=PodDisruptionBudget",
}


def log_records(operator) -> list[dict]:
    """ansible-operator's own log lines (JSON); the playbook output between them is not."""
    records = []
    for line in operator.log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


def test_the_role_and_ansible_operator_keep_their_contract(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(), namespace)
    wait_healthy(kube, namespace, "test")

    messages = [record.get("msg", "") for record in log_records(cluster_operator)]
    assert "Set the reconciliation to occur after 2s" in messages, "requeue_after of a converging cluster not taken"

    cluster = kube.rediscluster(namespace, "test")
    uid = cluster["metadata"]["uid"]
    listed = kube.get_json(
        "statefulset,service,configmap,secret,pdb", "-n", namespace, "-l", "app.kubernetes.io/instance=test"
    )
    for item in listed["items"]:
        owners = item["metadata"].get("ownerReferences") or []
        assert [(owner["uid"], owner.get("controller")) for owner in owners] == [(uid, True)], item["metadata"]["name"]

    watched = {
        record["kind"]
        for record in log_records(cluster_operator)
        if record.get("msg") == "Watching child resource" and record.get("enqueue_kind", "").endswith("RedisCluster")
    }
    assert watched >= WATCHED_KINDS
    assert "/v1, Kind=Event" not in watched, "an Event the role records must not start a reconcile"

    for kind, name in DEPENDENTS.items():
        before = kube.get_json(kind, name, "-n", namespace)["metadata"]["uid"]
        kube.kubectl("delete", "-n", namespace, kind, name, "--wait=false")
        wait_for(
            lambda kind=kind, name=name, before=before: (
                kube.get_json(kind, name, "-n", namespace)["metadata"]["uid"] != before
            ),
            60,
            f"the {kind} {name} made again",
            0.5,
        )
    wait_healthy(kube, namespace, "test")

    status = kube.rediscluster(namespace, "test")["status"]
    conditions = {condition["type"] for condition in status["conditions"]}
    assert conditions <= OUR_CONDITIONS, conditions
    assert status["failedReconciles"] == 0
    assert 0 < status["reconcileSeconds"] < 120

    def samples() -> dict[str, float]:
        return cluster_samples(cluster_operator, namespace, "test")

    wait_for(lambda: samples()["rediscluster_healthy"] == 1, 60, "rediscluster_healthy 1")
    served = samples()
    assert served["rediscluster_replicas_linked"] == served["rediscluster_replicas_desired"] == 2
    assert served["rediscluster_sentinels_agreeing"] == served["rediscluster_sentinels_desired"] == 3
    assert served[f"rediscluster_master_info{{{status['master']}}}"] == 1
    kube.kubectl("scale", "-n", namespace, "statefulset", "redis-sentinel-test", "--replicas=0")
    wait_for(
        lambda: (samples()["rediscluster_healthy"], samples()["rediscluster_sentinels_agreeing"]) == (0, 0),
        120,
        "rediscluster_healthy and rediscluster_sentinels_agreeing 0 while the Sentinels are away",
    )
    wait_healthy(kube, namespace, "test")
    wait_for(lambda: samples()["rediscluster_healthy"] == 1, 60, "rediscluster_healthy 1 again")


def reporting_instances(kube, namespace: str, name: str) -> set[str]:
    events = kube.get_json("events", "-n", namespace, "--field-selector", f"involvedObject.name={name}")["items"]
    return {event.get("reportingInstance", "") for event in events}


def test_each_install_serves_only_its_own_redisclusters(kube, cluster_operator, namespaced_operator, namespace):
    # Single nodes (no Sentinels): two clusters at once on the sandbox's two cores.
    apply_manifest(kube, rediscluster("annotated", size=1), namespace)
    apply_manifest(kube, rediscluster("plain", cluster_scoped=False, size=1), namespace)
    wait_healthy(kube, namespace, "annotated", size=1, sentinels=0)
    delete_cluster(kube, namespace, "annotated")
    wait_healthy(kube, namespace, "plain", size=1, sentinels=0)

    cluster_wide = f"{cluster_operator.manager.deployment}-{cluster_operator.host.name}"
    namespaced = f"{namespaced_operator.manager.deployment}-{namespaced_operator.host.name}"
    assert reporting_instances(kube, namespace, "annotated") == {cluster_wide}
    assert reporting_instances(kube, namespace, "plain") == {namespaced}
