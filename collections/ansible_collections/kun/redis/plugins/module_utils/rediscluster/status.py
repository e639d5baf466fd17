# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rediscluster_status's options and work (module_utils/module_work.py): merge this reconcile's condition into a
RedisCluster's status, write it once when it changed, and record Events about the RedisCluster."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

from ansible.module_utils.basic import env_fallback
from ansible_collections.kun.redis.plugins.module_utils.kube.client import (
    KubeApi,
    KubeApiError,
    connect,
    connection_argument_spec,
    error_message,
    object_path,
)
from ansible_collections.kun.redis.plugins.module_utils.module_work import TaskFailed
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import (
    REFRESH_SECONDS,
    next_status,
    timestamp,
)
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.events import event_name, new_event, repeat_patch
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.resource import API_VERSION, PLURAL

# Another writer between our read and our write makes the conditional write fail; read, merge and try again.
WRITE_ATTEMPTS = 5
# The option names of the status fields other than the conditions.
STATUS_FIELDS = {
    "master": "master",
    "master_ip": "masterIP",
    "sentinel_ip": "sentinelIP",
    "master_count": "masterCount",
    "replica_count": "replicaCount",
    "sentinel_count": "sentinelCount",
    "observed_generation": "observedGeneration",
    "failed_reconciles": "failedReconciles",
}
# Written along with a due write, never the cause of one (conditions.next_status).
MEASUREMENTS = {"reconcile_seconds": "reconcileSeconds"}


def argument_spec() -> dict:
    return {
        "name": {"type": "str", "required": True},
        "namespace": {"type": "str", "required": True},
        "uid": {"type": "str"},
        "condition": {
            "type": "dict",
            "required": True,
            "options": {
                "type": {"type": "str", "required": True},
                "status": {"type": "str", "choices": ["True", "False", "Unknown"], "default": "True"},
                "reason": {"type": "str"},
                "message": {"type": "str", "default": ""},
            },
        },
        "master": {"type": "str"},
        "master_ip": {"type": "str"},
        "sentinel_ip": {"type": "str"},
        "master_count": {"type": "int"},
        "replica_count": {"type": "int"},
        "sentinel_count": {"type": "int"},
        "observed_generation": {"type": "int"},
        "failed_reconciles": {"type": "int"},
        "reconcile_seconds": {"type": "float"},
        "events": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "reason": {"type": "str", "required": True},
                "message": {"type": "str", "required": True},
                "type": {"type": "str", "choices": ["Normal", "Warning"], "default": "Normal"},
            },
        },
        "refresh_seconds": {"type": "int", "default": REFRESH_SECONDS},
        "reporting_instance": {"type": "str", "fallback": (env_fallback, ["POD_NAME"])},
        **connection_argument_spec(),
    }


def write_status(params: Mapping[str, Any], check_mode: bool) -> dict:
    try:
        api = connect(params)
    except KubeApiError as error:
        raise TaskFailed(f"RedisCluster {params['namespace']}/{params['name']}: {error}") from error
    return StatusWriter(params, check_mode, api).run()


class StatusWriter:
    """Reads the RedisCluster and writes its status and Events through the Kubernetes API."""

    def __init__(self, params: Mapping[str, Any], check_mode: bool, api: KubeApi):
        self.params, self.check_mode, self.api = params, check_mode, api
        self.path = object_path(API_VERSION, PLURAL, params["namespace"], params["name"])
        self.warnings: list[str] = []

    def run(self) -> dict:
        now = datetime.now(UTC)
        condition = self.params["condition"]
        fields = {field: self.params[option] for option, field in STATUS_FIELDS.items()}
        measurements = {field: self.params[option] for option, field in MEASUREMENTS.items()}
        for _attempt in range(WRITE_ATTEMPTS):
            owner = self._read()
            current = owner.get("status") or {}
            desired = next_status(
                current, condition, fields, now, self.params["refresh_seconds"], measurements=measurements
            )
            if desired is None or self.check_mode or self._write(owner, desired):
                break
        else:
            self._fail(f"status not written: it changed under us {WRITE_ATTEMPTS} times in a row")
        involved = {
            "apiVersion": owner["apiVersion"],
            "kind": owner["kind"],
            **{key: owner["metadata"][key] for key in ("name", "namespace", "uid")},
        }
        recorded = [event for event in self.params["events"] if self._record(involved, event, timestamp(now))]
        return {
            "changed": desired is not None or bool(recorded),
            "status": desired or current,
            "written": desired is not None,
            "events": [{"name": event_name(involved, event), **event} for event in recorded],
            "diff": {"before": current, "after": desired or current},
            "warnings": self.warnings,
        }

    def _read(self) -> dict:
        try:
            owner = self.api.get(self.path)
        except KubeApiError as error:
            self._fail(f"cannot read it: {error_message(error)}")
        uid = owner["metadata"]["uid"]
        if self.params["uid"] and uid != self.params["uid"]:
            self._fail(f"it was replaced during this reconcile (uid {uid}, expected {self.params['uid']}); not written")
        return owner

    def _write(self, owner: dict, status: dict) -> bool:
        """Writes `status` unless the object changed since it was read; False on such a conflict."""
        body = {"metadata": {"resourceVersion": owner["metadata"]["resourceVersion"]}, "status": status}
        try:
            self.api.merge_patch(f"{self.path}/status", body)
        except KubeApiError as error:
            if error.status == 409:
                return False
            self._fail(f"cannot write its status: {error_message(error)}")
        return True

    def _record(self, involved: dict, event: dict, stamp: str) -> bool:
        """Records one occurrence of `event` (nothing in check mode); False if the API refused it.

        Kubernetes treats Events as best effort, and so does this: a failure is a warning, the status stays written.
        """
        if self.check_mode:
            return True
        try:
            self._count(involved, event, stamp)
        except KubeApiError as error:
            self.warnings.append(f"Event {event['reason']} on {self._what()} not recorded: {error_message(error)}")
            return False
        return True

    def _count(self, involved: dict, event: dict, stamp: str) -> None:
        """Creates the Event, or adds one to the count of the same Event recorded earlier."""
        events = object_path("v1", "events", involved["namespace"])
        path = f"{events}/{event_name(involved, event)}"
        try:
            existing = self.api.get(path)
        except KubeApiError as error:
            if error.status != 404:
                raise
            try:
                # Not owned: the garbage collector need not wait for Events (they expire), and an owned Event would
                # make ansible-operator watch Events and reconcile again for each one this module records.
                self.api.create(events, new_event(involved, event, stamp, self._instance()), owned=False)
                return
            except KubeApiError as create_error:
                if create_error.status != 409:
                    raise
                existing = self.api.get(path)  # created meanwhile: count on it
        self.api.merge_patch(path, repeat_patch(existing.get("count"), stamp))

    def _instance(self) -> str:
        return self.params["reporting_instance"] or socket.gethostname()

    def _what(self) -> str:
        return f"RedisCluster {self.params['namespace']}/{self.params['name']}"

    def _fail(self, problem: str) -> NoReturn:
        raise TaskFailed(f"{self._what()}: {problem}")
