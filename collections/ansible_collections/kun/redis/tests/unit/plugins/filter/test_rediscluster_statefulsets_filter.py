"""The StatefulSets woken after a RedisCluster was deleted and applied again: only one that counts fewer pods than it
wants while some of its pod names are free, and once per shortfall."""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.filter.rediscluster_statefulsets import (
    MISSING_PODS_ANNOTATION,
    FilterModule,
    wake_patches,
)

NAME = "redis-cluster-test"


def statefulset(wanted: int = 3, counted: int = 0, annotation: str | None = None) -> dict:
    annotations = {MISSING_PODS_ANNOTATION: annotation} if annotation else {}
    return {
        "metadata": {"name": NAME, "annotations": annotations},
        "spec": {"replicas": wanted},
        "status": {"replicas": counted},
    }


@pytest.mark.parametrize(
    ("live", "present", "woken"),
    [
        (statefulset(counted=0), 0, "3 of 3"),  # the old pods are gone, the new StatefulSet made none yet
        (statefulset(counted=1), 1, "2 of 3"),
        (statefulset(counted=0), 3, None),  # the old pods still hold every name: nothing can be created yet
        (statefulset(counted=3), 3, None),  # whole
        (statefulset(counted=2), 3, None),  # a pod of its own is being replaced: the controller is on it
        (statefulset(counted=0, annotation="3 of 3"), 0, None),  # already woken for this shortfall
        (statefulset(counted=1, annotation="3 of 3"), 1, "2 of 3"),  # a new shortfall
        (statefulset(wanted=0), 0, None),  # scaled to nothing
    ],
)
def test_a_short_statefulset_with_free_pod_names_is_woken_once_per_shortfall(live, present, woken):
    patches = wake_patches([live], {NAME: present}, "team-a")
    expected = (
        [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": {"name": NAME, "namespace": "team-a", "annotations": {MISSING_PODS_ANNOTATION: woken}},
            }
        ]
        if woken
        else []
    )
    assert patches == expected


def test_the_filter_is_exposed_under_its_name():
    assert FilterModule().filters()["rediscluster_wake_patches"] is wake_patches
