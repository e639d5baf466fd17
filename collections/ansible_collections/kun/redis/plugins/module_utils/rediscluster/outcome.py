# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one reconcile reports about a RedisCluster: its condition (type, reason, message), its Events and the
other status fields, chosen from what the reconcile found. The one place where that decision is made.

`facts_from_reconcile` turns the role's findings (the facts of tasks/*.yml, as the rediscluster_outcome filter hands
them over) into `ReconcileFacts`; `outcome` decides. Both are pure; the rediscluster_status module writes the
result (merging the condition into the status with module_utils/rediscluster/conditions.py).

The condition, most urgent first:
- Failed: the reconcile stopped (an invalid spec, a configuration Redis refused) or the healer failed;
- Creating: the cluster has never been Healthy and is not whole yet;
- Scaling: the StatefulSets do not have the pod counts the spec asks for (up or down);
- Updating: Redis pods still run an older template (the role replaces them one at a time);
- Healthy: every pod ready and the healer reports a healthy topology;
- Recovering: anything else: a cluster that was Healthy and lost a member, a master or a Sentinel's agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

NORMAL, WARNING = "Normal", "Warning"
NO_TOPOLOGY_MESSAGE = "no Redis pod is running yet"


@dataclass(frozen=True)
class ReconcileFacts:
    """What the reconcile found, reduced to what the status depends on."""

    size: int  # Redis nodes the spec asks for
    sentinels: int  # Sentinels the spec asks for
    redis_pods: int = 0  # pods of the Redis StatefulSet, in any state
    sentinel_pods: int = 0
    ready_redis: int = 0
    ready_sentinels: int = 0
    was_healthy: bool = False  # the status the reconcile started from has a Healthy condition
    created: bool = False  # this reconcile created the Redis StatefulSet
    changed_objects: tuple[str, ...] = ()  # "Kind/name" of each object this reconcile changed
    rolling: bool = False  # some Redis pods run an older template
    # redis_sentinel_heal's result (healthy, failed, message, actions, events, master, replicas, sentinels); None when
    # the healer did not run (no Redis pod yet, or the reconcile stopped before it).
    topology: Mapping | None = None
    config_changed_nodes: int = 0  # nodes on which redis_config_set changed something
    config_changed_keys: tuple[str, ...] = ()
    failure: str | None = None  # why the reconcile stopped, when it did
    failure_reason: str | None = None
    master_pod: str | None = None  # the pod whose address is the healer's master
    sentinel_service_ip: str | None = None
    generation: int | None = None
    failed_before: int = 0  # status.failedReconciles the reconcile started from

    @property
    def all_ready(self) -> bool:
        return self.ready_redis == self.size and self.ready_sentinels == self.sentinels

    @property
    def readiness(self) -> str:
        return f"{self.ready_redis}/{self.size} Redis and {self.ready_sentinels}/{self.sentinels} Sentinels ready"


@dataclass(frozen=True)
class Outcome:
    condition: dict
    events: list[dict] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # status fields; None keeps the current value

    def as_dict(self) -> dict:
        return {"condition": self.condition, "events": self.events, "fields": self.fields}


def outcome(facts: ReconcileFacts) -> Outcome:
    return Outcome(condition(facts), events(facts), status_fields(facts))


def condition(facts: ReconcileFacts) -> dict:
    topology = facts.topology or {}
    healthy = bool(topology.get("healthy"))
    if facts.failure is not None:
        chosen = ("Failed", facts.failure_reason or "Invalid spec", facts.failure)
    elif topology.get("failed"):
        chosen = ("Failed", "Heal failed", topology.get("message", ""))
    elif not facts.was_healthy and not (facts.all_ready and healthy):
        chosen = ("Creating", "Bootstrap redis cluster", facts.readiness)
    elif facts.redis_pods != facts.size or facts.sentinel_pods != facts.sentinels:
        up = facts.redis_pods < facts.size or facts.sentinel_pods < facts.sentinels
        chosen = ("Scaling", "Scaling up" if up else "Scaling down", facts.readiness)
    elif facts.rolling:
        chosen = ("Updating", "Rolling update", facts.readiness)
    elif facts.all_ready and healthy:
        chosen = ("Healthy", "Cluster available", "Cluster ok")
    else:
        found = topology.get("message", NO_TOPOLOGY_MESSAGE)
        chosen = ("Recovering", "Healing", found if facts.all_ready else f"{facts.readiness}; {found}")
    kind, reason, message = chosen
    return {"type": kind, "status": "True", "reason": reason, "message": message}


def events(facts: ReconcileFacts) -> list[dict]:
    """The reference operator's Creating, Ensure, CheckAndHeal and Updating Events, the healer's own, and a Warning
    for a reconcile that stopped (then the only one: nothing else was done)."""
    if facts.failure is not None:
        return [_event(WARNING, "InvalidSpec", facts.failure)]
    recorded = []
    if facts.created:
        recorded.append(_event(NORMAL, "Creating", "Bootstrap redis cluster"))
    elif facts.changed_objects:
        recorded.append(_event(NORMAL, "Ensure", "Applied " + ", ".join(facts.changed_objects)))
    topology = facts.topology or {}
    if topology.get("failed"):
        recorded.append(_event(WARNING, "CheckAndHeal", topology.get("message", "")))
    elif topology.get("actions"):
        recorded.append(_event(NORMAL, "CheckAndHeal", topology.get("message", "")))
    recorded += [dict(event) for event in topology.get("events") or []]
    if facts.config_changed_nodes:
        keys = ", ".join(facts.config_changed_keys)
        recorded.append(_event(NORMAL, "Updating", f"CONFIG SET {keys} on {facts.config_changed_nodes} nodes"))
    return recorded


def status_fields(facts: ReconcileFacts) -> dict:
    """status.master, masterIP, sentinelIP, the counts, observedGeneration and failedReconciles. A field this
    reconcile did not observe is None, so that the status keeps its current value: the counts when the healer did
    not run. The counts are of replicas whose link to the master is up and of Sentinels that see that master."""
    topology = facts.topology
    master = (topology or {}).get("master") or {}
    failed = condition(facts)["type"] == "Failed"
    return {
        "master": facts.master_pod,
        "masterIP": master.get("address"),
        "sentinelIP": facts.sentinel_service_ip,
        "masterCount": None if topology is None else (1 if master else 0),
        "replicaCount": None if topology is None else _counted(topology.get("replicas"), "linked"),
        "sentinelCount": None if topology is None else _counted(topology.get("sentinels"), "agrees"),
        "observedGeneration": facts.generation,
        "failedReconciles": facts.failed_before + 1 if failed else 0,
    }


def _counted(members: Sequence[Mapping] | None, flag: str) -> int:
    return sum(1 for member in members or [] if member.get(flag))


def facts_from_reconcile(found: Mapping) -> ReconcileFacts:
    """ReconcileFacts from the role's facts, as tasks/status.yml passes them (each may be missing: a reconcile that
    stopped early has only the spec, the RedisCluster and the failure):
    spec (the merged spec), cluster (the RedisCluster as the reconcile received it), observed (rediscluster_observe's
    result), apply_results (the k8s task's results), applied_objects (live after apply), outdated_pods, topology
    (redis_sentinel_heal's result), live_config (redis_config_set's result), sentinel_service (its name),
    failure and failure_reason."""
    spec = found["spec"]
    observed = found.get("observed") or {}
    redis_pods = observed.get("redis_pods") or []
    topology = found.get("topology")
    if topology is not None and topology.get("skipped"):
        topology = None  # the heal task was skipped (no Redis pod to heal): what Ansible registers then is no topology
    applied = found.get("apply_results") or []
    changed = [result["result"] for result in applied if result.get("changed")]
    config_nodes = [node for node in (found.get("live_config") or {}).get("nodes") or [] if node.get("changed")]
    cluster = found.get("cluster") or {}
    return ReconcileFacts(
        size=spec["size"],
        sentinels=spec["sentinel"]["replicas"],
        redis_pods=observed.get("redis_pod_count") or 0,
        sentinel_pods=observed.get("sentinel_pod_count") or 0,
        ready_redis=sum(1 for pod in redis_pods if pod.get("ready")),
        ready_sentinels=sum(1 for pod in observed.get("sentinel_pods") or [] if pod.get("ready")),
        was_healthy=any(entry.get("type") == "Healthy" for entry in _conditions(cluster)),
        created=any(
            result.get("method") == "create" and result["result"].get("kind") == "StatefulSet" for result in applied
        ),
        changed_objects=tuple(f"{obj['kind']}/{obj['metadata']['name']}" for obj in changed),
        rolling=bool(found.get("outdated_pods")),
        topology=topology,
        config_changed_nodes=len(config_nodes),
        config_changed_keys=tuple(sorted({key for node in config_nodes for key in node.get("changed") or []})),
        failure=found.get("failure"),
        failure_reason=found.get("failure_reason"),
        master_pod=_master_pod(redis_pods, topology),
        sentinel_service_ip=_service_ip(found.get("applied_objects") or [], found.get("sentinel_service")),
        generation=(cluster.get("metadata") or {}).get("generation"),
        failed_before=_failed_reconciles(cluster),
    )


def _failed_reconciles(cluster: Mapping) -> int:
    count = (cluster.get("status") or {}).get("failedReconciles")
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 0


def _conditions(cluster: Mapping) -> Sequence[Mapping]:
    return (cluster.get("status") or {}).get("conditions") or []


def _master_pod(redis_pods: Sequence[Mapping], topology: Mapping | None) -> str | None:
    """The name of the pod at the healer's master address; None without a master."""
    address = ((topology or {}).get("master") or {}).get("address")
    return next((pod["name"] for pod in redis_pods if address and pod.get("address") == address), None)


def _service_ip(objects: Sequence[Mapping], name: str | None) -> str | None:
    service = next((o for o in objects if o.get("kind") == "Service" and o["metadata"]["name"] == name), None)
    return service["spec"].get("clusterIP") if service else None


def _event(kind: str, reason: str, message: str) -> dict:
    return {"type": kind, "reason": reason, "message": message}
