"""The one place that talks to the Kubernetes API for this repository's modules.

Configuration is looked up as kubernetes.core does it, so a module finds the same cluster as the role's
kubernetes.core tasks: an explicit kubeconfig (option or K8S_AUTH_KUBECONFIG, which ansible-operator sets to its
proxy), then $KUBECONFIG, then the pod's service account, then ~/.kube/config. The kubernetes library loads it
(tokens, client certificates, exec plugins).

Requests carry plain JSON through the library's REST transport, by path: the library's generated API classes
import a pydantic model per Kubernetes type, about a second of CPU in every module run, several times the requests
themselves (the operator's no-op reconcile, bench/reconcile.py).
Modules call `missing_kubernetes_library()` first so a host without the client gets Ansible's usual message.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote, urlencode

from ansible.module_utils.basic import env_fallback

try:
    from kubernetes import config
    from kubernetes.client.configuration import Configuration
    from kubernetes.client.exceptions import ApiException
    from kubernetes.client.rest import RESTClientObject

    KUBERNETES_IMPORT_ERROR: ImportError | None = None
except ImportError as error:  # reported by the module through missing_required_lib
    KUBERNETES_IMPORT_ERROR = error

MERGE_PATCH = "application/merge-patch+json"
REQUEST_TIMEOUT_SECONDS = 30


def missing_kubernetes_library() -> ImportError | None:
    return KUBERNETES_IMPORT_ERROR


def object_path(api_version: str, plural: str, namespace: str, name: str = "", subresource: str = "") -> str:
    """The REST path of a namespaced collection, or of one object (and its subresource) when `name` is given."""
    group_version = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
    path = f"{group_version}/namespaces/{quote(namespace, safe='')}/{plural}"
    for part in (name, subresource):
        if part:
            path += f"/{quote(part, safe='')}"
    return path


class KubeApi:
    """JSON requests to one API server; an answer outside 2xx raises the library's ApiException (status, body)."""

    def __init__(self, configuration: Configuration):
        self.configuration = configuration
        self._rest = RESTClientObject(configuration)

    def get(self, path: str, **query: str) -> dict:
        return self._request("GET", f"{path}?{urlencode(query)}" if query else path)

    def create(self, path: str, body: dict) -> dict:
        return self._request("POST", path, body, "application/json")

    def merge_patch(self, path: str, body: dict) -> dict:
        return self._request("PATCH", path, body, MERGE_PATCH)

    def _request(self, method: str, path: str, body: dict | None = None, content_type: str = "") -> dict:
        headers = {"Accept": "application/json", **self._credentials()}
        if content_type:
            headers["Content-Type"] = content_type
        response = self._rest.request(
            method,
            self.configuration.host + path,
            headers=headers,
            body=body,  # the transport serializes JSON bodies itself
            _request_timeout=REQUEST_TIMEOUT_SECONDS,
        )
        data = response.read()
        if not 200 <= response.status < 300:
            raise ApiException(status=response.status, reason=response.reason, body=data.decode(errors="replace"))
        return json.loads(data) if data else {}

    def _credentials(self) -> dict:
        """The Authorization header the configuration calls for: a bearer token (refreshed by exec plugins and
        in-cluster token rotation through the library's hook), basic auth, or none (client certificates)."""
        token = self.configuration.get_api_key_with_prefix("BearerToken", alias="authorization")
        if token:
            return {"Authorization": token}
        if self.configuration.username or self.configuration.password:
            return {"Authorization": self.configuration.get_basic_auth_token()}
        return {}


def api_client(kubeconfig: str | None = None, context: str | None = None) -> KubeApi:
    """A client for the first configuration found; `kubeconfig` may list several files separated by ':'."""
    configuration = Configuration()
    kubeconfig = kubeconfig or os.environ.get("KUBECONFIG")
    if not kubeconfig and os.environ.get("KUBERNETES_SERVICE_HOST"):
        config.load_incluster_config(client_configuration=configuration)
    else:
        config.load_kube_config(
            config_file=kubeconfig or "~/.kube/config", context=context, client_configuration=configuration
        )
    return KubeApi(configuration)


def error_message(error: ApiException) -> str:
    """The API server's own message (its Status body), else the HTTP status."""
    try:
        return json.loads(error.body)["message"]
    except (TypeError, ValueError, KeyError):
        return f"{error.status} {error.reason}"


def connection_argument_spec() -> dict:
    """The options of doc_fragments/kube_connection.py, with kubernetes.core's environment fallbacks."""
    return {
        "kubeconfig": {"type": "path", "fallback": (env_fallback, ["K8S_AUTH_KUBECONFIG"])},
        "context": {"type": "str", "fallback": (env_fallback, ["K8S_AUTH_CONTEXT"])},
    }


def connect(params: dict) -> KubeApi:
    """A client for a module's connection options (connection_argument_spec)."""
    return api_client(params["kubeconfig"], params["context"])
