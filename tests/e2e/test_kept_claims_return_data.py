"""storage.keepAfterDeletion decides whether the data claims outlive their RedisCluster.

Scenario: with keepAfterDeletion: true, a cluster holding keys is deleted: its claims stay, and a new RedisCluster
of the same name finds every key again. With keepAfterDeletion: false, deleting the cluster deletes its claims.
"""

from __future__ import annotations

import pytest

from tests.e2e.data import missing_keys, write_keys
from tests.e2e.kube import wait_for
from tests.e2e.manifests import persistent, rediscluster
from tests.e2e.rediscluster import apply_manifest, delete_cluster, wait_healthy

pytestmark = pytest.mark.e2e

CLAIMS = [f"data-redis-cluster-test-{n}" for n in range(3)]


def claim_names(kube, namespace: str) -> list[str]:
    return sorted(claim.metadata.name for claim in kube.claims(namespace) if not claim.metadata.deletion_timestamp)


def test_kept_claims_give_a_new_cluster_of_the_same_name_its_data(kube, cluster_operator, namespace):
    manifest = rediscluster(storage=persistent(keep_after_deletion=True))
    apply_manifest(kube, manifest, namespace)
    write_keys(wait_healthy(kube, namespace, "test"), "kept")

    delete_cluster(kube, namespace, "test")
    assert claim_names(kube, namespace) == CLAIMS

    apply_manifest(kube, manifest, namespace)
    assert missing_keys(wait_healthy(kube, namespace, "test"), "kept") == {}


def test_claims_go_with_the_cluster_unless_kept(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(storage=persistent(keep_after_deletion=False)), namespace)
    wait_healthy(kube, namespace, "test")
    wait_for(
        lambda: all(claim.metadata.owner_references for claim in kube.claims(namespace)),
        60,
        "the operator to make the RedisCluster own the claims",
    )

    delete_cluster(kube, namespace, "test")
    wait_for(lambda: claim_names(kube, namespace) == [], 120, "the claims to be deleted with the cluster")
