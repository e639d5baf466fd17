#!/usr/bin/python
# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: JSON merge patches of named Kubernetes objects of one resource."""
# Its work is module_utils/kube/merge_patch.py, shared with its action (plugins/action/kube_merge_patch.py).
# Ansible's module layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
module: kube_merge_patch
short_description: Merge-patch named Kubernetes objects of one resource
description:
  - For each of I(patches), reads the object its C(metadata.name) names in I(namespace) and, unless the object
    already holds everything the patch sets, sends the patch as a JSON merge patch (RFC 7386).
  - A merge patch sets the maps it gives key by key and replaces every list it gives whole, so a list entry can be
    removed; a key set to C(null) is removed.
  - With I(create), a patch whose object does not exist is created as it is, so it must then be a whole object.
  - Check mode sends each write as a server-side dry run (C(dryRun=All)), which the API server validates, admission
    included, and does not persist.
version_added: "0.1.0"
requirements:
  - PyYAML (to read a kubeconfig)
extends_documentation_fragment:
  - kun.redis.kube_connection
  - kun.redis.in_process
options:
  api_version:
    description: API group and version of the objects, C(v1) for the core group.
    type: str
    required: true
  resource:
    description: Resource (plural) name of the objects, for example C(pods).
    type: str
    required: true
  namespace:
    description: Namespace of the objects.
    type: str
    required: true
  patches:
    description:
      - The patches, each a partial object with at least C(metadata.name); the name is also the object patched.
      - C(apiVersion), C(kind) and C(metadata.namespace) may be given too, and must then be the object's.
    type: list
    elements: dict
    required: true
  create:
    description: Create the object of a patch when it does not exist, instead of failing.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Each write is sent as a server-side dry run.
author:
  - redis-kun operator developers (@redis-kun)
"""

EXAMPLES = r"""
- name: Label two Redis pods with their role
  kun.redis.kube_merge_patch:
    api_version: v1
    resource: pods
    namespace: default
    patches:
      - metadata: {name: redis-cluster-test-0, labels: {redis.kun/role: master}}
      - metadata: {name: redis-cluster-test-1, labels: {redis.kun/role: replica}}

- name: Keep a Secret as given, creating it when it is missing
  kun.redis.kube_merge_patch:
    api_version: v1
    resource: secrets
    namespace: default
    create: true
    patches:
      - apiVersion: v1
        kind: Secret
        metadata: {name: redis-auth-test}
        type: Opaque
        data: {password: "{{ 'Pa55word' | ansible.builtin.b64encode }}"}
  no_log: true

- name: Replace the owner references of a claim (an empty list removes them all)
  kun.redis.kube_merge_patch:
    api_version: v1
    resource: persistentvolumeclaims
    namespace: default
    patches:
      - metadata: {name: redis-data-redis-cluster-test-0, ownerReferences: []}
"""

RETURN = r"""
patched:
  description:
    - The names of the objects patched, in the order given (in check mode, those whose dry run passed); an object
      that already held its patch is not among them.
  returned: always
  type: list
  elements: str
  sample: [redis-cluster-test-0, redis-cluster-test-1]
created:
  description: The names of the objects created (with I(create)), in the order given.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kun.redis.plugins.module_utils.kube.merge_patch import argument_spec, merge_patch_objects
from ansible_collections.kun.redis.plugins.module_utils.module_work import finish


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    finish(module, merge_patch_objects)


if __name__ == "__main__":
    main()
