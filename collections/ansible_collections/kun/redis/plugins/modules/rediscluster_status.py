#!/usr/bin/python
# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: write a RedisCluster's status once per reconcile and record Events about it."""
# Its work is module_utils/rediscluster/status.py, shared with its action (plugins/action/rediscluster_status.py).
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
  - kun.redis.in_process
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
    description: Replicas whose replication link to the master is up (C(status.replicaCount)).
    type: int
  sentinel_count:
    description: Sentinels that monitor the group and see the master (C(status.sentinelCount)).
    type: int
  observed_generation:
    description: The C(metadata.generation) this reconcile acted on (C(status.observedGeneration)).
    type: int
  failed_reconciles:
    description:
      - Reconciles in a row that ended Failed, this one included; C(0) after one that did not
        (C(status.failedReconciles)).
    type: int
  reconcile_seconds:
    description:
      - How long this reconcile took until now (C(status.reconcileSeconds)). Written only with a status that is
        written anyway, since a duration differs at every reconcile and alone it never causes a write.
    type: float
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

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kun.redis.plugins.module_utils.module_work import finish
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.status import argument_spec, write_status


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    finish(module, write_status)


if __name__ == "__main__":
    main()
