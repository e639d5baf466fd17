"""rediscluster_metrics: gauge names after their RedisCluster, and the API requests that reach each target value,
0 included (ansible-operator's API treats `set: 0` as no value)."""

import re

import pytest
from ansible_collections.kun.redis.plugins.action.rediscluster_metrics import (
    ARGUMENT_SPEC,
    HELP,
    held_values,
    metric_name,
    updates,
)
from ansible_collections.kun.redis.tests.unit.plugins.action import action_docs
from hypothesis import given
from hypothesis import strategies as st

NAME = "rediscluster_healthy_ns_a"
TEXTS = {NAME: "help"}


def test_names_carry_the_namespace_and_name_in_characters_metric_names_allow():
    assert metric_name("rediscluster_healthy", "team-a", "cache.v2") == "rediscluster_healthy_team_a_cache_v2"


@given(
    st.from_regex(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", fullmatch=True),
    st.from_regex(r"[a-z0-9][-.a-z0-9]*", fullmatch=True),
)
def test_every_kubernetes_name_gives_a_valid_metric_name(namespace, name):
    assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", metric_name("rediscluster_healthy", namespace, name))


@pytest.mark.parametrize(
    ("target", "held", "change"),
    [
        (1.0, {}, {"set": 1.0}),
        (3.0, {NAME: 1.0}, {"set": 3.0}),
        (0.0, {NAME: 1.0}, {"subtract": 1.0}),
        (0.0, {NAME: -2.0}, {"subtract": -2.0}),
        (0.0, {}, {"add": 0}),
        (0.0, {NAME: 0.0}, None),
    ],
)
def test_each_target_is_reached_from_what_the_gauge_holds(target, held, change):
    expected = [{"name": NAME, "description": "help", "gauge": change}] if change else []
    assert updates({NAME: target}, held, TEXTS) == expected


@given(st.floats(-1e6, 1e6), st.one_of(st.none(), st.floats(-1e6, 1e6)))
def test_the_gauge_ends_at_its_target(target, held):
    """Replays ansible-operator's handling of each request (internal/ansible/metrics/metrics.go)."""
    value = held or 0.0
    for request in updates({NAME: target}, {} if held is None else {NAME: held}, TEXTS):
        gauge = request["gauge"]
        if gauge.get("add"):
            value += gauge["add"]
        elif gauge.get("subtract"):
            value -= gauge["subtract"]
        elif gauge.get("set"):
            value = gauge["set"]
    assert value == target


def test_held_values_are_the_unlabelled_samples():
    exposition = f'# HELP {NAME} help\n# TYPE {NAME} gauge\n{NAME} 1\nother{{GVK="x"}} 5\nreplicas_ns_a 2e+00\n'
    assert held_values(exposition) == {NAME: 1.0, "replicas_ns_a": 2.0}


def test_every_gauge_has_help():
    assert set(HELP) == {
        "rediscluster_healthy",
        "rediscluster_master_count",
        "rediscluster_replica_count",
        "rediscluster_sentinel_count",
    }


def test_documentation_and_argument_spec_agree():
    documented = action_docs.documented_options("rediscluster_metrics")
    assert action_docs.shape(documented) == action_docs.shape(ARGUMENT_SPEC)
