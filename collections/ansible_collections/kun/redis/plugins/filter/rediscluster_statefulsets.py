# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rediscluster_wake_patches: the patches that wake a StatefulSet controller waiting out a backoff.

A RedisCluster deleted and applied again at once (a CI pipeline's habit) gets new StatefulSets while the old ones'
pods still terminate. The StatefulSet controller cannot create pod N while the old pod N exists, backs off
exponentially, and the old pod's end wakes nothing: it belonged to the old StatefulSet. Any change of the StatefulSet
object puts it back in the controller's queue at once. So when a StatefulSet counts fewer pods than it wants while
some of its pod names are free (fewer pods of those names exist, whoever owns them), its `redis.kun/missing-pods`
annotation is set to what is missing. The value changes only with what is missing, so a StatefulSet that stays short
for another reason (a quota, a pod that cannot be scheduled) is patched once, not every reconcile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

MISSING_PODS_ANNOTATION = "redis.kun/missing-pods"


def wake_patches(statefulsets: Sequence[Mapping], pod_counts: Mapping[str, int], namespace: str) -> list[dict]:
    """Merge patches of the `statefulsets` (as applied or observed, with their status) to wake. `pod_counts` has
    the number of pods named `<statefulset>-<ordinal>` of each, in any state and of any owner."""
    patches = []
    for statefulset in statefulsets:
        metadata = statefulset["metadata"]
        wanted = (statefulset.get("spec") or {}).get("replicas", 1)
        counted = (statefulset.get("status") or {}).get("replicas", 0)
        present = pod_counts.get(metadata["name"], 0)
        missing = f"{wanted - present} of {wanted}"
        if (
            counted >= wanted
            or present >= wanted
            or (metadata.get("annotations") or {}).get(MISSING_PODS_ANNOTATION) == missing
        ):
            continue
        patches.append(
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": {
                    "name": metadata["name"],
                    "namespace": namespace,
                    "annotations": {MISSING_PODS_ANNOTATION: missing},
                },
            }
        )
    return patches


class FilterModule:
    """rediscluster_wake_patches (see wake_patches)."""

    def filters(self) -> dict:
        return {"rediscluster_wake_patches": wake_patches}
