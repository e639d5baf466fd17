# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which operator owns a RedisCluster (docs/api.md, "Operator scope").

A cluster-wide operator (WATCH_NAMESPACE names no namespace) and a namespaced one (it names one or several) may both
see a RedisCluster; its `redis.kun/scope` annotation says which one serves it. The role (tasks/scope.yml, through the
rediscluster_scope filters) and the event relay (event_relay/, which subscribes only to the clusters its operator
serves) both decide here.
"""

from __future__ import annotations

from collections.abc import Mapping

SCOPE_ANNOTATION = "redis.kun/scope"
CLUSTER_SCOPED = "cluster-scoped"
NAMESPACE_SCOPED = "namespace-scoped"


def requested_scope(annotations: Mapping | None) -> str:
    """The scope a RedisCluster with these metadata.annotations asks for: cluster-scoped only when it says so."""
    return CLUSTER_SCOPED if (annotations or {}).get(SCOPE_ANNOTATION) == CLUSTER_SCOPED else NAMESPACE_SCOPED


def watched_namespaces(watch_namespace: str | None) -> tuple[str, ...]:
    """The namespaces an operator started with this WATCH_NAMESPACE watches, read as ansible-operator reads it
    (splitNamespaces of its run command): a comma-separated list, each name trimmed, empty ones dropped. No name at
    all (empty, or only commas and spaces) means every namespace."""
    names = (name.strip() for name in (watch_namespace or "").split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def operator_scope(watch_namespace: str | None) -> str:
    """The scope of an operator watching `watch_namespace` (ansible-operator's WATCH_NAMESPACE: one namespace, a
    comma-separated list of them, or every one when it names none)."""
    return NAMESPACE_SCOPED if watched_namespaces(watch_namespace) else CLUSTER_SCOPED
