"""The one decision of what a reconcile reports: a table of findings -> (condition, Events), then the fields, then
how the role's findings become those facts."""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.outcome import (
    ReconcileFacts,
    facts_from_reconcile,
    outcome,
)
from hypothesis import given
from hypothesis import strategies as st

HEALTHY_TOPOLOGY = {
    "healthy": True,
    "message": "master 10.0.0.1:6379 with 2 replicas; 3 Sentinels agree",
    "actions": [],
    "events": [],
    "master": {"address": "10.0.0.1", "port": 6379},
    "replicas": [{"address": "10.0.0.2", "linked": True}, {"address": "10.0.0.3", "linked": True}],
    "sentinels": [{"address": f"10.0.1.{n}", "agrees": True} for n in (1, 2, 3)],
}
HEALED = {
    **HEALTHY_TOPOLOGY,
    "healthy": False,
    "message": "replica 10.0.0.3:6379 is not linked yet",
    "actions": [{"kind": "replicate"}],
    "events": [{"type": "Normal", "reason": "Replicate", "message": "10.0.0.3:6379 replicates 10.0.0.1:6379"}],
}
WHOLE = {
    "size": 3,
    "sentinels": 3,
    "redis_pods": 3,
    "sentinel_pods": 3,
    "ready_redis": 3,
    "ready_sentinels": 3,
    "was_healthy": True,
    "topology": HEALTHY_TOPOLOGY,
}
READY_3_3 = "3/3 Redis and 3/3 Sentinels ready"


def facts(**changes) -> ReconcileFacts:
    return ReconcileFacts(**{**WHOLE, **changes})


def event(kind: str, reason: str, message: str) -> dict:
    return {"type": kind, "reason": reason, "message": message}


@pytest.mark.parametrize(
    ("found", "condition", "events"),
    [
        pytest.param(facts(), ("Healthy", "Cluster available", "Cluster ok"), [], id="healthy-nothing-new"),
        pytest.param(
            facts(
                was_healthy=False,
                created=True,
                redis_pods=0,
                sentinel_pods=0,
                ready_redis=0,
                ready_sentinels=0,
                topology=None,
            ),
            ("Creating", "Bootstrap redis cluster", "0/3 Redis and 0/3 Sentinels ready"),
            [event("Normal", "Creating", "Bootstrap redis cluster")],
            id="created-now",
        ),
        pytest.param(
            facts(was_healthy=False, ready_sentinels=2),
            ("Creating", "Bootstrap redis cluster", "3/3 Redis and 2/3 Sentinels ready"),
            [],
            id="never-healthy-not-whole",
        ),
        pytest.param(
            facts(was_healthy=False),
            ("Healthy", "Cluster available", "Cluster ok"),
            [],
            id="first-time-whole",
        ),
        pytest.param(
            facts(size=5, changed_objects=("StatefulSet/redis-cluster-test",)),
            ("Scaling", "Scaling up", "3/5 Redis and 3/3 Sentinels ready"),
            [event("Normal", "Ensure", "Applied StatefulSet/redis-cluster-test")],
            id="scaling-up",
        ),
        pytest.param(
            facts(sentinels=2, ready_sentinels=3),
            ("Scaling", "Scaling down", "3/3 Redis and 3/2 Sentinels ready"),
            [],
            id="scaling-down",
        ),
        pytest.param(
            facts(rolling=True, ready_redis=2),
            ("Updating", "Rolling update", "2/3 Redis and 3/3 Sentinels ready"),
            [],
            id="rolling-update",
        ),
        pytest.param(
            facts(topology=HEALED),
            ("Recovering", "Healing", "replica 10.0.0.3:6379 is not linked yet"),
            [
                event("Normal", "CheckAndHeal", "replica 10.0.0.3:6379 is not linked yet"),
                event("Normal", "Replicate", "10.0.0.3:6379 replicates 10.0.0.1:6379"),
            ],
            id="recovering-all-ready",
        ),
        pytest.param(
            facts(ready_redis=2, topology={**HEALTHY_TOPOLOGY, "healthy": False, "message": "no master"}),
            ("Recovering", "Healing", "2/3 Redis and 3/3 Sentinels ready; no master"),
            [],
            id="recovering-a-pod-not-ready",
        ),
        pytest.param(
            facts(ready_sentinels=2),
            ("Recovering", "Healing", f"3/3 Redis and 2/3 Sentinels ready; {HEALTHY_TOPOLOGY['message']}"),
            [],
            id="recovering-the-healer-agrees-but-a-sentinel-is-not-ready",
        ),
        pytest.param(
            facts(topology={"healthy": False, "failed": True, "message": "Heal failed: timeout", "events": []}),
            ("Failed", "Heal failed", "Heal failed: timeout"),
            [event("Warning", "CheckAndHeal", "Heal failed: timeout")],
            id="heal-failed",
        ),
        pytest.param(
            facts(failure="Invalid spec: size must be odd", topology=None),
            ("Failed", "Invalid spec", "Invalid spec: size must be odd"),
            [event("Warning", "InvalidSpec", "Invalid spec: size must be odd")],
            id="invalid-spec",
        ),
        pytest.param(
            facts(failure="config: maxmemory: bad value", failure_reason="Config rejected", created=True),
            ("Failed", "Config rejected", "config: maxmemory: bad value"),
            [event("Warning", "InvalidSpec", "config: maxmemory: bad value")],
            id="config-rejected-reports-nothing-else",
        ),
        pytest.param(
            facts(config_changed_nodes=3, config_changed_keys=("hz", "maxmemory")),
            ("Healthy", "Cluster available", "Cluster ok"),
            [event("Normal", "Updating", "CONFIG SET hz, maxmemory on 3 nodes")],
            id="live-config",
        ),
    ],
)
def test_the_condition_and_events_of_each_situation(found, condition, events):
    decided = outcome(found)
    assert (decided.condition["type"], decided.condition["reason"], decided.condition["message"]) == condition
    assert decided.condition["status"] == "True"
    assert decided.events == events


def test_the_fields_name_the_master_and_count_the_members():
    decided = outcome(facts(master_pod="redis-cluster-test-0", sentinel_service_ip="10.96.0.40", generation=4))
    assert decided.fields == {
        "master": "redis-cluster-test-0",
        "masterIP": "10.0.0.1",
        "sentinelIP": "10.96.0.40",
        "masterCount": 1,
        "replicaCount": 2,
        "sentinelCount": 3,
        "observedGeneration": 4,
        "failedReconciles": 0,
    }


def test_only_linked_replicas_and_agreeing_sentinels_count():
    topology = {
        **HEALTHY_TOPOLOGY,
        "healthy": False,
        "replicas": [{"address": "10.0.0.2", "linked": True}, {"address": "10.0.0.3", "linked": False}],
        "sentinels": [{"address": "10.0.1.1", "agrees": True}, {"address": "10.0.1.2"}, {"address": "10.0.1.3"}],
    }
    fields = outcome(facts(topology=topology)).fields
    assert (fields["replicaCount"], fields["sentinelCount"]) == (1, 1)


@pytest.mark.parametrize(
    ("found", "failed_reconciles"),
    [
        pytest.param(facts(failed_before=2), 0, id="a reconcile that did not fail starts the count again"),
        pytest.param(facts(failure="maxmemory refused", failed_before=0), 1, id="the first failure"),
        pytest.param(facts(failure="maxmemory refused", failed_before=2), 3, id="one more in a row"),
        pytest.param(
            facts(topology={**HEALTHY_TOPOLOGY, "healthy": False, "failed": True}, failed_before=4),
            5,
            id="a heal that failed",
        ),
    ],
)
def test_failed_reconciles_count_the_failed_ones_in_a_row(found, failed_reconciles):
    assert outcome(found).fields["failedReconciles"] == failed_reconciles


@pytest.mark.parametrize(
    ("status", "failed_before"),
    [({"failedReconciles": 2}, 2), ({}, 0), ({"failedReconciles": "2"}, 0), ({"failedReconciles": True}, 0)],
)
def test_the_count_continues_from_the_status_the_reconcile_started_from(status, failed_before):
    found = {"spec": {"size": 3, "sentinel": {"replicas": 3}}, "cluster": {"status": status}}
    assert facts_from_reconcile(found).failed_before == failed_before


def test_without_a_healer_run_the_counts_keep_their_current_values():
    fields = outcome(facts(topology=None)).fields
    assert (fields["masterCount"], fields["replicaCount"], fields["sentinelCount"], fields["masterIP"]) == (None,) * 4


def test_a_healer_run_without_a_master_counts_none():
    fields = outcome(facts(topology={**HEALTHY_TOPOLOGY, "healthy": False, "master": None, "replicas": []})).fields
    assert (fields["masterCount"], fields["replicaCount"]) == (0, 0)


@st.composite
def situations(draw) -> ReconcileFacts:
    """Pod and readiness counts at, just below or just above what the spec asks, so that the near misses come up."""
    size, sentinels = draw(st.integers(1, 7)), draw(st.integers(1, 7))

    def near(wanted: int) -> int:
        return draw(st.sampled_from([wanted, wanted, wanted - 1, wanted + 1]))

    return ReconcileFacts(
        size=size,
        sentinels=sentinels,
        redis_pods=near(size),
        sentinel_pods=near(sentinels),
        ready_redis=near(size),
        ready_sentinels=near(sentinels),
        was_healthy=draw(st.booleans()),
        rolling=draw(st.booleans()),
        topology=draw(st.sampled_from([HEALTHY_TOPOLOGY, HEALED])),
    )


SITUATIONS = situations()


@given(found=SITUATIONS)
def test_healthy_only_when_whole_and_the_healer_agrees(found):
    counts = (found.redis_pods, found.sentinel_pods, found.ready_redis, found.ready_sentinels)
    whole = counts == (found.size, found.sentinels, found.size, found.sentinels)
    healthy = whole and found.topology["healthy"] and not found.rolling
    assert (outcome(found).condition["type"] == "Healthy") == healthy


# The role's findings, as tasks/status.yml hands them over.
SPEC = {"size": 3, "sentinel": {"replicas": 3}}
PODS = [
    {"name": f"redis-cluster-test-{n}", "address": f"10.0.0.{n + 1}", "ready": n != 2, "role": ""} for n in range(3)
]
OBSERVED = {
    "redis_pods": PODS,
    "sentinel_pods": [{"name": f"redis-sentinel-test-{n}", "ready": True} for n in range(3)],
    "redis_pod_count": 3,
    "sentinel_pod_count": 3,
}
HEALTHY_CLUSTER = {"metadata": {"generation": 7}, "status": {"conditions": [{"type": "Healthy", "status": "True"}]}}


def test_the_role_findings_become_facts():
    found = facts_from_reconcile(
        {
            "spec": SPEC,
            "cluster": HEALTHY_CLUSTER,
            "observed": OBSERVED,
            "apply_results": [
                {"method": "patch", "changed": True, "result": {"kind": "ConfigMap", "metadata": {"name": "c"}}},
                {"method": "patch", "changed": False, "result": {"kind": "Service", "metadata": {"name": "s"}}},
            ],
            "applied_objects": [
                {"kind": "Service", "metadata": {"name": "redis-sentinel-test"}, "spec": {"clusterIP": "10.96.0.9"}},
                {"kind": "Service", "metadata": {"name": "other"}, "spec": {"clusterIP": "10.96.0.1"}},
            ],
            "sentinel_service": "redis-sentinel-test",
            "outdated_pods": ["redis-cluster-test-1"],
            "topology": HEALTHY_TOPOLOGY,
            "live_config": {"nodes": [{"changed": {"hz": "11"}}, {"changed": {}}, {"changed": {"hz": "11"}}]},
            "failure": None,
            "failure_reason": None,
        }
    )
    assert found == ReconcileFacts(
        size=3,
        sentinels=3,
        redis_pods=3,
        sentinel_pods=3,
        ready_redis=2,
        ready_sentinels=3,
        was_healthy=True,
        created=False,
        changed_objects=("ConfigMap/c",),
        rolling=True,
        topology=HEALTHY_TOPOLOGY,
        config_changed_nodes=2,
        config_changed_keys=("hz",),
        master_pod="redis-cluster-test-0",
        sentinel_service_ip="10.96.0.9",
        generation=7,
    )


def test_a_reconcile_that_stopped_early_has_only_the_spec_the_cluster_and_the_failure():
    found = facts_from_reconcile({"spec": SPEC, "cluster": {}, "failure": "Invalid spec: x", "failure_reason": None})
    decided = outcome(found)
    assert decided.condition["type"] == "Failed"
    assert decided.fields == {**dict.fromkeys(decided.fields), "failedReconciles": 1}  # all else unknown


def test_a_skipped_heal_is_no_topology():
    """Ansible registers a skipped task's result: the healer that did not run must not count as one that did."""
    found = facts_from_reconcile({"spec": SPEC, "topology": {"skipped": True, "changed": False}})
    assert found.topology is None
    assert outcome(found).condition["message"] == "0/3 Redis and 0/3 Sentinels ready"


def test_the_statefulset_created_now_is_a_creation():
    created = {"method": "create", "changed": True, "result": {"kind": "StatefulSet", "metadata": {"name": "r"}}}
    assert facts_from_reconcile({"spec": SPEC, "apply_results": [created]}).created


def test_without_a_master_no_pod_is_named_master():
    """A pod without an address yet must not match a master that has none either."""
    pods = [{"name": "redis-cluster-test-0", "ready": False}, *PODS[1:]]
    for topology in ({**HEALTHY_TOPOLOGY, "master": None}, None):
        found = facts_from_reconcile({"spec": SPEC, "observed": {**OBSERVED, "redis_pods": pods}, "topology": topology})
        assert found.master_pod is None
