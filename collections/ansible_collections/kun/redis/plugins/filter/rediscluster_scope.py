# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that give tasks/scope.yml its decision, made in module_utils/rediscluster/scope.py, which the event relay
shares:

- rediscluster_requested_scope: the scope a RedisCluster's metadata.annotations ask for;
- rediscluster_operator_scope: the scope of an operator watching the given WATCH_NAMESPACE (one namespace, a
  comma-separated list, or none: every one).
"""

from __future__ import annotations

from ansible_collections.kun.redis.plugins.module_utils.rediscluster.scope import operator_scope, requested_scope


class FilterModule:
    """rediscluster_requested_scope and rediscluster_operator_scope (module_utils/rediscluster/scope.py)."""

    def filters(self) -> dict:
        return {"rediscluster_requested_scope": requested_scope, "rediscluster_operator_scope": operator_scope}
