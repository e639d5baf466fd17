"""What the relay relays: pure decisions on pods and Sentinel messages, tested as tables (tests/unit/event_relay/)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ansible_collections.kun.redis.plugins.module_utils.rediscluster.scope import (
    operator_scope,
    requested_scope,
    watched_namespaces,
)

# What every pod of a RedisCluster carries (rediscluster_cluster_labels in roles/rediscluster/vars/main.yml; a unit
# test holds the two together), and the label that names its RedisCluster.
POD_LABELS = {"app.kubernetes.io/part-of": "rediscluster", "app.kubernetes.io/managed-by": "redis-kun-operator"}
INSTANCE_LABEL = "app.kubernetes.io/instance"
COMPONENT_LABEL = "app.kubernetes.io/component"
SENTINEL_COMPONENT = "sentinel"
SENTINEL_PORT_NAME = "sentinel"  # the container port of templates/statefulsets/sentinel.yaml.j2

# The Sentinel events after which the operator has something to set right: a new master (the master Service's
# endpoints, the role labels, the status), an instance down or back (the status, the healer), a replica found or
# converted, a restarted instance, a failover that found no replica good enough (the healer chooses by data).
# +odown and the failover's intermediate steps add nothing a reconcile could act on.
SENTINEL_CHANNELS = (
    "+switch-master",
    "+sdown",
    "-sdown",
    "+slave",
    "+convert-to-slave",
    "+reboot",
    "-failover-abort-no-good-slave",
)


@dataclass(frozen=True)
class ClusterKey:
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class PodState:
    """What of a pod matters to the relay."""

    cluster: ClusterKey
    name: str
    sentinel: bool
    address: str | None
    ready: bool
    restarts: int
    deleting: bool
    sentinel_port: int | None

    @classmethod
    def of(cls, pod: Mapping) -> PodState | None:
        """From a core/v1 Pod as the API serves it (camelCase JSON); None for a pod of no RedisCluster."""
        metadata, status = pod.get("metadata") or {}, pod.get("status") or {}
        labels = metadata.get("labels") or {}
        if any(labels.get(key) != value for key, value in POD_LABELS.items()) or not labels.get(INSTANCE_LABEL):
            return None
        containers = (pod.get("spec") or {}).get("containers") or []
        ports = [port for container in containers for port in container.get("ports") or []]
        conditions = {condition.get("type"): condition.get("status") for condition in status.get("conditions") or []}
        return cls(
            cluster=ClusterKey(metadata.get("namespace", ""), labels[INSTANCE_LABEL]),
            name=metadata.get("name", ""),
            sentinel=labels.get(COMPONENT_LABEL) == SENTINEL_COMPONENT,
            address=status.get("podIP") or None,
            ready=conditions.get("Ready") == "True",
            restarts=sum(int(c.get("restartCount") or 0) for c in status.get("containerStatuses") or []),
            deleting=bool(metadata.get("deletionTimestamp")),
            sentinel_port=next((p.get("containerPort") for p in ports if p.get("name") == SENTINEL_PORT_NAME), None),
        )

    @property
    def subscribable(self) -> bool:
        """A Sentinel that can be subscribed to: it has an address and a port, and is not going away."""
        return self.sentinel and bool(self.address) and self.sentinel_port is not None and not self.deleting


def pod_change(before: PodState | None, after: PodState | None) -> str | None:
    """Why a change of a pod (None: absent) calls for a reconcile of its cluster, or None when it does not.

    A pod going (its deletion begun, and again once it is gone: only then is its name free for the StatefulSet to
    use, which a RedisCluster deleted and applied again waits for), becoming ready or unready, restarting a container
    or moving to another address changes what the status says or what the healer must do. A new pod without an
    address yet, and the operator's own relabelling, do not.
    """
    if after is None:
        return None if before is None else f"pod {before.name} is gone"
    if before is None:
        return f"pod {after.name} is ready" if after.ready else None
    if after.deleting and not before.deleting:
        return f"pod {after.name} is being deleted"
    if after.restarts > before.restarts:
        return f"pod {after.name} restarted a container"
    if after.ready != before.ready:
        return f"pod {after.name} is {'ready' if after.ready else 'not ready'}"
    if after.address != before.address and after.address:
        return f"pod {after.name} moved to {after.address}"
    return None


def sentinel_message(pod: str, channel: str, data: str) -> str | None:
    """Why a Sentinel's message calls for a reconcile, or None for a channel the relay does not relay.

    A master's +sdown is left out: failing over is Sentinel's to do, and what follows says what the operator must act
    on (+switch-master, or -failover-abort-no-good-slave when no replica will do; -sdown when the master came back).
    A reconcile started by it would still be running when +switch-master comes, and delay the one that matters by
    its remaining seconds (bench/scale.py)."""
    if channel not in SENTINEL_CHANNELS or (channel == "+sdown" and data.startswith("master ")):
        return None
    return f"{channel} {data} (seen by {pod})"


def served(cluster: Mapping, watch_namespace: str) -> bool:
    """Whether the operator started with this WATCH_NAMESPACE (one namespace, a comma-separated list, or none:
    every namespace) serves this RedisCluster."""
    metadata = cluster.get("metadata") or {}
    namespaces = watched_namespaces(watch_namespace)
    if namespaces and metadata.get("namespace") not in namespaces:
        return False
    return requested_scope(metadata.get("annotations")) == operator_scope(watch_namespace)
