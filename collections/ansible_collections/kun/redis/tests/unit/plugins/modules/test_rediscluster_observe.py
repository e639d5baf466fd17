"""rediscluster_observe: which pods are members, in what order, with what the status and the rollout need; and the
module's documentation matches its options."""

from __future__ import annotations

import yaml
from ansible_collections.kun.redis.plugins.module_utils.kube.client import connection_argument_spec
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.members import claims, cluster_members
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.observe import argument_spec, label_selector
from ansible_collections.kun.redis.plugins.modules import rediscluster_observe
from hypothesis import given
from hypothesis import strategies as st

REDIS_DOMAIN = "redis-cluster-test.ns.svc.cluster.local"
SENTINEL_DOMAIN = "redis-sentinel-headless-test.ns.svc.cluster.local"
ROLE = "redis.kun/role"


def statefulset(name: str, domain: str, replicas: int, port: int) -> dict:
    """As the role gives it: the FQDNs of the ordinals the spec wants, and the port (vars/main.yml)."""
    return {"name": name, "hosts": [f"{name}-{ordinal}.{domain}" for ordinal in range(replicas)], "port": port}


REDIS = statefulset("redis-cluster-test", REDIS_DOMAIN, 3, 6379)
SENTINEL = statefulset("redis-sentinel-test", SENTINEL_DOMAIN, 3, 26379)


def pod(name: str, ip: str | None = "10.244.1.2", ready: bool = True, deleting: bool = False, **labels) -> dict:
    metadata = {"name": name, "labels": labels}
    if deleting:
        metadata["deletionTimestamp"] = "2026-11-22T06:00:00Z"
    status = {"conditions": [{"type": "Ready", "status": str(ready)}]}
    if ip:
        status["podIP"] = ip
    return {"metadata": metadata, "status": status}


def test_members_are_the_running_pods_within_the_spec_in_ordinal_order():
    pods = [
        pod("redis-cluster-test-2", "10.0.0.2"),
        pod("redis-cluster-test-0", "10.0.0.0", **{ROLE: "master", "controller-revision-hash": "r1"}),
        pod("redis-cluster-test-1", None),  # scheduled, no IP yet
        pod("redis-cluster-test-3", "10.0.0.3"),  # beyond the spec: being scaled away
        pod("redis-sentinel-test-0", "10.0.1.0", ready=False),
        pod("redis-sentinel-test-1", "10.0.1.1", deleting=True),
    ]
    members = cluster_members(pods, REDIS, SENTINEL, ROLE)
    domain = REDIS_DOMAIN
    assert members["redis_endpoints"] == [
        {"address": "10.0.0.0", "port": 6379, "hostname": f"redis-cluster-test-0.{domain}"},
        {"address": "10.0.0.2", "port": 6379, "hostname": f"redis-cluster-test-2.{domain}"},
    ]
    assert members["redis_pods"][0] == {
        "name": "redis-cluster-test-0",
        "hostname": "redis-cluster-test-0.redis-cluster-test.ns.svc.cluster.local",
        "address": "10.0.0.0",
        "ready": True,
        "role": "master",
        "revision": "r1",
    }
    assert (members["redis_pods"][1]["role"], members["redis_pods"][1]["revision"]) == ("", "")
    assert members["sentinel_endpoints"] == [
        {
            "address": "10.0.1.0",
            "port": 26379,
            "hostname": "redis-sentinel-test-0.redis-sentinel-headless-test.ns.svc.cluster.local",
        }
    ]
    assert [p["ready"] for p in members["sentinel_pods"]] == [False]
    # Counts include every pod of the StatefulSet: pending, beyond the spec, being deleted.
    assert (members["redis_pod_count"], members["sentinel_pod_count"]) == (4, 2)


def test_a_cluster_without_sentinels_has_no_sentinel_members_but_counts_leftover_pods():
    redis, sentinel = statefulset("redis-cluster-test", REDIS_DOMAIN, 1, 6379), SENTINEL | {"hosts": []}
    members = cluster_members([pod("redis-sentinel-test-0")], redis, sentinel, ROLE)
    assert (members["sentinel_endpoints"], members["sentinel_pods"], members["sentinel_pod_count"]) == ([], [], 1)


def test_pods_of_another_cluster_whose_name_extends_this_one_do_not_count():
    members = cluster_members([pod("redis-cluster-test-x-0"), pod("redis-cluster-testing-1")], REDIS, SENTINEL, ROLE)
    assert (members["redis_endpoints"], members["redis_pod_count"]) == ([], 0)


@given(st.sets(st.integers(0, 6)), st.integers(0, 6))
def test_members_are_exactly_the_running_ordinals_below_the_size(ordinals, size):
    pods = [pod(f"redis-cluster-test-{n}", f"10.0.0.{n}") for n in ordinals]
    members = cluster_members(pods, statefulset("redis-cluster-test", REDIS_DOMAIN, size, 6379), SENTINEL, ROLE)
    assert [m["address"] for m in members["redis_endpoints"]] == [f"10.0.0.{n}" for n in sorted(ordinals) if n < size]
    assert members["redis_pod_count"] == len(ordinals)


def test_members_listen_on_the_port_given():
    members = cluster_members([pod("redis-cluster-test-0", "10.0.0.0")], REDIS | {"port": 7000}, SENTINEL, ROLE)
    assert [m["port"] for m in members["redis_endpoints"]] == [7000]


def test_the_label_selector_matches_every_label():
    labels = {"app.kubernetes.io/part-of": "rediscluster", "app.kubernetes.io/instance": "test"}
    selector = label_selector(labels)
    assert selector == "app.kubernetes.io/instance=test,app.kubernetes.io/part-of=rediscluster"


def test_return_documents_every_key():
    module = rediscluster_observe
    assert set(yaml.safe_load(module.RETURN)) == {
        "redis_endpoints",
        "sentinel_endpoints",
        "redis_pods",
        "sentinel_pods",
        "redis_pod_count",
        "sentinel_pod_count",
        "redis_claims",
        "live_objects",
    }
    (example,) = yaml.safe_load(module.EXAMPLES)
    # The example, copied, runs: it gives every option but the connection's (which come from the environment).
    assert set(example["kun.redis.rediscluster_observe"]) == set(argument_spec()) - set(connection_argument_spec())


def test_claims_come_by_name_with_their_owner_references():
    owner = {"kind": "RedisCluster", "name": "test", "uid": "u1"}
    pvcs = [
        {"metadata": {"name": "redis-data-redis-cluster-test-1", "ownerReferences": [owner]}},
        {"metadata": {"name": "redis-data-redis-cluster-test-0"}},
    ]
    assert claims(pvcs) == [
        {"name": "redis-data-redis-cluster-test-0", "owner_references": []},
        {"name": "redis-data-redis-cluster-test-1", "owner_references": [owner]},
    ]
