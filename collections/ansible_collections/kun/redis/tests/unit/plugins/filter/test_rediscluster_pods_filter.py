"""The filters that patch the Redis pods' role labels and the data claims' owner references in one task: only the
pods and claims that differ get a patch, and each patch says exactly what they should have."""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.filter.rediscluster_pods import (
    FilterModule,
    claim_owner_patches,
    role_patches,
)
from hypothesis import given
from hypothesis import strategies as st

LABEL = "redis.kun/role"
NAMESPACE = "team-a"
OWNER = {
    "apiVersion": "redis.kun/v1beta1",
    "kind": "RedisCluster",
    "name": "test",
    "uid": "u-test",
    "controller": True,
    "blockOwnerDeletion": True,
}
OTHER_OWNER = {"apiVersion": "v1", "kind": "ConfigMap", "name": "backup-policy", "uid": "u-other"}


def pod(ordinal: int, role: str = "") -> dict:
    name = f"redis-cluster-test-{ordinal}"
    return {
        "name": name,
        "hostname": f"{name}.redis-cluster-test.{NAMESPACE}.svc",
        "address": f"10.0.0.{ordinal}",
        "role": role,
    }


def master_of(ordinal: int, *, by: str = "hostname") -> dict:
    chosen = pod(ordinal)
    return {"hostname": chosen["hostname"]} if by == "hostname" else {"address": chosen["address"]}


def labels(patches: list[dict]) -> dict[str, str]:
    return {patch["metadata"]["name"]: patch["metadata"]["labels"][LABEL] for patch in patches}


def test_the_filters_are_registered():
    assert FilterModule().filters() == {
        "rediscluster_role_patches": role_patches,
        "rediscluster_claim_owner_patches": claim_owner_patches,
    }


def test_unlabelled_pods_get_their_roles_in_patches_of_pods():
    patches = role_patches([pod(0), pod(1), pod(2)], master_of(1), LABEL, NAMESPACE)
    assert labels(patches) == {
        "redis-cluster-test-0": "replica",
        "redis-cluster-test-1": "master",
        "redis-cluster-test-2": "replica",
    }
    assert all(p["apiVersion"] == "v1" and p["kind"] == "Pod" for p in patches)
    assert {p["metadata"]["namespace"] for p in patches} == {NAMESPACE}


def test_after_a_failover_only_the_old_and_the_new_master_are_patched():
    pods = [pod(0, "master"), pod(1, "replica"), pod(2, "replica")]
    assert labels(role_patches(pods, master_of(2, by="address"), LABEL, NAMESPACE)) == {
        "redis-cluster-test-0": "replica",
        "redis-cluster-test-2": "master",
    }


def test_pods_labelled_as_they_are_need_no_patch():
    pods = [pod(0, "master"), pod(1, "replica"), pod(2, "replica")]
    assert role_patches(pods, master_of(0), LABEL, NAMESPACE) == []


@pytest.mark.parametrize("master", [None, {}])
def test_without_a_master_no_pod_is_patched(master):
    assert role_patches([pod(0), pod(1, "master")], master, LABEL, NAMESPACE) == []


@given(roles=st.lists(st.sampled_from(["", "master", "replica", "other"]), min_size=1, max_size=5), data=st.data())
def test_after_the_patches_exactly_one_pod_is_master(roles, data):
    pods = [pod(ordinal, role) for ordinal, role in enumerate(roles)]
    chosen = data.draw(st.integers(0, len(pods) - 1))
    patched = {
        **{p["name"]: p["role"] for p in pods},
        **labels(role_patches(pods, master_of(chosen), LABEL, NAMESPACE)),
    }
    assert patched == {p["name"]: "master" if p is pods[chosen] else "replica" for p in pods}


def claim(ordinal: int, owners: list[dict]) -> dict:
    return {"name": f"data-redis-cluster-test-{ordinal}", "owner_references": owners}


def owners(patch: dict) -> list[dict]:
    return patch["metadata"]["ownerReferences"]


def test_claims_without_owner_get_the_redis_cluster_as_a_plain_owner():
    patches = claim_owner_patches([claim(0, []), claim(1, [])], [OWNER], False, NAMESPACE)
    assert [p["metadata"]["name"] for p in patches] == ["data-redis-cluster-test-0", "data-redis-cluster-test-1"]
    assert all(owners(p) == [{**OWNER, "controller": False}] for p in patches)
    assert all(p["kind"] == "PersistentVolumeClaim" and p["metadata"]["namespace"] == NAMESPACE for p in patches)


def test_kept_claims_lose_the_redis_cluster_and_keep_other_owners():
    (patch,) = claim_owner_patches([claim(0, [OTHER_OWNER, {**OWNER, "controller": False}])], [OWNER], True, NAMESPACE)
    assert owners(patch) == [OTHER_OWNER]


def test_a_claim_of_an_earlier_redis_cluster_of_the_same_name_gets_the_new_one():
    earlier = {**OWNER, "uid": "u-earlier", "controller": False}
    (patch,) = claim_owner_patches([claim(0, [earlier])], [OWNER], False, NAMESPACE)
    assert [owner["uid"] for owner in owners(patch)] == ["u-test"]


@pytest.mark.parametrize(
    ("current", "keep"),
    [
        pytest.param([{**OWNER, "controller": False}], False, id="owned"),
        pytest.param([OTHER_OWNER, {**OWNER, "controller": False}], False, id="owned-beside-another-owner"),
        pytest.param([], True, id="kept"),
        pytest.param([OTHER_OWNER], True, id="kept-with-another-owner"),
    ],
)
def test_claims_that_follow_keep_after_deletion_need_no_patch(current, keep):
    assert claim_owner_patches([claim(0, current)], [OWNER], keep, NAMESPACE) == []
