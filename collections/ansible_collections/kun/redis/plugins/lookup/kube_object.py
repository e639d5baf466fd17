# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup plugin: one namespaced Kubernetes object, read in the controller's process."""
# Ansible's plugin layout puts DOCUMENTATION, EXAMPLES and RETURN before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: kube_object
author:
  - redis-kun operator developers (@redis-kun)
short_description: One namespaced Kubernetes object as the API server returns it, or an empty mapping when there is none
description:
  - One GET, sent from the controller's process with the collection's own client (module_utils/kube/client.py). A
    task of every reconcile that needs one object's content then starts no module process, as
    M(kubernetes.core.k8s_info) would (1 to 2 s each).
  - An absent object is C({}). Any other answer outside 2xx fails the lookup with the API server's message.
  - The object is returned whole. For a Secret, set C(no_log) on the task that uses it.
options:
  api_version:
    description: The object's API version, C(v1) or C(<group>/<version>).
    type: str
    required: true
  resource:
    description: The plural resource name, such as C(secrets).
    type: str
    required: true
  namespace:
    description: The object's namespace (a namespaced object only).
    type: str
    required: true
  name:
    description: The object's name.
    type: str
    required: true
  kubeconfig:
    description:
      - Path of a kubeconfig file. Without one, C(K8S_AUTH_KUBECONFIG), then C($KUBECONFIG), then the pod's
        service account, then C(~/.kube/config), as the collection's modules find the API server.
    type: path
  context:
    description: Context of the kubeconfig to use; also from C(K8S_AUTH_CONTEXT).
    type: str
"""

EXAMPLES = r"""
- name: Read the Secret the password is in
  ansible.builtin.set_fact:
    password_secret: >-
      {{ lookup('kun.redis.kube_object', api_version='v1', resource='secrets', namespace='default',
                name='redis-auth') }}
  no_log: true
"""

RETURN = r"""
_raw:
  description: The object, or an empty mapping when there is none.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.lookup import LookupBase
from ansible_collections.kun.redis.plugins.module_utils.kube.client import (
    KubeApiError,
    connect,
    connection_argument_spec,
    error_message,
    object_path,
)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        options = {name: self.get_option(name) for name in ("kubeconfig", "context") if self.get_option(name)}
        # The modules' spec, so that the environment fallbacks (K8S_AUTH_*) are the same as theirs.
        connection = ArgumentSpecValidator(connection_argument_spec()).validate(options).validated_parameters
        path = object_path(
            self.get_option("api_version"),
            self.get_option("resource"),
            self.get_option("namespace"),
            self.get_option("name"),
        )
        try:
            return [connect(connection).get(path)]
        except KubeApiError as error:
            if error.status == 404:
                return [{}]
            raise AnsibleLookupError(f"cannot read {path}: {error_message(error)}") from None
