# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A RedisCluster's status as data: conditions newest first, the STATUS summary, and whether a write is due.

Pure functions of (current status, what this reconcile found, now); the rediscluster_status module does the I/O.
The semantics, also in docs/api.md:
- One entry per condition type, newest first: the first entry is what the latest reconcile found.
- Setting a condition whose status, reason and message are unchanged changes nothing but its lastUpdateTime, and
  that only when the status is written anyway or the entry is older than the refresh interval, so that a reconcile
  that finds nothing new does not write.
- lastTransitionTime changes only when the status changes (Kubernetes' convention; the reference reset it on every
  change of reason or message).
- A condition that becomes True supersedes the other True ones: they turn False with reason Superseded. The
  reference left them True, so `kubectl wait --for=condition=Healthy` returned during a failure; here it waits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

# The reasons the reference operator wrote for each condition type (its status.go); used when a caller gives none.
REFERENCE_REASONS = {
    "Healthy": "Cluster available",
    "Creating": "Creating",
    "Scaling": "Scaling up",
    "Upgrading": "Cluster upgrading",
    "Updating": "Cluster updating",
    "Failed": "Cluster failed",
}
SUPERSEDED = "Superseded"
# The schema allows 16 (config/crd); the reference's types are ten, so this keeps every one of them.
MAX_CONDITIONS = 10
# status.status when no condition is True, e.g. while only a False condition was ever set.
UNKNOWN = "Unknown"
# How old the newest condition's lastUpdateTime may grow before an unchanged status is written again, so that it
# shows the operator still confirms it.
REFRESH_SECONDS = 300


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with second precision, as Kubernetes writes metav1.Time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_reason(condition_type: str) -> str:
    return REFERENCE_REASONS.get(condition_type, condition_type)


def set_condition(conditions: Sequence[Mapping], condition: Mapping, stamp: str) -> list[dict]:
    """`conditions` after setting `condition` ({type, status, reason, message}) at time `stamp`, newest first.

    An unchanged condition that is already the newest keeps its timestamps here; `next_status` refreshes its
    lastUpdateTime when it writes.
    """
    previous = next((entry for entry in conditions if entry["type"] == condition["type"]), None)
    if previous is not None and _same(previous, condition):
        # Set again: nothing to record while it is the newest; brought back to the front, it is the newest again.
        entry = dict(previous) if previous is conditions[0] else {**previous, "lastUpdateTime": stamp}
    else:
        status_changed = previous is None or previous.get("status") != condition["status"]
        entry = {
            "type": condition["type"],
            "status": condition["status"],
            "reason": condition["reason"],
            "message": condition["message"],
            "lastTransitionTime": stamp if status_changed else previous.get("lastTransitionTime", stamp),
            "lastUpdateTime": stamp,
        }
    others = [dict(other) for other in conditions if other["type"] != condition["type"]]
    superseded = []
    if condition["status"] == "True":
        superseded = [_superseded(other, condition["type"], stamp) for other in others if other["status"] == "True"]
        others = [other for other in others if other["status"] != "True"]
    return [entry, *superseded, *others][:MAX_CONDITIONS]


def summary(conditions: Sequence[Mapping]) -> str:
    """The STATUS column: the type of the newest True condition."""
    return next((entry["type"] for entry in conditions if entry.get("status") == "True"), UNKNOWN)


def next_status(
    current: Mapping,
    condition: Mapping,
    fields: Mapping[str, object],
    now: datetime,
    refresh_seconds: int,
    *,
    measurements: Mapping[str, object] | None = None,
) -> dict | None:
    """The status to write, or None when the current one already says everything.

    `condition` is {type, status, reason, message}; a missing reason is the reference's for the type. `fields` are
    the other status fields this reconcile observed (master, masterIP, counts, observedGeneration...); a None value
    keeps the current one. A write is also due, to refresh lastUpdateTime, when the newest condition was last
    written more than `refresh_seconds` ago (0: never). `measurements` (the reconcile's duration) differ at every
    reconcile: they are written with a write that is due, and never make one due.
    """
    stamp = timestamp(now)
    condition = {**condition, "reason": condition.get("reason") or default_reason(condition["type"])}
    status = {**current, **{key: value for key, value in fields.items() if value is not None}}
    status["conditions"] = set_condition(current.get("conditions") or [], condition, stamp)
    status["status"] = summary(status["conditions"])
    if status == current and not _refresh_due(current, now, refresh_seconds):
        return None
    status["conditions"][0]["lastUpdateTime"] = stamp
    status.update({key: value for key, value in (measurements or {}).items() if value is not None})
    return status


def _same(entry: Mapping, condition: Mapping) -> bool:
    return all(entry.get(key) == condition[key] for key in ("status", "reason", "message"))


def _superseded(entry: Mapping, by_type: str, stamp: str) -> dict:
    return {
        **entry,
        "status": "False",
        "reason": SUPERSEDED,
        "message": f"Superseded by {by_type}",
        "lastTransitionTime": stamp,
        "lastUpdateTime": stamp,
    }


def _refresh_due(current: Mapping, now: datetime, refresh_seconds: int) -> bool:
    if refresh_seconds <= 0 or not current.get("conditions"):
        return False
    try:
        written = datetime.fromisoformat(current["conditions"][0]["lastUpdateTime"])
    except (KeyError, TypeError, ValueError):
        return True  # no readable time: write one
    return (now - written).total_seconds() >= refresh_seconds
