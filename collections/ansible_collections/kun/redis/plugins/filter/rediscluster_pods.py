# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn what the reconcile found about the Redis pods into the patches they need, so that one
kun.redis.kube_merge_patch task patches them all (one request per object, in the controller's process).

- rediscluster_role_patches: the role label the master and replicas Services select on, for the pods whose label
  differs from the role the healer reports.
- rediscluster_claim_owner_patches: the owner references of the data volume claims, for the claims whose references
  differ from what storage.keepAfterDeletion asks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

MASTER, REPLICA = "master", "replica"


def _patch(kind: str, name: str, namespace: str, metadata: Mapping) -> dict:
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": namespace, **metadata}}


def role_patches(pods: Sequence[Mapping], master: Mapping | None, role_label: str, namespace: str) -> list[dict]:
    """Patches of the pods (as rediscluster_observe lists them) whose `role_label` is not their role: `master` for
    the pod the healer's `master` names (by hostname or address), `replica` for the others. None without a master:
    no pod's role is known then."""
    if not master:
        return []
    patches = []
    for pod in pods:
        is_master = pod.get("hostname") == master.get("hostname") or pod.get("address") == master.get("address")
        role = MASTER if is_master else REPLICA
        if pod.get("role") != role:
            patches.append(_patch("Pod", pod["name"], namespace, {"labels": {role_label: role}}))
    return patches


def claim_owner_patches(
    claims: Sequence[Mapping], owner_references: Sequence[Mapping], keep_after_deletion: bool, namespace: str
) -> list[dict]:
    """Patches of the claims (as rediscluster_observe lists them) whose owner references do not follow
    keepAfterDeletion: the RedisCluster's `owner_references` as plain owners (not controllers: the StatefulSet
    controller leaves claims with a foreign controller alone) unless the claims are kept, every other owner as it
    is. The list replaces the claim's whole list (a merge patch), so that a reference can be removed."""
    owners = [] if keep_after_deletion else [{**owner, "controller": False} for owner in owner_references]
    patches = []
    for claim in claims:
        current = claim.get("owner_references") or []
        desired = [owner for owner in current if owner.get("kind") != "RedisCluster"] + owners
        if [owner.get("uid") for owner in current] != [owner.get("uid") for owner in desired]:
            patches.append(_patch("PersistentVolumeClaim", claim["name"], namespace, {"ownerReferences": desired}))
    return patches


class FilterModule:
    """rediscluster_role_patches (see role_patches) and rediscluster_claim_owner_patches (see claim_owner_patches)."""

    def filters(self) -> dict:
        return {
            "rediscluster_role_patches": role_patches,
            "rediscluster_claim_owner_patches": claim_owner_patches,
        }
