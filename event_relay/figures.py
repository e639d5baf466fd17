"""What the relay's /metrics says of each RedisCluster (docs/observability.md): pure readings of the RedisCluster as the
API serves it, and the count of master changes from Sentinels' `+switch-master`, tested as tables and properties
(tests/unit/event_relay/test_cluster_figures.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from ansible_collections.kun.redis.plugins.filter.rediscluster_spec import merged_spec

from event_relay.rules import ClusterKey

# The role's full default spec: the desired counts come from the same merge as the reconcile's (a size of 0 means the
# default, a cluster of size 1 has no Sentinels). roles/ sits beside event_relay/ in the repository and the image.
ROLE_DEFAULTS = Path(__file__).resolve().parent.parent / "roles" / "rediscluster" / "defaults" / "main.yml"
SWITCH_MASTER = "+switch-master"


def role_defaults(path: Path = ROLE_DEFAULTS) -> dict:
    return yaml.safe_load(path.read_text())["_rediscluster_defaults"]


@dataclass(frozen=True)
class ClusterFigures:
    """A RedisCluster's spec and status as numbers. A status field the operator has not written yet reads as 0 (no
    master, nothing linked) or None (no reconcile measured, no status written), never as the spec's wish."""

    status: str | None  # status.status: the type of the current condition
    master_present: bool
    master_pod: str | None
    replicas_linked: int
    replicas_desired: int
    sentinels_agreeing: int
    sentinels_desired: int
    failed_reconciles: int
    reconcile_seconds: float | None
    spec_observed: bool  # the status speaks of the current spec (observedGeneration == generation)
    status_updated: float | None  # the newest condition's lastUpdateTime, in seconds since the epoch

    @property
    def healthy(self) -> bool:
        return self.status == "Healthy"

    @classmethod
    def of(cls, cluster: Mapping, defaults: Mapping) -> ClusterFigures:
        metadata, status = cluster.get("metadata") or {}, cluster.get("status") or {}
        spec = merged_spec(cluster.get("spec"), defaults)
        conditions = status.get("conditions") or []
        master_present = _count(status.get("masterCount")) > 0
        return cls(
            status=status.get("status"),
            master_present=master_present,
            # status.master keeps the last master's name when none is found: it names one only while there is one.
            master_pod=(status.get("master") or None) if master_present else None,
            replicas_linked=_count(status.get("replicaCount")),
            replicas_desired=max(0, spec["size"] - 1),
            sentinels_agreeing=_count(status.get("sentinelCount")),
            sentinels_desired=spec["sentinel"]["replicas"],
            failed_reconciles=_count(status.get("failedReconciles")),
            reconcile_seconds=_number(status.get("reconcileSeconds")),
            spec_observed=status.get("observedGeneration") == metadata.get("generation"),
            status_updated=_epoch(conditions[0].get("lastUpdateTime")) if conditions else None,
        )


class MasterChanges:
    """Master changes per cluster, from the `+switch-master` messages of its Sentinels. Each Sentinel of a group
    publishes the same switch, so one is counted per new master: a message naming the master last counted repeats it.
    Not thread-safe: the relay holds its lock."""

    def __init__(self) -> None:
        self._counts: dict[ClusterKey, int] = {}
        self._masters: dict[ClusterKey, str] = {}

    def seen(self, cluster: ClusterKey, channel: str, data: str) -> bool:
        """Counts the message if it announces a new master; whether it did."""
        master = new_master(channel, data)
        if master is None or self._masters.get(cluster) == master:
            return False
        self._masters[cluster] = master
        self._counts[cluster] = self.count(cluster) + 1
        return True

    def count(self, cluster: ClusterKey) -> int:
        return self._counts.get(cluster, 0)

    def clusters(self) -> set[ClusterKey]:
        return set(self._counts)

    def forget(self, cluster: ClusterKey) -> None:
        self._counts.pop(cluster, None)
        self._masters.pop(cluster, None)


def new_master(channel: str, data: str) -> str | None:
    """`host:port` of the new master a `+switch-master` announces (`<group> <old-host> <old-port> <new-host>
    <new-port>`), or None for any other message."""
    fields = data.split()
    if channel != SWITCH_MASTER or len(fields) != 5:
        return None
    return f"{fields[3]}:{fields[4]}"


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _epoch(stamp: object) -> float | None:
    try:
        return datetime.fromisoformat(str(stamp)).timestamp()
    except ValueError:
        return None
