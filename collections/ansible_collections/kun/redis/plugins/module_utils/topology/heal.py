# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""redis_sentinel_heal's options and work (module_utils/module_work.py): observe the group, plan, carry the plan out,
observe again and report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed
from ansible_collections.kun.redis.plugins.module_utils.redis.args import (
    SENTINEL_PORT,
    connection_argument_spec,
    connection_settings,
    endpoint_list_spec,
    endpoints,
)
from ansible_collections.kun.redis.plugins.module_utils.topology.executor import ActionFailed, Executor
from ansible_collections.kun.redis.plugins.module_utils.topology.observer import observe
from ansible_collections.kun.redis.plugins.module_utils.topology.planner import Desired, plan
from ansible_collections.kun.redis.plugins.module_utils.topology.report import heal_result
from ansible_collections.kun.redis.plugins.module_utils.topology.snapshot import SentinelSettings

# Sentinels of different clusters that share this name merge their groups (spotahome #550).
SHARED_GROUP_NAME = "mymaster"


def argument_spec() -> dict:
    return {
        **connection_argument_spec(),
        "sentinels": {**endpoint_list_spec(SENTINEL_PORT, required=False), "default": []},
        "group": {"type": "str", "required": True},
        "quorum": {"type": "int"},
        "down_after_milliseconds": {"type": "int", "default": 5000},
        "failover_timeout": {"type": "int", "default": 10000},
        "parallel_syncs": {"type": "int", "default": 1},
        "wait_timeout": {"type": "float", "default": 30.0},
        "size": {"type": "int"},
        "previous_master": {"type": "str"},
    }


def heal(params: Mapping[str, Any], check_mode: bool) -> dict:
    if params["group"] == SHARED_GROUP_NAME:
        raise TaskFailed(f"group {SHARED_GROUP_NAME!r} is refused: use a name unique to the cluster")
    nodes, sentinels = endpoints(params["nodes"]), endpoints(params["sentinels"])
    connection = connection_settings(params)
    desired = Desired(
        params["group"],
        SentinelSettings(
            quorum=params["quorum"] or len(sentinels) // 2 + 1,
            down_after_milliseconds=params["down_after_milliseconds"],
            failover_timeout=params["failover_timeout"],
            parallel_syncs=params["parallel_syncs"],
        ),
        size=params["size"] or len(nodes),
    )
    snapshot = observe(nodes, sentinels, desired.group, connection)
    first = plan(snapshot, desired)
    if check_mode or not first.actions:
        result = heal_result(snapshot, first, first.actions, first.events, params["previous_master"])
        return {"changed": bool(first.actions), **result}
    executor = Executor(nodes, sentinels, desired.group, connection, params["wait_timeout"])
    try:
        executor.run(first.actions)
    except ActionFailed as failure:
        result = heal_result(snapshot, first, failure.done, (), params["previous_master"])
        raise TaskFailed(str(failure), changed=bool(failure.done), **result) from failure
    # Report the topology the actions produced, and whether anything is still to be done.
    after = observe(nodes, sentinels, desired.group, connection)
    result = heal_result(after, plan(after, desired), first.actions, first.events, params["previous_master"])
    return {"changed": True, **result}
