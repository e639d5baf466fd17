# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which operator owns a RedisCluster (docs/api.md, "Operator scope").

A cluster-wide operator (WATCH_NAMESPACE empty) and a namespaced one may both see a RedisCluster; its
`redis.kun/scope` annotation says which one serves it. The role (tasks/scope.yml, through the rediscluster_scope
filters) and the event relay (event_relay/, which subscribes only to the clusters its operator serves) both decide
here.
"""

from __future__ import annotations

from collections.abc import Mapping

SCOPE_ANNOTATION = "redis.kun/scope"
CLUSTER_SCOPED = "cluster-scoped"
NAMESPACE_SCOPED = "namespace-scoped"


def requested_scope(annotations: Mapping | None) -> str:
    """The scope a RedisCluster with these metadata.annotations asks for: cluster-scoped only when it says so."""
    return CLUSTER_SCOPED if (annotations or {}).get(SCOPE_ANNOTATION) == CLUSTER_SCOPED else NAMESPACE_SCOPED


def operator_scope(watch_namespace: str | None) -> str:
    """The scope of an operator watching `watch_namespace` (ansible-operator's WATCH_NAMESPACE; empty: every one)."""
    return NAMESPACE_SCOPED if watch_namespace else CLUSTER_SCOPED
