#!/usr/bin/python
# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: what a reconcile needs to know of a RedisCluster's Kubernetes side, in one request per kind."""
# Its work is module_utils/rediscluster/observe.py, shared with its action (plugins/action/rediscluster_observe.py).
# Ansible's module layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
module: rediscluster_observe
short_description: Observe a RedisCluster's pods, data claims and objects
description:
  - Lists the pods of one RedisCluster (one request, by its I(labels)) and returns only what the reconcile needs of
    them, not the pods themselves.
  - Lists its Redis data volume claims (a second request, by I(claim_labels)) with their owner references.
  - Lists the objects of the kinds given in I(objects) (one request per kind, by its I(labels)), so that the
    reconcile applies only the objects that differ from their rendering.
  - A member is a running pod (it has an IP and is not being deleted) among the I(hosts) the spec wants, with the
    stable FQDN its headless Service gives it; members come in the order of I(hosts).
  - The labels and the hosts are the caller's, so that what is listed is what the caller's templates label, and the
    members are the hosts its pods' scripts search.
  - Reads only; check mode reads as well.
version_added: "0.1.0"
requirements:
  - PyYAML (to read a kubeconfig)
extends_documentation_fragment:
  - kun.redis.kube_connection
  - kun.redis.in_process
options:
  namespace:
    description: Namespace of the RedisCluster.
    type: str
    required: true
  labels:
    description: The labels every pod and object of the RedisCluster carries, by which they are listed.
    type: dict
    required: true
  claim_labels:
    description: The labels of the RedisCluster's Redis data volume claims, by which they are listed.
    type: dict
    required: true
  redis:
    description: The Redis StatefulSet.
    type: dict
    required: true
    suboptions: &statefulset
      name:
        description: Name of the StatefulSet; its pods are C(<name>-<ordinal>).
        type: str
        required: true
      hosts:
        description:
          - The FQDNs C(<pod>.<headless Service domain>) of the pods the spec wants, in ordinal order; members are
            the running pods among them.
        type: list
        elements: str
        required: true
      port:
        description: The port its pods listen on, the members' I(port).
        type: int
        required: true
  sentinel:
    description: The Sentinel StatefulSet (no I(hosts) when the cluster has no Sentinels).
    type: dict
    required: true
    suboptions: *statefulset
  role_label:
    description: The pod label that holds a Redis pod's role (C(master) or C(replica)).
    type: str
    required: true
  objects:
    description: The kinds of the cluster's own objects to list, by API version and resource (plural) name.
    type: list
    elements: dict
    default: []
    suboptions:
      api_version:
        description: API group and version, C(v1) for the core group.
        type: str
        required: true
      resource:
        description: Resource name, for example C(statefulsets).
        type: str
        required: true
attributes:
  check_mode:
    support: full
    description: Reads, as outside check mode.
author:
  - redis-kun operator developers (@redis-kun)
"""

EXAMPLES = r"""
- name: Observe the RedisCluster test
  kun.redis.rediscluster_observe:
    namespace: default
    labels: {app.kubernetes.io/instance: test, app.kubernetes.io/part-of: rediscluster}
    claim_labels: {app.kubernetes.io/instance: test, app.kubernetes.io/component: redis}
    redis:
      name: redis-cluster-test
      hosts:
        - redis-cluster-test-0.redis-cluster-test.default.svc.cluster.local
        - redis-cluster-test-1.redis-cluster-test.default.svc.cluster.local
        - redis-cluster-test-2.redis-cluster-test.default.svc.cluster.local
      port: 6379
    sentinel:
      name: redis-sentinel-test
      hosts:
        - redis-sentinel-test-0.redis-sentinel-headless-test.default.svc.cluster.local
        - redis-sentinel-test-1.redis-sentinel-headless-test.default.svc.cluster.local
        - redis-sentinel-test-2.redis-sentinel-headless-test.default.svc.cluster.local
      port: 26379
    role_label: redis.kun/role
    objects:
      - {api_version: v1, resource: configmaps}
      - {api_version: apps/v1, resource: statefulsets}
  register: observed
"""

RETURN = r"""
redis_endpoints:
  description: The running Redis pods within the spec, as the Redis modules take their I(nodes).
  returned: always
  type: list
  elements: dict
  sample:
    - {address: 10.244.1.2, port: 6379, hostname: redis-cluster-test-0.redis-cluster-test.default.svc.cluster.local}
sentinel_endpoints:
  description: The running Sentinel pods within the spec, as the Redis modules take their I(sentinels).
  returned: always
  type: list
  elements: dict
redis_pods:
  description: The same Redis pods with their name, hostname, address, readiness, role label and StatefulSet revision.
  returned: always
  type: list
  elements: dict
  sample:
    - name: redis-cluster-test-0
      hostname: redis-cluster-test-0.redis-cluster-test.default.svc.cluster.local
      address: 10.244.1.2
      ready: true
      role: master
      revision: redis-cluster-test-5d4f8b7c9
sentinel_pods:
  description: The same Sentinel pods with the same fields.
  returned: always
  type: list
  elements: dict
redis_pod_count:
  description: Pods of the Redis StatefulSet in any state, wanted or not (scaling shows as a difference to the spec).
  returned: always
  type: int
sentinel_pod_count:
  description: Pods of the Sentinel StatefulSet in any state.
  returned: always
  type: int
redis_claims:
  description: The Redis data volume claims of the cluster, by name, with their owner references.
  returned: always
  type: list
  elements: dict
  sample:
    - name: redis-data-redis-cluster-test-0
      owner_references: [{apiVersion: redis.kun/v1beta1, kind: RedisCluster, name: test, uid: 5b1c...}]
live_objects:
  description:
    - The cluster's objects of the kinds in I(objects), each with its C(apiVersion) and C(kind), without
      C(metadata.managedFields).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kun.redis.plugins.module_utils.module_work import finish
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.observe import argument_spec, observe_cluster


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    finish(module, observe_cluster)


if __name__ == "__main__":
    main()
