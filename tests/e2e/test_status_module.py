"""rediscluster_status on a real API server: one status write per reconcile, none when nothing is new, Events counted.

The module (kun.redis.rediscluster_status) runs as the role runs it, through Ansible with this repository's
ansible.cfg. Writes are counted with a watch on the RedisCluster: every write is one MODIFIED event, and a marker
annotation written after the module has finished closes the count, so no test waits for a quiet period.
"""

from __future__ import annotations

import uuid

import pytest
from kubernetes import client, watch

from tests.e2e.ansible_task import run_task
from tests.e2e.kube import GROUP, PLURAL, VERSION, Kube

pytestmark = pytest.mark.e2e

MARK = "test.redis.kun/mark"
BOOTSTRAP = {"type": "Creating", "message": "Bootstrap redis cluster"}
HEALTHY = {"type": "Healthy", "message": "Cluster ok"}
OBSERVED = {
    "master": "redis-cluster-test-0",
    "master_ip": "10.244.0.12",
    "sentinel_ip": "10.96.0.40",
    "master_count": 1,
    "replica_count": 2,
    "sentinel_count": 3,
}


def run_status(kube: Kube, cluster: dict, *, check: bool = False, **options) -> dict:
    """The module's result for `cluster`, run by `ansible` as a task of the role would be."""
    args = {
        "name": cluster["metadata"]["name"],
        "namespace": cluster["metadata"]["namespace"],
        "uid": cluster["metadata"]["uid"],
        "kubeconfig": str(kube.kubeconfig),
        **options,
    }
    return run_task("kun.redis.rediscluster_status", args, check=check)


def read(kube: Kube, cluster: dict) -> dict:
    return kube.rediscluster(cluster["metadata"]["namespace"], cluster["metadata"]["name"])


def writes_during(kube: Kube, cluster: dict, action) -> tuple[int, object]:
    """How many times `action()` wrote the RedisCluster (its status included), and what it returned."""
    metadata = cluster["metadata"]
    start = read(kube, cluster)["metadata"]["resourceVersion"]
    outcome = action()
    mark = uuid.uuid4().hex
    kube.patch_rediscluster(metadata["namespace"], metadata["name"], {"metadata": {"annotations": {MARK: mark}}})
    writes = 0
    stream = watch.Watch().stream(
        kube.custom.list_namespaced_custom_object,
        GROUP,
        VERSION,
        metadata["namespace"],
        PLURAL,
        field_selector=f"metadata.name={metadata['name']}",
        resource_version=start,
        timeout_seconds=60,
    )
    for event in stream:
        if event["object"]["metadata"].get("annotations", {}).get(MARK) == mark:
            return writes, outcome
        writes += event["type"] == "MODIFIED"
    raise AssertionError("the marker write never came through the watch")


def events_of(kube: Kube, cluster: dict) -> dict[str, client.CoreV1Event]:
    listed = kube.core.list_namespaced_event(
        cluster["metadata"]["namespace"], field_selector=f"involvedObject.uid={cluster['metadata']['uid']}"
    )
    return {event.message: event for event in listed.items}


def test_a_reconcile_writes_the_status_once_and_a_repeat_writes_nothing(kube, cluster):
    def reconcile() -> dict:
        return run_status(kube, cluster, condition=BOOTSTRAP, observed_generation=1)

    writes, first = writes_during(kube, cluster, reconcile)
    assert writes == 1
    assert (first["changed"], first["written"]) == (True, True)
    status = read(kube, cluster)["status"]
    assert status == first["status"]
    assert (status["status"], status["observedGeneration"]) == ("Creating", 1)
    (condition,) = status["conditions"]
    assert (condition["type"], condition["status"], condition["reason"]) == ("Creating", "True", "Creating")

    writes, repeat = writes_during(kube, cluster, reconcile)
    assert writes == 0
    assert (repeat["changed"], repeat["written"]) == (False, False)
    assert read(kube, cluster)["status"] == status


def test_a_new_generation_is_recorded_as_observed(kube, cluster):
    run_status(kube, cluster, condition=HEALTHY, observed_generation=1)
    kube.patch_rediscluster(cluster["metadata"]["namespace"], cluster["metadata"]["name"], {"spec": {"size": 5}})
    assert read(kube, cluster)["metadata"]["generation"] == 2
    result = run_status(kube, cluster, condition=HEALTHY, observed_generation=2)
    assert result["written"]
    assert read(kube, cluster)["status"]["observedGeneration"] == 2


def test_a_condition_that_becomes_true_supersedes_the_previous_one(kube, cluster):
    run_status(kube, cluster, condition=BOOTSTRAP)
    run_status(kube, cluster, condition=HEALTHY, **OBSERVED)
    status = read(kube, cluster)["status"]
    assert [(entry["type"], entry["status"], entry["reason"]) for entry in status["conditions"]] == [
        ("Healthy", "True", "Cluster available"),
        ("Creating", "False", "Superseded"),
    ]
    assert {key: status[key] for key in ("status", "master", "masterIP", "sentinelIP")} == {
        "status": "Healthy",
        "master": OBSERVED["master"],
        "masterIP": OBSERVED["master_ip"],
        "sentinelIP": OBSERVED["sentinel_ip"],
    }
    assert (status["masterCount"], status["replicaCount"], status["sentinelCount"]) == (1, 2, 3)


def test_kubectl_shows_size_status_and_master(kube, cluster):
    run_status(kube, cluster, condition=HEALTHY, **OBSERVED)
    name, namespace = cluster["metadata"]["name"], cluster["metadata"]["namespace"]
    header, row = kube.kubectl("get", "rediscluster", name, "--namespace", namespace).splitlines()
    assert header.split() == ["NAME", "SIZE", "STATUS", "MASTER", "AGE"]
    assert row.split()[:4] == [name, "3", "Healthy", OBSERVED["master"]]
    kube.kubectl("wait", "--for=condition=Healthy", f"rediscluster/{name}", "-n", namespace, "--timeout=30s")


def test_a_repeated_event_is_counted_on_one_object(kube, cluster):
    heal = {"type": "Normal", "reason": "CheckAndHeal", "message": "replica 10.244.0.13 now follows the master"}
    failover = {"type": "Warning", "reason": "Failover", "message": "master 10.244.0.12 unreachable"}
    run_status(kube, cluster, condition=HEALTHY, events=[heal])
    run_status(kube, cluster, condition=HEALTHY, events=[heal, failover])
    events = events_of(kube, cluster)
    assert set(events) == {heal["message"], failover["message"]}
    repeated = events[heal["message"]]
    assert (repeated.count, repeated.type, repeated.reason) == (2, "Normal", "CheckAndHeal")
    assert repeated.last_timestamp >= repeated.first_timestamp
    assert (repeated.involved_object.kind, repeated.involved_object.name) == (
        "RedisCluster",
        cluster["metadata"]["name"],
    )
    assert (repeated.source.component, repeated.reporting_component) == ("redis-kun-operator", "redis-kun-operator")
    assert (events[failover["message"]].count, events[failover["message"]].type) == (1, "Warning")


def test_check_mode_reports_what_it_would_do_and_writes_nothing(kube, cluster):
    event = {"type": "Normal", "reason": "Creating", "message": "Bootstrap redis cluster"}
    writes, result = writes_during(
        kube, cluster, lambda: run_status(kube, cluster, check=True, condition=BOOTSTRAP, events=[event])
    )
    assert writes == 0
    assert (result["changed"], result["written"]) == (True, True)
    assert result["status"]["status"] == "Creating"
    assert (result["diff"]["before"], result["diff"]["after"]) == ({}, result["status"])
    assert [recorded["reason"] for recorded in result["events"]] == ["Creating"]
    assert events_of(kube, cluster) == {}
    assert "status" not in read(kube, cluster)


def test_a_cluster_replaced_during_the_reconcile_is_not_written(kube, cluster):
    earlier_object = {**cluster, "metadata": {**cluster["metadata"], "uid": "uid-of-a-deleted-one"}}
    result = run_status(kube, earlier_object, condition=HEALTHY)
    assert result.get("failed")
    assert "was replaced during this reconcile" in result["msg"]
    assert "status" not in read(kube, cluster)
