"""Which operator serves a RedisCluster: WATCH_NAMESPACE read as ansible-operator reads it (one namespace, a
comma-separated list, or none: every namespace), and the scope annotation; as tables and properties."""

from __future__ import annotations

import pytest
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.scope import (
    CLUSTER_SCOPED,
    NAMESPACE_SCOPED,
    operator_scope,
    requested_scope,
    watched_namespaces,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("watch_namespace", "namespaces", "scope"),
    [
        ("", (), CLUSTER_SCOPED),
        (None, (), CLUSTER_SCOPED),
        ("team-a", ("team-a",), NAMESPACE_SCOPED),
        ("team-a,team-b", ("team-a", "team-b"), NAMESPACE_SCOPED),
        (" team-a , team-b ", ("team-a", "team-b"), NAMESPACE_SCOPED),  # trimmed, as ansible-operator trims
        ("team-a,,team-b,", ("team-a", "team-b"), NAMESPACE_SCOPED),  # empty names dropped
        ("team-a,team-a", ("team-a",), NAMESPACE_SCOPED),
        (" , ", (), CLUSTER_SCOPED),  # no name: ansible-operator watches every namespace
    ],
)
def test_watch_namespace_as_ansible_operator_reads_it(watch_namespace, namespaces, scope):
    assert watched_namespaces(watch_namespace) == namespaces
    assert operator_scope(watch_namespace) == scope


@pytest.mark.parametrize(
    ("annotations", "scope"),
    [
        (None, NAMESPACE_SCOPED),
        ({}, NAMESPACE_SCOPED),
        ({"redis.kun/scope": "cluster-scoped"}, CLUSTER_SCOPED),
        ({"redis.kun/scope": "namespace-scoped"}, NAMESPACE_SCOPED),
        ({"redis.kun/scope": "Cluster-Scoped"}, NAMESPACE_SCOPED),  # only the exact value asks for the other
    ],
)
def test_the_scope_a_rediscluster_asks_for(annotations, scope):
    assert requested_scope(annotations) == scope


# Namespace names as Kubernetes allows them (DNS labels).
names = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)


@given(st.lists(names, min_size=1, max_size=5, unique=True), st.sampled_from([",", ", ", " ,", " , "]))
def test_a_list_of_namespaces_is_read_back_whatever_the_spacing(namespaces, separator):
    assert watched_namespaces(separator.join(namespaces)) == tuple(namespaces)
