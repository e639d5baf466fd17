"""Which cluster kube_client talks to (the explicit kubeconfig, else $KUBECONFIG, else the service account), with
which credentials, the REST paths it uses, and its requests against a real HTTP server on loopback."""

from __future__ import annotations

import base64
import json
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from ansible_collections.kun.redis.plugins.module_utils.kube import client as kube_client
from ansible_collections.kun.redis.plugins.module_utils.kube.client import (
    Connection,
    KubeApi,
    KubeApiError,
    KubeConfigError,
    connect,
    error_message,
    find_connection,
    kubeconfig_connection,
    object_path,
)
from ansible_collections.kun.redis.tests.unit.plugins.loopback_api import JsonHandler


def kubeconfig(path: Path, *servers: str, user: dict | None = None, current: str = "c0") -> str:
    """A kubeconfig with one context per server, named after its position (c0, c1, ...)."""
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": f"c{i}", "cluster": {"server": server}} for i, server in enumerate(servers)],
                "users": [{"name": "u", "user": user if user is not None else {"token": "t"}}],
                "contexts": [
                    {"name": f"c{i}", "context": {"cluster": f"c{i}", "user": "u"}} for i in range(len(servers))
                ],
                "current-context": current,
            }
        )
    )
    return str(path)


@pytest.fixture
def explicit(tmp_path):
    return kubeconfig(tmp_path / "explicit", "https://explicit.invalid:6443", "https://other.invalid:6443")


@pytest.fixture
def from_env(tmp_path, monkeypatch):
    path = kubeconfig(tmp_path / "env", "https://from-env.invalid:6443")
    monkeypatch.setenv("KUBECONFIG", path)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    return path


def test_the_explicit_kubeconfig_wins_over_the_environment(explicit, from_env):
    assert find_connection(explicit).server == "https://explicit.invalid:6443"


def test_the_environment_is_used_without_an_explicit_kubeconfig(from_env):
    assert find_connection().server == "https://from-env.invalid:6443"


def test_a_context_picks_its_cluster(explicit):
    assert find_connection(explicit, "c1").server == "https://other.invalid:6443"


def test_the_kubeconfig_token_is_sent_as_a_bearer_token(explicit):
    assert find_connection(explicit).authorization == "Bearer t"


def test_a_token_file_is_read_relative_to_its_kubeconfig(tmp_path):
    (tmp_path / "token").write_text("from-file\n")
    path = kubeconfig(tmp_path / "config", "https://a.invalid", user={"tokenFile": "token"})
    assert kubeconfig_connection(path).authorization == "Bearer from-file"


def test_a_username_and_password_are_the_proxy_owner_sent_as_basic_auth(tmp_path):
    """ansible-operator's proxy kubeconfig names the reconciled resource as its basic-auth user."""
    path = kubeconfig(tmp_path / "config", "https://a.invalid", user={"username": "me", "password": "secret"})
    connection = kubeconfig_connection(path)
    assert connection.proxy_owner == f"Basic {base64.b64encode(b'me:secret').decode()}"
    assert connection.authorization == ""


def test_certificates_come_from_embedded_data_or_files_next_to_the_kubeconfig(tmp_path):
    (tmp_path / "client.key").write_text("KEY")
    user = {"client-certificate-data": base64.b64encode(b"CERT").decode(), "client-key": "client.key"}
    path = kubeconfig(tmp_path / "config", "https://a.invalid", user=user)
    connection = kubeconfig_connection(path)
    assert (connection.cert_pem, connection.key_pem, connection.authorization) == ("CERT", "KEY", "")


def test_a_named_context_is_chosen_over_the_current_one(explicit):
    assert kubeconfig_connection(explicit, "c1").server == "https://other.invalid:6443"


def test_several_kubeconfig_files_are_refused_with_what_to_do(tmp_path):
    first = kubeconfig(tmp_path / "first", "https://first.invalid")
    second = kubeconfig(tmp_path / "second", "https://second.invalid")
    with pytest.raises(KubeConfigError, match="names several kubeconfig files: these modules read one"):
        kubeconfig_connection(f"{first}:{second}")


def test_ansible_operators_proxy_kubeconfig_is_plain_http_with_the_owner_as_user(tmp_path):
    """The kubeconfig ansible-operator v1.42.3 writes for a run (internal/ansible/proxy/kubeconfig)."""
    owner = base64.urlsafe_b64encode(b'{"apiVersion":"redis.kun/v1beta1","kind":"RedisCluster"}').decode()
    path = tmp_path / "proxy"
    path.write_text(f"""---
apiVersion: v1
kind: Config
clusters:
- cluster:
    insecure-skip-tls-verify: true
    server: http://{owner}@localhost:8888
  name: proxy-server
contexts:
- context:
    cluster: proxy-server
    user: admin/proxy-server
  name: ns/proxy-server
current-context: ns/proxy-server
preferences: {{}}
users:
- name: admin/proxy-server
  user:
    username: {owner}
    password: unused
""")
    connection = find_connection(str(path))
    assert connection.server == f"http://{owner}@localhost:8888"
    assert connection.proxy_owner == f"Basic {base64.b64encode(f'{owner}:unused'.encode()).decode()}"
    assert (connection.authorization, connection.cert_pem) == ("", "")


def test_an_undefined_context_is_named_in_the_error(explicit):
    with pytest.raises(KubeConfigError, match="context 'missing' is not defined"):
        kubeconfig_connection(explicit, "missing")


def test_a_configuration_it_cannot_use_fails_the_module_cleanly(tmp_path):
    path = kubeconfig(tmp_path / "config", "https://a.invalid")
    with pytest.raises(KubeApiError, match="cannot use the Kubernetes configuration: context 'nope'"):
        connect({"kubeconfig": path, "context": "nope"})
    with pytest.raises(KubeApiError, match="cannot use the Kubernetes configuration"):
        connect({"kubeconfig": str(tmp_path / "does-not-exist"), "context": None})


def test_a_kubeconfig_that_is_not_yaml_is_reported_without_its_content(tmp_path):
    path = tmp_path / "config"
    path.write_text("users:\n- name: u\n  user: {token: s3cr3t-token\n")
    with pytest.raises(KubeApiError, match="is not valid YAML") as raised:
        connect({"kubeconfig": str(path), "context": None})
    assert "s3cr3t" not in str(raised.value)


def test_in_a_pod_the_service_account_is_used(tmp_path, monkeypatch):
    (tmp_path / "token").write_text("sa-token")
    (tmp_path / "ca.crt").write_text("CA")
    monkeypatch.setattr(kube_client, "SERVICE_ACCOUNT", tmp_path)
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "fd00::1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    assert find_connection() == Connection(server="https://[fd00::1]:443", ca_pem="CA", authorization="Bearer sa-token")


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        (("v1", "events", "ns"), "/api/v1/namespaces/ns/events"),
        (("v1", "events", "ns", "test.0123"), "/api/v1/namespaces/ns/events/test.0123"),
        (
            ("redis.kun/v1beta1", "redisclusters", "ns", "test", "status"),
            "/apis/redis.kun/v1beta1/namespaces/ns/redisclusters/test/status",
        ),
    ],
)
def test_object_paths_follow_the_api_groups(arguments, path):
    assert object_path(*arguments) == path


class _ApiServer(JsonHandler):
    """Answers like an API server: JSON objects, a Status body for errors; records what it was asked."""

    protocol_version = "HTTP/1.1"  # keeps connections alive, as the API server does
    requests: ClassVar[list] = []
    drop_idle_connections = False  # close each connection after its answer, without saying so

    def do_GET(self):
        self._answer()

    def do_PATCH(self):
        self._answer()

    def do_POST(self):
        self._answer()

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        type(self).requests.append((self.command, self.path, dict(self.headers), body))
        missing = "/x" in self.path
        status, answer = (404, {"kind": "Status", "message": 'pods "x" not found'}) if missing else (200, {"ok": True})
        self.answer(status, answer)
        self.close_connection = type(self).drop_idle_connections


@pytest.fixture
def api_server():
    _ApiServer.requests = []
    _ApiServer.drop_idle_connections = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ApiServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_requests_carry_json_the_credentials_and_the_query(api_server):
    api = KubeApi(Connection(server=f"http://127.0.0.1:{api_server.server_port}/prefix", authorization="Bearer t"))
    assert api.get("/api/v1/namespaces/ns/pods", labelSelector="a=b,c=d") == {"ok": True}
    assert api.merge_patch("/api/v1/namespaces/ns/pods/p", {"metadata": {"labels": {"k": "v"}}}) == {"ok": True}
    (get, patch) = _ApiServer.requests
    assert get[:2] == ("GET", "/prefix/api/v1/namespaces/ns/pods?labelSelector=a%3Db%2Cc%3Dd")
    assert get[2]["Authorization"] == "Bearer t"
    assert patch[2]["Content-Type"] == "application/merge-patch+json"
    assert patch[3] == {"metadata": {"labels": {"k": "v"}}}


def test_the_proxy_owner_goes_with_every_request_but_the_creates_that_are_not_owned(api_server):
    owner = "Basic b3duZXI6dW51c2Vk"
    api = KubeApi(Connection(server=f"http://127.0.0.1:{api_server.server_port}", proxy_owner=owner))
    api.get("/api/v1/namespaces/ns/services/s")
    api.create("/api/v1/namespaces/ns/configmaps", {"kind": "ConfigMap"})
    api.create("/api/v1/namespaces/ns/events", {"kind": "Event"}, owned=False)
    assert [request[2].get("Authorization") for request in _ApiServer.requests] == [owner, owner, None]


def test_an_error_answer_keeps_its_status_and_the_servers_message(api_server):
    api = KubeApi(Connection(server=f"http://127.0.0.1:{api_server.server_port}"))
    with pytest.raises(KubeApiError) as raised:
        api.get("/api/v1/namespaces/ns/pods/x")
    assert raised.value.status == 404
    assert error_message(raised.value) == 'pods "x" not found'


def test_a_kept_alive_connection_the_server_dropped_is_opened_again(api_server):
    _ApiServer.drop_idle_connections = True
    api = KubeApi(Connection(server=f"http://127.0.0.1:{api_server.server_port}"))
    assert [api.get(f"/{n}") for n in range(3)] == [{"ok": True}] * 3
    assert [request[1] for request in _ApiServer.requests] == ["/0", "/1", "/2"]


def test_no_server_is_an_error_with_status_0_that_says_so():
    api = KubeApi(Connection(server="http://127.0.0.1:9"))
    with pytest.raises(KubeApiError, match=r"cannot reach the API server http://127\.0\.0\.1:9") as raised:
        api.get("/api/v1/namespaces")
    assert raised.value.status == 0


def test_list_items_carry_their_kind_and_no_managed_fields():
    statefulsets = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSetList",
        "items": [{"metadata": {"name": "redis-cluster-test", "managedFields": [{"manager": "x"}]}, "spec": {}}],
    }
    assert kube_client.list_items(statefulsets) == [
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "redis-cluster-test"}, "spec": {}}
    ]
    assert kube_client.list_items({"apiVersion": "v1", "kind": "ConfigMapList", "items": None}) == []
