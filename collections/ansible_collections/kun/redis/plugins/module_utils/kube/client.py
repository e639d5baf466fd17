# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that talks to the Kubernetes API for this repository's modules.

Configuration is looked up as kubernetes.core does it, so a module finds the same cluster as the role's
kubernetes.core tasks: an explicit kubeconfig (option or K8S_AUTH_KUBECONFIG), then $KUBECONFIG, then the pod's
service account, then ~/.kube/config. Under the operator it is always the first: ansible-operator hands every run a
kubeconfig of its caching proxy on localhost:8888 (plain HTTP, the reconciled resource as the basic-auth user), and
the proxy reaches the API server with the operator's service account.

Requests carry plain JSON over the standard library's http.client and ssl. Importing the kubernetes library costs
about 0.6 s of CPU in every module run (it loads a class per Kubernetes type), more than the requests themselves,
and the operator runs these modules in every reconcile (bench/reconcile.py). The library is imported only for a
kubeconfig user that needs it: an exec plugin or an auth provider, which it turns into a token or a certificate.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from ansible.module_utils.basic import env_fallback, missing_required_lib

try:  # PyYAML comes with Ansible on the controller; a module's interpreter may lack it, and is then told so
    import yaml
except ImportError:
    yaml = None

MERGE_PATCH = "application/merge-patch+json"
REQUEST_TIMEOUT_SECONDS = 30
SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class KubeApiError(Exception):
    """An answer outside 2xx (`status` and the server's `body`), or no answer at all (`status` 0)."""

    def __init__(self, status: int, reason: str, body: str = ""):
        super().__init__(f"{status} {reason}" if status else reason)
        self.status, self.reason, self.body = status, reason, body


class KubeConfigError(ValueError):
    """A kubeconfig that names what it does not define, or asks for what this client cannot do."""


@dataclass(frozen=True)
class Connection:
    """Where the API server is and how to prove who we are; PEM texts, never files, so that nothing is left on disk."""

    server: str
    ca_pem: str = ""  # empty: the system's trust store
    insecure: bool = False
    cert_pem: str = ""  # a client certificate and its key...
    key_pem: str = ""
    authorization: str = ""  # ...or an Authorization header (a bearer token)
    # ansible-operator's proxy takes the basic-auth user of the kubeconfig it hands a run as the resource the run
    # reconciles: on a create it injects that owner reference and watches the created kind; on a GET of one object
    # that the owner owns, answered from its cache, it (re)starts the watch of that kind.
    proxy_owner: str = ""


def _read(path: str | Path) -> str:
    return Path(path).read_text()


def _pem(entry: dict, key: str, base: Path) -> str:
    """A kubeconfig's `<key>-data` (base64) or `<key>` (a file, relative to the kubeconfig that names it)."""
    if entry.get(f"{key}-data"):
        return base64.b64decode(entry[f"{key}-data"]).decode()
    if entry.get(key):
        return _read(base / entry[key])
    return ""


def _load(path: Path) -> dict:
    if yaml is None:
        raise KubeConfigError(f"reading the kubeconfig {path} needs PyYAML: {missing_required_lib('PyYAML')}")
    try:
        return yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        # PyYAML's message quotes the offending line, which may hold a token: name only the file and the line.
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise KubeConfigError(f"the kubeconfig {path} is not valid YAML{where}") from None


def _named(loaded: dict, section: str, field: str) -> dict[str, dict]:
    return {item["name"]: item.get(field) or {} for item in loaded.get(section) or []}


def kubeconfig_connection(kubeconfig: str, context: str | None = None) -> Connection:
    """The connection of a context (the current one unless named) of one kubeconfig file: ansible-operator's proxy
    kubeconfig, or an administrator's for running the playbook or a module outside the operator. kubectl's merge of
    several files (KUBECONFIG=a:b) serves neither, and is refused with a message."""
    if os.pathsep in kubeconfig:
        raise KubeConfigError(f"{kubeconfig} names several kubeconfig files: these modules read one; name it alone")
    path = Path(kubeconfig).expanduser()
    loaded = _load(path)
    contexts = _named(loaded, "contexts", "context")
    name = context or loaded.get("current-context", "")
    if name not in contexts:
        raise KubeConfigError(f"context {name!r} is not defined in the kubeconfig {kubeconfig}")
    cluster_name, user_name = contexts[name].get("cluster", ""), contexts[name].get("user", "")
    clusters = _named(loaded, "clusters", "cluster")
    if cluster_name not in clusters:
        raise KubeConfigError(f"cluster {cluster_name!r} of context {name!r} is not defined in {kubeconfig}")
    cluster, user = clusters[cluster_name], _named(loaded, "users", "user").get(user_name, {})
    for unsupported in ("proxy-url", "tls-server-name"):
        if cluster.get(unsupported):
            raise KubeConfigError(f"cluster {cluster_name!r} sets {unsupported}, which these modules do not support")
    if user.get("exec") or user.get("auth-provider"):
        return _library_connection(kubeconfig, name)
    base = path.parent  # relative paths in a kubeconfig are relative to its file
    token = user.get("token") or (_read(base / user["tokenFile"]).strip() if user.get("tokenFile") else "")
    basic = f"{user.get('username', '')}:{user.get('password', '')}"
    return Connection(
        server=cluster["server"],
        ca_pem=_pem(cluster, "certificate-authority", base),
        insecure=bool(cluster.get("insecure-skip-tls-verify")),
        cert_pem=_pem(user, "client-certificate", base),
        key_pem=_pem(user, "client-key", base),
        authorization=f"Bearer {token}" if token else "",
        proxy_owner=f"Basic {base64.b64encode(basic.encode()).decode()}" if user.get("username") else "",
    )


def _library_connection(kubeconfig: str, context: str) -> Connection:
    """Let the kubernetes library run the user's exec plugin or auth provider, and keep what it obtained."""
    try:
        from kubernetes import config  # about 0.6 s: imported only for the users that need it
        from kubernetes.client.configuration import Configuration
    except ImportError as error:
        raise KubeConfigError(
            f"context {context!r} authenticates with an exec plugin or an auth provider, which needs the kubernetes "
            f"Python library: {error}"
        ) from error
    configuration = Configuration()
    config.load_kube_config(config_file=kubeconfig, context=context, client_configuration=configuration)
    return Connection(
        server=configuration.host,
        ca_pem=_read(configuration.ssl_ca_cert) if configuration.ssl_ca_cert else "",
        insecure=not configuration.verify_ssl,
        cert_pem=_read(configuration.cert_file) if configuration.cert_file else "",
        key_pem=_read(configuration.key_file) if configuration.key_file else "",
        authorization=configuration.get_api_key_with_prefix("BearerToken", alias="authorization") or "",
    )


def incluster_connection() -> Connection:
    """The pod's service account: the API server's Service address, its token and the cluster's CA."""
    host, port = os.environ["KUBERNETES_SERVICE_HOST"], os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    return Connection(
        server=f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}",
        ca_pem=_read(SERVICE_ACCOUNT / "ca.crt"),
        authorization=f"Bearer {_read(SERVICE_ACCOUNT / 'token').strip()}",
    )


def find_connection(kubeconfig: str | None = None, context: str | None = None) -> Connection:
    """The first configuration found, in kubernetes.core's order."""
    kubeconfig = kubeconfig or os.environ.get("KUBECONFIG")
    if not kubeconfig and os.environ.get("KUBERNETES_SERVICE_HOST"):
        return incluster_connection()
    return kubeconfig_connection(kubeconfig or "~/.kube/config", context)


def _tls_context(connection: Connection) -> ssl.SSLContext:
    context = ssl.create_default_context(cadata=connection.ca_pem or None)
    if connection.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if connection.cert_pem:
        # ssl loads a client certificate only from files: private ones, removed as soon as they are read.
        with tempfile.TemporaryDirectory(prefix="kube-client-") as private:
            cert, key = Path(private) / "client.crt", Path(private) / "client.key"
            for path, text in ((cert, connection.cert_pem), (key, connection.key_pem or connection.cert_pem)):
                path.touch(mode=0o600)
                path.write_text(text)
            context.load_cert_chain(cert, key)
    return context


def object_path(api_version: str, plural: str, namespace: str, name: str = "", subresource: str = "") -> str:
    """The REST path of a namespaced collection, or of one object (and its subresource) when `name` is given."""
    group_version = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
    path = f"{group_version}/namespaces/{quote(namespace, safe='')}/{plural}"
    for part in (name, subresource):
        if part:
            path += f"/{quote(part, safe='')}"
    return path


def list_items(listed: Mapping) -> list[dict]:
    """The items of a list response as objects of their own: a list's items carry no apiVersion and kind, and their
    managedFields (who set which field) are bulky and of no use to a reconcile."""
    kind = listed.get("kind", "").removesuffix("List")
    return [
        {
            **item,
            "apiVersion": listed.get("apiVersion", ""),
            "kind": kind,
            "metadata": {key: value for key, value in item.get("metadata", {}).items() if key != "managedFields"},
        }
        for item in listed.get("items") or []
    ]


class KubeApi:
    """JSON requests to one API server over one kept-alive connection."""

    def __init__(self, connection: Connection):
        self.connection = connection
        url = urlsplit(connection.server)
        self._prefix = url.path.rstrip("/")  # a server behind a path (some proxies) keeps it
        if url.scheme == "https":
            self._http: http.client.HTTPConnection = http.client.HTTPSConnection(
                url.hostname, url.port, timeout=REQUEST_TIMEOUT_SECONDS, context=_tls_context(connection)
            )
        else:  # ansible-operator's proxy on localhost
            self._http = http.client.HTTPConnection(url.hostname, url.port, timeout=REQUEST_TIMEOUT_SECONDS)

    def get(self, path: str, **query: str) -> dict:
        return self._request("GET", f"{path}?{urlencode(query)}" if query else path)

    def create(self, path: str, body: dict, owned: bool = True) -> dict:
        """POST an object; `owned=False` hides the reconciled resource from ansible-operator's proxy, which would
        otherwise add it as the new object's owner and watch the object's kind (an Event needs neither)."""
        return self._request("POST", path, body, "application/json", owned)

    def merge_patch(self, path: str, body: dict) -> dict:
        return self._request("PATCH", path, body, MERGE_PATCH)

    def _request(
        self, method: str, path: str, body: dict | None = None, content_type: str = "", owned: bool = True
    ) -> dict:
        headers = {"Accept": "application/json"}
        authorization = self.connection.authorization or (self.connection.proxy_owner if owned else "")
        if authorization:
            headers["Authorization"] = authorization
        if content_type:
            headers["Content-Type"] = content_type
        payload = json.dumps(body).encode() if body is not None else None
        try:
            status, reason, data = self._exchange(method, self._prefix + path, payload, headers)
        except (OSError, http.client.HTTPException) as error:
            raise KubeApiError(0, f"cannot reach the API server {self.connection.server}: {error}") from error
        if not 200 <= status < 300:
            raise KubeApiError(status, reason, data.decode(errors="replace"))
        return json.loads(data) if data else {}

    def _exchange(self, method: str, url: str, payload: bytes | None, headers: dict) -> tuple[int, str, bytes]:
        try:
            return self._send(method, url, payload, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self._http.close()  # the server closed the kept-alive connection meanwhile: open it again, once
            return self._send(method, url, payload, headers)

    def _send(self, method: str, url: str, payload: bytes | None, headers: dict) -> tuple[int, str, bytes]:
        self._http.request(method, url, body=payload, headers=headers)
        response = self._http.getresponse()
        return response.status, response.reason, response.read()


def error_message(error: KubeApiError) -> str:
    """The API server's own message (its Status body), else the HTTP status or why there was no answer."""
    try:
        return json.loads(error.body)["message"]
    except (TypeError, ValueError, KeyError):
        return str(error)


def connection_argument_spec() -> dict:
    """The options of doc_fragments/kube_connection.py, with kubernetes.core's environment fallbacks."""
    return {
        "kubeconfig": {"type": "path", "fallback": (env_fallback, ["K8S_AUTH_KUBECONFIG"])},
        "context": {"type": "str", "fallback": (env_fallback, ["K8S_AUTH_CONTEXT"])},
    }


def connect(params: dict) -> KubeApi:
    """A client for a module's connection options (connection_argument_spec); a configuration that cannot be used
    raises KubeApiError too, so that a module handles every way of not reaching the cluster in one place."""
    try:
        return KubeApi(find_connection(params["kubeconfig"], params["context"]))
    except (KubeConfigError, OSError, ssl.SSLError, KeyError) as error:
        raise KubeApiError(0, f"cannot use the Kubernetes configuration: {error}") from error
