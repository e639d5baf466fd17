"""With persistent claims, deleting every Redis pod at once loses no acknowledged write.

Scenario: a cluster whose data lives in claims becomes Healthy; keys are written through Sentinel discovery and
acknowledged by a replica; all Redis pods are deleted at once; the cluster becomes Healthy again with every key on
every node (no node came back as an empty master that the others then copied).
"""

from __future__ import annotations

import pytest

from tests.e2e.data import missing_keys, write_keys
from tests.e2e.kube import INSTANCE
from tests.e2e.manifests import persistent, rediscluster
from tests.e2e.rediscluster import apply_manifest, wait_healthy

pytestmark = pytest.mark.e2e


def test_every_redis_pod_deleted_at_once_keeps_every_key(kube, cluster_operator, namespace):
    apply_manifest(kube, rediscluster(storage=persistent(keep_after_deletion=False)), namespace)
    view = wait_healthy(kube, namespace, "test")
    write_keys(view, "durable")

    kube.kubectl("delete", "pod", "-n", namespace, "-l", f"app.kubernetes.io/component=redis,{INSTANCE}")
    view = wait_healthy(kube, namespace, "test")
    assert missing_keys(view, "durable") == {}
