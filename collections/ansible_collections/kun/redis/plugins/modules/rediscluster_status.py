#!/usr/bin/python
# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: write a RedisCluster's status once per reconcile and record Events about it."""
# Ansible's module layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
module: rediscluster_status
short_description: Write the status of a RedisCluster and record Events about it
description:
  - Reads the RedisCluster, merges this reconcile's condition into C(status.conditions) (one entry per type, newest
    first; a condition that becomes True supersedes the other True ones), sets the other observed fields and the
    summary C(status.status), and writes the status subresource once, only when something changed.
  - The write is conditional on the resourceVersion that was read; on a conflict the module reads again and merges
    again.
  - Records each of I(events) as a core/v1 Event involving the RedisCluster. A repeat of an Event (same type, reason
    and message) increments its count and lastTimestamp instead of creating another object.
  - Receives no secret, so none can reach the status or the Events.
version_added: "0.1.0"
requirements:
  - PyYAML (to read a kubeconfig)
extends_documentation_fragment:
  - kun.redis.kube_connection
options:
  name:
    description: Name of the RedisCluster.
    type: str
    required: true
  namespace:
    description: Namespace of the RedisCluster.
    type: str
    required: true
  uid:
    description:
      - The uid of the RedisCluster this reconcile worked on. When given and the object now has another uid (it was
        deleted and created again meanwhile), the module fails and writes nothing.
    type: str
  condition:
    description: What this reconcile found; it becomes the first entry of C(status.conditions).
    type: dict
    required: true
    suboptions:
      type:
        description: Healthy, Creating, Scaling, Updating, Upgrading, Recovering, Failed, ...
        type: str
        required: true
      status:
        description: Status of the condition.
        type: str
        choices: ["True", "False", "Unknown"]
        default: "True"
      reason:
        description:
          - Short reason. Defaults to the reference operator's reason for the type (Healthy C(Cluster available),
            Creating C(Creating), Scaling C(Scaling up), Updating C(Cluster updating), Upgrading
            C(Cluster upgrading), Failed C(Cluster failed)), else the type.
        type: str
      message:
        description: Human-readable detail, e.g. C(Cluster ok).
        type: str
        default: ""
  master:
    description: Name of the master pod (C(status.master)). Omitted fields keep their current value.
    type: str
  master_ip:
    description: Address of the master (C(status.masterIP)).
    type: str
  sentinel_ip:
    description: Address of the Sentinel Service (C(status.sentinelIP)).
    type: str
  master_count:
    description: Redis nodes that report the master role (C(status.masterCount)).
    type: int
  replica_count:
    description: Replicas connected to the master (C(status.replicaCount)).
    type: int
  sentinel_count:
    description: Sentinels monitoring the master (C(status.sentinelCount)).
    type: int
  observed_generation:
    description: The C(metadata.generation) this reconcile acted on (C(status.observedGeneration)).
    type: int
  events:
    description: Events to record on the RedisCluster, for example the C(events) returned by redis_sentinel_heal.
    type: list
    elements: dict
    default: []
    suboptions:
      reason:
        description: Short CamelCase reason, e.g. C(Creating), C(CheckAndHeal), C(Failover).
        type: str
        required: true
      message:
        description: What happened.
        type: str
        required: true
      type:
        description: Event type.
        type: str
        choices: [Normal, Warning]
        default: Normal
  refresh_seconds:
    description:
      - Rewrite an unchanged status when its newest condition was last written this many seconds ago, so that
        lastUpdateTime shows the operator still confirms it. C(0) never rewrites an unchanged status.
    type: int
    default: 300
  reporting_instance:
    description: The C(reportingInstance) of the Events. Defaults to C($POD_NAME), else the host name.
    type: str
attributes:
  check_mode:
    support: full
    description: Computes the status and the Events and reports them with the same C(changed), writing nothing.
  diff_mode:
    support: full
    description: Shows the status before and after.
author:
  - redis-kun operator developers (@redis-kun)
"""

EXAMPLES = r"""
- name: Report the cluster healthy, with what the healer saw
  kun.redis.rediscluster_status:
    name: "{{ ansible_operator_meta.name }}"
    namespace: "{{ ansible_operator_meta.namespace }}"
    uid: "{{ _redis_kun_rediscluster.metadata.uid }}"
    observed_generation: "{{ _redis_kun_rediscluster.metadata.generation }}"
    condition:
      type: Healthy
      message: Cluster ok
    master: "{{ heal.master.hostname.split('.') | first }}"  # the pod's name, the first label of its FQDN
    master_ip: "{{ heal.master.address }}"
    sentinel_ip: "{{ sentinel_service.spec.clusterIP }}"
    master_count: 1
    replica_count: "{{ heal.replicas | length }}"
    sentinel_count: "{{ heal.sentinels | length }}"
    events: "{{ heal.events }}"

- name: Report a user-fixable failure
  kun.redis.rediscluster_status:
    name: "{{ ansible_operator_meta.name }}"
    namespace: "{{ ansible_operator_meta.namespace }}"
    condition:
      type: Failed
      message: "Secret {{ spec.passwordSecret.name }} has no key {{ spec.passwordSecret.key }}"
    events:
      - type: Warning
        reason: PasswordSecretInvalid
        message: "Secret {{ spec.passwordSecret.name }} has no key {{ spec.passwordSecret.key }}"
"""

RETURN = r"""
status:
  description: The status after this run (in check mode, the status that would be written).
  returned: always
  type: dict
  sample:
    conditions:
      - type: Healthy
        status: "True"
        reason: Cluster available
        message: Cluster ok
        lastTransitionTime: "2026-01-01T10:00:00Z"
        lastUpdateTime: "2026-01-01T10:05:00Z"
    status: Healthy
    master: redis-cluster-test-0
    masterIP: 10.244.0.12
    sentinelIP: 10.96.0.40
    masterCount: 1
    replicaCount: 2
    sentinelCount: 3
    observedGeneration: 1
written:
  description: Whether the status was written (would be, in check mode).
  returned: always
  type: bool
events:
  description: The Events recorded (would be, in check mode), each with its name.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "test.5f1c0e9a2b7d4c61", "type": "Normal", "reason": "CheckAndHeal", "message": "Cluster ok"}]
"""

import socket
from datetime import UTC, datetime

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible_collections.kun.redis.plugins.module_utils.kube.client import (
    KubeApi,
    KubeApiError,
    connect,
    connection_argument_spec,
    error_message,
    object_path,
)
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.conditions import (
    REFRESH_SECONDS,
    next_status,
    timestamp,
)
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.events import event_name, new_event, repeat_patch

# The RedisCluster resource (config/crd).
API_VERSION = "redis.kun/v1beta1"
PLURAL = "redisclusters"
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
}


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


class StatusWriter:
    """Reads the RedisCluster and writes its status and Events through the Kubernetes API."""

    def __init__(self, module: AnsibleModule, api: KubeApi):
        self.module = module
        self.params = module.params
        self.api = api
        self.path = object_path(API_VERSION, PLURAL, self.params["namespace"], self.params["name"])

    def run(self) -> None:
        now = datetime.now(UTC)
        condition = self.params["condition"]
        fields = {field: self.params[option] for option, field in STATUS_FIELDS.items()}
        for _attempt in range(WRITE_ATTEMPTS):
            owner = self._read()
            current = owner.get("status") or {}
            desired = next_status(current, condition, fields, now, self.params["refresh_seconds"])
            if desired is None or self.module.check_mode or self._write(owner, desired):
                break
        else:
            self._fail(f"status not written: it changed under us {WRITE_ATTEMPTS} times in a row")
        involved = {
            "apiVersion": owner["apiVersion"],
            "kind": owner["kind"],
            **{key: owner["metadata"][key] for key in ("name", "namespace", "uid")},
        }
        recorded = [event for event in self.params["events"] if self._record(involved, event, timestamp(now))]
        self.module.exit_json(
            changed=desired is not None or bool(recorded),
            status=desired or current,
            written=desired is not None,
            events=[{"name": event_name(involved, event), **event} for event in recorded],
            diff={"before": current, "after": desired or current},
        )

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
        if self.module.check_mode:
            return True
        try:
            self._count(involved, event, stamp)
        except KubeApiError as error:
            self.module.warn(f"Event {event['reason']} on {self._what()} not recorded: {error_message(error)}")
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

    def _fail(self, problem: str) -> None:
        self.module.fail_json(msg=f"{self._what()}: {problem}")


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        api = connect(module.params)
    except KubeApiError as error:
        module.fail_json(msg=f"RedisCluster {module.params['namespace']}/{module.params['name']}: {error}")
    StatusWriter(module, api).run()


if __name__ == "__main__":
    main()
