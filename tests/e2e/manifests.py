"""RedisCluster manifests for scenarios the reference examples do not cover, in the reference's style."""

from __future__ import annotations

import yaml

# ansible-operator's per-resource override of watches.yaml's reconcilePeriod (minutes there).
RECONCILE_PERIOD = "ansible.sdk.operatorframework.io/reconcile-period"


def rediscluster(name: str = "test", cluster_scoped: bool = True, reconcile_period: str | None = None, **spec) -> str:
    """A cluster-scoped RedisCluster (served by the session's cluster-wide operator), or with `cluster_scoped=False`
    one for a namespaced operator, with the given spec; `reconcile_period` (for example "10s") shortens its periodic
    reconcile, for a test of what only that safety net sets right."""
    annotations = {"redis.kun/scope": "cluster-scoped"} if cluster_scoped else {}
    if reconcile_period:
        annotations[RECONCILE_PERIOD] = reconcile_period
    return yaml.safe_dump(
        {
            "apiVersion": "redis.kun/v1beta1",
            "kind": "RedisCluster",
            "metadata": {"name": name, "annotations": annotations},
            "spec": {"size": 3, **spec},
        }
    )


def persistent(keep_after_deletion: bool) -> dict:
    """The `storage` of a cluster whose data lives in claims of the default StorageClass."""
    return {
        "keepAfterDeletion": keep_after_deletion,
        "persistentVolumeClaim": {
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "100Mi"}}},
        },
    }
