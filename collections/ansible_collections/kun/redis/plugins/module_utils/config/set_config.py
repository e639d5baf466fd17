# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""redis_config_set's options and work (module_utils/module_work.py): refuse what Redis must not be told at run
time, read every node, then CONFIG SET on each the keys that differ from the desired map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.kun.redis.plugins.module_utils.config.apply import apply_changes, read_live
from ansible_collections.kun.redis.plugins.module_utils.config.plan import (
    config_changes,
    desired_config,
    refusals,
    unknown_keys,
)
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed
from ansible_collections.kun.redis.plugins.module_utils.redis.args import (
    connection_argument_spec,
    connection_settings,
    endpoints,
)
from ansible_collections.kun.redis.plugins.module_utils.redis.client import describe_error


def argument_spec() -> dict:
    return {
        **connection_argument_spec(),
        "config": {"type": "dict", "default": {}},
        "disable_persistence": {"type": "bool", "default": False},
        "min_replicas_to_write": {"type": "int"},
        "min_replicas_max_lag": {"type": "int"},
    }


def set_config(params: Mapping[str, Any], check_mode: bool) -> dict:
    refused = refusals(params["config"])
    if refused:
        raise TaskFailed(f"configuration refused, nothing changed: {'; '.join(refused)}", refused=refused)
    desired = desired_config(
        params["config"], params["disable_persistence"], params["min_replicas_to_write"], params["min_replicas_max_lag"]
    )
    connection = connection_settings(params)
    live = read_live(endpoints(params["nodes"]), list(desired), connection)
    reachable = [node for node in live if node.reachable]
    unknown = sorted({key for node in reachable for key in unknown_keys(desired, node.values)})
    if unknown:
        raise TaskFailed(f"unknown to Redis, nothing changed: {', '.join(unknown)}", desired=desired)
    report = []
    for node in reachable:
        changes = config_changes(desired, node.values)
        rewritten = False
        if changes and not check_mode:
            try:
                rewritten = apply_changes(node, {key: change["after"] for key, change in changes.items()}, connection)
            except Exception as error:  # a value Redis rejects: name the node and Redis' reason
                raise TaskFailed(
                    f"CONFIG SET on {node.endpoint.name} failed: {describe_error(error)}", nodes=report
                ) from error
        report.append({"name": node.endpoint.name, "changed": changes, "rewritten": rewritten})
    unreachable = [{"name": node.endpoint.name, "error": node.error} for node in live if not node.reachable]
    return {
        "changed": any(entry["changed"] for entry in report),
        "desired": desired,
        "nodes": report,
        "unreachable_members": unreachable,
    }
