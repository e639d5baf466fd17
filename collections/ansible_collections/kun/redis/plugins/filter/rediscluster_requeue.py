# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter of tasks/requeue.yml: how many seconds until a RedisCluster that is not Healthy is reconciled again,
chosen by module_utils/rediscluster/requeue.py (at once while it moves, less often while it stands still).

This reconcile moved the cluster when it recorded an Event or changed what the status says: the decision of the
status module itself (`next_status` of module_utils/rediscluster/conditions.py, as rediscluster_status_due takes it),
on the status the reconcile started from.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import REFRESH_SECONDS, next_status
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.requeue import requeue_seconds, stalled_seconds


def reconcile_requeue_seconds(
    current: Mapping | None,
    outcome: Mapping,
    shortest: float,
    longest: float,
    now: datetime | None = None,
) -> float:
    """`current` is the RedisCluster's status at the start of the reconcile, `outcome` what rediscluster_outcome
    decided ({condition, events, fields}), `shortest`..`longest` the bounds of the delay in seconds."""
    current = current or {}
    now = now or datetime.now(UTC)
    progressed = bool(outcome["events"]) or (
        next_status(current, outcome["condition"], outcome["fields"], now, REFRESH_SECONDS) is not None
    )
    return requeue_seconds(stalled_seconds(current, progressed, now), shortest, longest)


class FilterModule:
    """rediscluster_requeue_seconds (see reconcile_requeue_seconds)."""

    def filters(self) -> dict:
        return {"rediscluster_requeue_seconds": reconcile_requeue_seconds}
