"""The variables handed to the role are ansible-operator's, with the spec left exactly as written."""

import pytest

from watchrunner.variables import extra_vars
from watchrunner.watches import Watch

pytestmark = pytest.mark.unit

WATCH = Watch(group="redis.kun", version="v1beta1", kind="RedisCluster", role="rediscluster", vars={"size": 99, "a": 1})
RESOURCE = {
    "apiVersion": "redis.kun/v1beta1",
    "kind": "RedisCluster",
    "metadata": {"name": "test", "namespace": "default"},
    "spec": {"size": 3, "config": {"maxmemory-policy": "allkeys-lru"}, "storage": {"keepAfterDeletion": True}},
}


def test_spec_keys_are_top_level_and_unrenamed():
    variables = extra_vars(WATCH, RESOURCE)
    assert variables["config"] == {"maxmemory-policy": "allkeys-lru"}
    assert variables["storage"] == {"keepAfterDeletion": True}


def test_the_resource_wins_over_watch_vars_and_meta_is_set():
    variables = extra_vars(WATCH, RESOURCE, {"state": "absent"})
    assert variables["size"] == 3
    assert variables["a"] == 1
    assert variables["state"] == "absent"
    assert variables["ansible_operator_meta"] == {"name": "test", "namespace": "default"}
    assert variables["_redis_kun_rediscluster"] is RESOURCE
    assert variables["_redis_kun_rediscluster_spec"] == RESOURCE["spec"]


def test_a_resource_without_spec_gets_an_empty_one():
    variables = extra_vars(WATCH, {"metadata": {"name": "x", "namespace": "y"}})
    assert variables["_redis_kun_rediscluster_spec"] == {}
