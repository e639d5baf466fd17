"""The one place that builds a Kubernetes API client for this repository's modules.

Configuration is looked up as kubernetes.core does it, so a module finds the same cluster as the role's
kubernetes.core tasks: an explicit kubeconfig (option or K8S_AUTH_KUBECONFIG, which ansible-operator sets to its
proxy), then $KUBECONFIG, then the pod's service account, then ~/.kube/config.
Modules call `missing_kubernetes_library()` first so a host without the client gets Ansible's usual message.
"""

from __future__ import annotations

import os

try:
    from kubernetes import client, config

    KUBERNETES_IMPORT_ERROR: ImportError | None = None
except ImportError as error:  # reported by the module through missing_required_lib
    KUBERNETES_IMPORT_ERROR = error

MERGE_PATCH = "application/merge-patch+json"


def missing_kubernetes_library() -> ImportError | None:
    return KUBERNETES_IMPORT_ERROR


def api_client(kubeconfig: str | None = None, context: str | None = None) -> client.ApiClient:
    """A client for the first configuration found; `kubeconfig` may list several files separated by ':'."""
    kubeconfig = kubeconfig or os.environ.get("KUBECONFIG")
    if not kubeconfig and os.environ.get("KUBERNETES_SERVICE_HOST"):
        configuration = client.Configuration()
        config.load_incluster_config(client_configuration=configuration)
        return client.ApiClient(configuration)
    return config.new_client_from_config(config_file=kubeconfig or "~/.kube/config", context=context)
