#!/usr/bin/python
# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: observe a Redis group and its Sentinels, plan the corrections, carry them out, report."""
# Its work is module_utils/topology/heal.py, shared with its action (plugins/action/redis_sentinel_heal.py).
# Ansible's module layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
module: redis_sentinel_heal
short_description: Keep one Redis master, its replicas and its Sentinels in agreement
description:
  - Observes every Redis node and Sentinel of one group in parallel, computes a plan with pure functions and carries
    it out, then reports the topology. A no-op run on a healthy group makes one round trip per process.
  - The master is the one a Sentinel quorum names when it is reachable; else the reachable node with the highest
    replication offset in the newest replication history. An empty node is never chosen over one with data, and a
    fresh group (no Sentinel knows it, every node empty) is bootstrapped on the first node.
  - Nothing is changed while a Sentinel fails the group over, or while Sentinel is about to replace a master it names.
    A master a Sentinel quorum names is not kept when it is a node restarted empty before Sentinel noticed, while
    a reachable replica still holds data from another history, because its replicas would resync to nothing from it;
    nor when it stands alone beside another master with data the Sentinels never saw as its replica (Sentinels
    restarted with the nodes monitor a guess).
  - No master is chosen by data until more than half of I(size) nodes answer with their data loaded, unless no node
    has data, because after every node restarted at once the one still starting may hold the newest writes. Then the
    one with the most data wins (the highest offset of the newest history, then the most keys).
  - Every other reachable node is made a replica of the master (a second master is demoted and reported). Every
    reachable Sentinel is made to monitor the master under I(group) with the given settings and auth-pass. Sentinels
    that list gone or stale replicas or Sentinels are reset one at a time, each waited for until it sees the
    topology again.
version_added: "0.1.0"
extends_documentation_fragment:
  - kun.redis.redis_connection
  - kun.redis.in_process
options:
  sentinels:
    description: The Sentinels that monitor the group.
    type: list
    elements: dict
    default: []
    suboptions:
      address:
        description: The IP address (or resolvable name) to connect to.
        type: str
        required: true
      port:
        description: The Sentinel port.
        type: int
        default: 26379
      hostname:
        description: A stable hostname the Sentinel announces itself by.
        type: str
  group:
    description:
      - The Sentinel master group name, unique to the cluster (for example C(<namespace>-<name>)).
      - C(mymaster) is refused, because Sentinels of different clusters would merge groups of that name.
    type: str
    required: true
  quorum:
    description: Sentinels that must agree the master is down. Defaults to a majority of I(sentinels).
    type: int
  down_after_milliseconds:
    description: Sentinel C(down-after-milliseconds).
    type: int
    default: 5000
  failover_timeout:
    description: Sentinel C(failover-timeout), in milliseconds.
    type: int
    default: 10000
  parallel_syncs:
    description: Sentinel C(parallel-syncs).
    type: int
    default: 1
  wait_timeout:
    description: Seconds to wait for a reset Sentinel to see the master, its replicas and the other Sentinels again.
    type: float
    default: 30
  size:
    description:
      - How many Redis nodes the group has, listed in I(nodes) or not (a pod without an address yet). A node not
        listed counts as one still loading its data.
      - Defaults to the number of I(nodes).
    type: int
  previous_master:
    description: The master (C(address:port)) reported last time; a different master now yields FailoverDetected.
    type: str
attributes:
  check_mode:
    support: full
    description: Reports the plan and the same C(changed) as a real run, without changing anything.
author:
  - redis-kun operator developers (@redis-kun)
"""

EXAMPLES = r"""
- name: Heal the group's topology
  kun.redis.redis_sentinel_heal:
    group: "{{ ansible_operator_meta.namespace }}-{{ ansible_operator_meta.name }}"
    nodes:
      - {address: 10.0.0.11, hostname: redis-0.redis.default.svc.cluster.local}
      - {address: 10.0.0.12, hostname: redis-1.redis.default.svc.cluster.local}
      - {address: 10.0.0.13, hostname: redis-2.redis.default.svc.cluster.local}
    sentinels:
      - {address: 10.0.0.21}
      - {address: 10.0.0.22}
      - {address: 10.0.0.23}
    password: "{{ redis_password | default(omit) }}"
    size: 3
    previous_master: 10.0.0.11:6379  # address:port, as the last run returned it (master.name)
  register: topology
"""

RETURN = r"""
master:
  description: The master after the run (name, address, port, hostname); null when there is none to name.
  returned: always
  type: dict
master_source:
  description: How the master was chosen (sentinel quorum, data, bootstrap, none).
  returned: always
  type: str
replicas:
  description: Every other reachable node, its master, whether its link is up, its lag in bytes and in seconds.
  returned: always
  type: list
  elements: dict
unreachable_members:
  description:
    - Nodes and Sentinels that did not answer, each with the cause.
    - Not named C(unreachable), a key Ansible would read as "the host running the module is unreachable".
  returned: always
  type: list
  elements: dict
sentinels:
  description: What each Sentinel sees of the group (master, replicas, other Sentinels, failover in progress).
  returned: always
  type: list
  elements: dict
actions:
  description: The actions taken (in check mode, that would be taken), each with kind, target, reason and args.
  returned: always
  type: list
  elements: dict
events:
  description: >-
    Facts worth a Kubernetes Event, each with reason (Bootstrapped, SplitBrainResolved, ReplicaRepointed,
    MasterPromoted, SentinelMonitorSet, SentinelReset, FailoverDetected), message and type (Normal or Warning).
    In check mode, those the actions would produce.
  returned: always
  type: list
  elements: dict
healthy:
  description: One master, every node reachable and in sync with it, every Sentinel agreeing, nothing left to do.
  returned: always
  type: bool
message:
  description: One line fit for a status condition.
  returned: always
  type: str
  sample: "Cluster ok: master 10.0.0.11:6379, 2 replicas in sync, 3 Sentinels agree"
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kun.redis.plugins.module_utils.module_work import finish
from ansible_collections.kun.redis.plugins.module_utils.topology.heal import argument_spec, heal


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    finish(module, heal)


if __name__ == "__main__":
    main()
