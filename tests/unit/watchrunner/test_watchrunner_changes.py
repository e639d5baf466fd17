"""Which watch events start a reconcile: spec changes and deletions do, status updates never do."""

import copy

import pytest

from watchrunner.changes import dependent_needs_reconcile, owners, primary_needs_reconcile

pytestmark = pytest.mark.unit

CR = {
    "metadata": {"name": "test", "namespace": "ns", "generation": 1, "resourceVersion": "10", "annotations": {}},
    "spec": {"size": 3},
    "status": {"status": "Creating"},
}


def changed(obj, path, value):
    new = copy.deepcopy(obj)
    target = new
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return new


@pytest.mark.parametrize(
    ("new", "watch_annotations", "expected"),
    [
        (changed(CR, ["status", "status"], "Healthy"), False, False),
        (changed(CR, ["metadata", "resourceVersion"], "11"), False, False),
        (changed(CR, ["metadata", "generation"], 2), False, True),
        (changed(CR, ["metadata", "deletionTimestamp"], "2026-01-01T00:00:00Z"), False, True),
        (changed(CR, ["metadata", "finalizers"], ["x"]), False, True),
        (changed(CR, ["metadata", "annotations"], {"a": "b"}), False, False),
        (changed(CR, ["metadata", "annotations"], {"a": "b"}), True, True),
    ],
)
def test_primary_events(new, watch_annotations, expected):
    assert primary_needs_reconcile(new, CR, watch_annotations) is expected


def test_a_new_primary_is_reconciled():
    assert primary_needs_reconcile(CR, None, False)


STS = {
    "kind": "StatefulSet",
    "metadata": {
        "name": "redis-cluster-test",
        "namespace": "ns",
        "resourceVersion": "5",
        "ownerReferences": [
            {"apiVersion": "redis.kun/v1beta1", "kind": "RedisCluster", "name": "test"},
            {"apiVersion": "v1", "kind": "Other", "name": "nope"},
        ],
    },
    "spec": {"replicas": 3},
    "status": {"readyReplicas": 1},
}


@pytest.mark.parametrize(
    ("event", "new", "old", "expected"),
    [
        ("DELETED", STS, STS, True),
        ("ADDED", STS, None, False),
        ("MODIFIED", changed(STS, ["status", "readyReplicas"], 3), STS, False),
        ("MODIFIED", changed(STS, ["metadata", "resourceVersion"], "6"), STS, False),
        ("MODIFIED", changed(STS, ["spec", "replicas"], 1), STS, True),
        ("MODIFIED", changed(STS, ["metadata", "labels"], {"x": "y"}), STS, True),
        ("MODIFIED", changed(STS, ["data"], {"redis.conf": "x"}), STS, True),
    ],
)
def test_dependent_events(event, new, old, expected):
    assert dependent_needs_reconcile(event, new, old) is expected


def test_only_owners_of_the_watched_kind_count():
    assert owners(STS, "redis.kun/v1beta1", "RedisCluster") == ["test"]
    assert owners(STS, "redis.kun/v1", "RedisCluster") == []
    assert owners({"metadata": {}}, "redis.kun/v1beta1", "RedisCluster") == []
