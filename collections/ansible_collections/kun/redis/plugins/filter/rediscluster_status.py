# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that give tasks/status.yml its two decisions, both made in module_utils/rediscluster/:

- rediscluster_outcome: what this reconcile reports (condition, Events, status fields), chosen from the role's
  findings by `outcome` of module_utils/rediscluster/outcome.py;
- rediscluster_status_due: whether the status module has anything to write, so that it runs only then (a module run
  costs about a second of Ansible's own time, and a reconcile of a Healthy cluster that finds nothing new has nothing
  to write). The decision is the status module's own, `next_status` of module_utils/rediscluster/conditions.py, taken
  on the status the reconcile started from (the RedisCluster ansible-operator passes to the role). That status is
  the live one, since the operator is the status's only writer and reconciles one RedisCluster at a time; were it
  not, the next reconcile would start from the newer one and write.

Filters run in the controller's Python, where the collection's module_utils import like any package.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import REFRESH_SECONDS, next_status
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.outcome import facts_from_reconcile, outcome


def reconcile_outcome(found: Mapping) -> dict:
    """{condition, events, fields} of a reconcile from its findings (see facts_from_reconcile for the keys)."""
    return outcome(facts_from_reconcile(found)).as_dict()


def status_due(current: Mapping | None, condition: Mapping, fields: Mapping, now: datetime | None = None) -> bool:
    """Whether rediscluster_status would write: `current` is the RedisCluster's status, `condition` this reconcile's
    condition and `fields` the other status fields it observed (None: keep the current value)."""
    return next_status(current or {}, condition, fields, now or datetime.now(UTC), REFRESH_SECONDS) is not None


class FilterModule:
    """rediscluster_outcome (see reconcile_outcome) and rediscluster_status_due (see status_due)."""

    def filters(self) -> dict:
        return {"rediscluster_outcome": reconcile_outcome, "rediscluster_status_due": status_due}
