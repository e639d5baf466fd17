# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter that tells whether a reconcile has a status to write, so that the status module runs only then: a module
run costs about a second of Ansible's own time, and a reconcile of a Healthy cluster that finds nothing new has
nothing to write.

The decision is the status module's own, `next_status` of module_utils/rediscluster/conditions.py, taken on the
status the reconcile started from (the RedisCluster ansible-operator passes to the role). That status is the live
one, since the operator is the status's only writer and reconciles one RedisCluster at a time; were it not, the next
reconcile would start from the newer one and write.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import REFRESH_SECONDS, next_status


def status_due(current: Mapping | None, condition: Mapping, fields: Mapping, now: datetime | None = None) -> bool:
    """Whether rediscluster_status would write: `current` is the RedisCluster's status, `condition` this reconcile's
    condition and `fields` the other status fields it observed (None: keep the current value)."""
    return next_status(current or {}, condition, fields, now or datetime.now(UTC), REFRESH_SECONDS) is not None


class FilterModule:
    """rediscluster_status_due (see status_due)."""

    def filters(self) -> dict:
        return {"rediscluster_status_due": status_due}
