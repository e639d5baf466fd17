#!/usr/bin/python
# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: bring the live configuration of Redis nodes to the desired map with CONFIG SET, without restarts."""
# Its work is module_utils/config/set_config.py, shared with its action (plugins/action/redis_config_set.py).
# Ansible's module layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
module: redis_config_set
short_description: Apply a Redis configuration map to running nodes with CONFIG SET
description:
  - Computes the desired configuration as the reference operator does (the user's I(config), the persistence presets
    of I(disable_persistence), C(replica-priority 1), min-replicas settings), reads the live values with CONFIG GET,
    and sets only the keys whose canonical values differ (memory units, yes/no and lists compared as Redis prints them).
  - Persists the change with CONFIG REWRITE on nodes that run from a configuration file.
  - Keys the operator owns (replicaof, passwords, files, ports) or that Redis cannot change while running are refused,
    naming each key and why; a refused or unknown key changes nothing on any node.
version_added: "0.1.0"
extends_documentation_fragment:
  - kun.redis.redis_connection
  - kun.redis.in_process
options:
  config:
    description: The user's configuration (C(spec.config) of the RedisCluster), key to value.
    type: dict
    default: {}
  disable_persistence:
    description:
      - C(false) adds, where I(config) does not set them, appendonly yes, auto-aof-rewrite-min-size 536870912,
        auto-aof-rewrite-percentage 100, repl-backlog-size 62914560, repl-diskless-sync yes, aof-load-truncated yes,
        stop-writes-on-bgsave-error no and save "900 1 300 10".
      - C(true) forces appendonly no and save "".
    type: bool
    default: false
  min_replicas_to_write:
    description: C(min-replicas-to-write), so that an isolated master refuses writes.
    type: int
  min_replicas_max_lag:
    description: C(min-replicas-max-lag), in seconds.
    type: int
attributes:
  check_mode:
    support: full
    description: Reports the keys that would change on each node, without changing anything.
author:
  - redis-kun operator developers (@redis-kun)
"""

EXAMPLES = r"""
- name: Apply the cluster's configuration
  kun.redis.redis_config_set:
    nodes: "{{ redis_pods | map(attribute='status.podIP') | map('community.general.dict_kv', 'address') | list }}"
    password: "{{ redis_password | default(omit) }}"
    config: "{{ _redis_kun_rediscluster_spec.config | default({}) }}"
    disable_persistence: "{{ _redis_kun_rediscluster_spec.disablePersistence | default(false) }}"
    min_replicas_to_write: 1
    min_replicas_max_lag: 10
"""

RETURN = r"""
desired:
  description: The final configuration map every node should run with.
  returned: always
  type: dict
nodes:
  description: Per node, the keys changed (or, in check mode, that would change) with their values before and after.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "10.0.0.11:6379", "changed": {"hz": {"before": "10", "after": "12"}}, "rewritten": true}]
unreachable_members:
  description:
    - Nodes that did not answer, each with the cause; nothing is changed on them.
    - Not named C(unreachable), a key Ansible would read as "the host running the module is unreachable".
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kun.redis.plugins.module_utils.config.set_config import argument_spec, set_config
from ansible_collections.kun.redis.plugins.module_utils.module_work import finish


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    finish(module, set_config)


if __name__ == "__main__":
    main()
