#!/usr/bin/python
# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: what a reconcile needs to know of a RedisCluster's Kubernetes side, in one request per kind."""
# Ansible's module layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
module: rediscluster_observe
short_description: Observe a RedisCluster's pods, data claims and objects
description:
  - Lists the pods of one RedisCluster (one request, by its instance label) and returns only what the reconcile
    needs of them, not the pods themselves.
  - Lists its Redis data volume claims (a second request) with their owner references.
  - Lists the objects of the kinds given in I(objects) (one request per kind, by its instance label), so that the
    reconcile applies only the objects that differ from their rendering.
  - A member is a running pod (it has an IP and is not being deleted) among the ordinals the spec wants, with the
    stable FQDN its headless Service gives it; members come in ordinal order.
  - Reads only; check mode reads as well.
version_added: "0.1.0"
requirements:
  - PyYAML (to read a kubeconfig)
extends_documentation_fragment:
  - kun.redis.kube_connection
options:
  namespace:
    description: Namespace of the RedisCluster.
    type: str
    required: true
  instance:
    description: Name of the RedisCluster, the value of its pods' C(app.kubernetes.io/instance) label.
    type: str
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
      domain:
        description: DNS domain of its headless Service, the suffix of each pod's FQDN.
        type: str
        required: true
      replicas:
        description: How many pods the spec wants; members are the running pods of ordinals below it.
        type: int
        required: true
  sentinel:
    description: The Sentinel StatefulSet (I(replicas) 0 when the cluster has no Sentinels).
    type: dict
    required: true
    suboptions: *statefulset
  role_label:
    description: The pod label that holds a Redis pod's role (C(master) or C(replica)).
    type: str
    default: redis.kun/role
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
    instance: test
    redis:
      name: redis-cluster-test
      domain: redis-cluster-test.default.svc.cluster.local
      replicas: 3
    sentinel:
      name: redis-sentinel-test
      domain: redis-sentinel-headless-test.default.svc.cluster.local
      replicas: 3
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

from urllib.parse import quote

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kun.redis.plugins.module_utils.kube.client import (
    KubeApiError,
    connect,
    connection_argument_spec,
    error_message,
    list_items,
    object_path,
)
from ansible_collections.kun.redis.plugins.module_utils.rediscluster.members import claims, cluster_members

# The labels every pod and object of a RedisCluster carries (roles/rediscluster/vars/main.yml), and those of its
# data claims.
PART_OF = "app.kubernetes.io/part-of=rediscluster"
REDIS_COMPONENT = "app.kubernetes.io/component=redis"


def argument_spec() -> dict:
    statefulset = {
        "name": {"type": "str", "required": True},
        "domain": {"type": "str", "required": True},
        "replicas": {"type": "int", "required": True},
    }
    return {
        "namespace": {"type": "str", "required": True},
        "instance": {"type": "str", "required": True},
        "redis": {"type": "dict", "required": True, "options": statefulset},
        "sentinel": {"type": "dict", "required": True, "options": statefulset},
        "role_label": {"type": "str", "default": "redis.kun/role"},
        "objects": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "api_version": {"type": "str", "required": True},
                "resource": {"type": "str", "required": True},
            },
        },
        **connection_argument_spec(),
    }


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    instance = f"app.kubernetes.io/instance={params['instance']}"
    try:
        api = connect(params)
        pods = api.get(object_path("v1", "pods", params["namespace"]), labelSelector=f"{instance},{PART_OF}")
        pvcs = api.get(
            object_path("v1", "persistentvolumeclaims", params["namespace"]),
            labelSelector=f"{instance},{REDIS_COMPONENT}",
        )
        objects = []
        for kind in params["objects"]:
            collection = object_path(kind["api_version"], kind["resource"], params["namespace"])
            listed = list_items(api.get(collection, labelSelector=f"{instance},{PART_OF}"))
            if listed:
                # One object of the kind read alone: ansible-operator's proxy starts watching a kind for the
                # RedisCluster when it answers a GET of one object the RedisCluster owns (a list, or the PATCH of a
                # server-side apply, does not), so that deleting or changing any of them reconciles at once.
                api.get(f"{collection}/{quote(listed[0]['metadata']['name'], safe='')}")
            objects += listed
    except KubeApiError as error:
        module.fail_json(
            msg=f"cannot list the pods, claims and objects of RedisCluster {params['namespace']}/{params['instance']}: "
            f"{error_message(error)}"
        )
    members = cluster_members(pods.get("items") or [], params["redis"], params["sentinel"], params["role_label"])
    module.exit_json(changed=False, redis_claims=claims(pvcs.get("items") or []), live_objects=objects, **members)


if __name__ == "__main__":
    main()
