"""kube_object: one GET at the object's path; the object, {} when there is none, and a failure with the API server's
message for any other answer. The API server here is a small one on loopback; tests/e2e/test_kube_object_lookup.py
reads real Secrets on the sandbox's API server."""

from __future__ import annotations

from typing import ClassVar

import pytest
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar
from ansible_collections.kun.redis.tests.unit.plugins.loopback_api import JsonHandler, serving

SECRET = {"kind": "Secret", "metadata": {"name": "auth", "namespace": "ns"}, "data": {"password": "c2VjcmV0"}}


class _Api(JsonHandler):
    """The Secret ns/auth; 403 for the namespace `forbidden`; 404 for anything else. Records every path asked."""

    paths: ClassVar[list[str]] = []

    def do_GET(self):
        self.paths.append(self.path)
        if self.path == "/api/v1/namespaces/ns/secrets/auth":
            self.answer(200, SECRET)
        elif "/namespaces/forbidden/" in self.path:
            self.answer(403, {"kind": "Status", "message": 'secrets "auth" is forbidden: no RBAC for this'})
        else:
            self.answer(404, {"kind": "Status", "message": "not found"})


def lookup(kubeconfig: str, **options) -> list:
    loader = DataLoader()
    plugin = lookup_loader.get("kun.redis.kube_object", loader=loader, templar=Templar(loader=loader))
    return plugin.run([], {}, kubeconfig=kubeconfig, **{"api_version": "v1", "resource": "secrets", **options})


@pytest.fixture
def kubeconfig(tmp_path):
    _Api.paths = []
    with serving(_Api, tmp_path) as path:
        yield path


def test_an_object_is_returned_whole(kubeconfig):
    assert lookup(kubeconfig, namespace="ns", name="auth") == [SECRET]
    assert _Api.paths == ["/api/v1/namespaces/ns/secrets/auth"]


def test_a_group_version_and_odd_names_make_the_objects_path(kubeconfig):
    assert lookup(kubeconfig, api_version="apps/v1", resource="statefulsets", namespace="ns", name="a b") == [{}]
    assert _Api.paths == ["/apis/apps/v1/namespaces/ns/statefulsets/a%20b"]


def test_an_absent_object_is_an_empty_mapping(kubeconfig):
    assert lookup(kubeconfig, namespace="ns", name="other") == [{}]


def test_any_other_answer_fails_with_the_servers_message(kubeconfig):
    with pytest.raises(
        AnsibleLookupError, match='cannot read /api/v1/namespaces/forbidden/secrets/auth: secrets "auth" is forbidden'
    ):
        lookup(kubeconfig, namespace="forbidden", name="auth")


def test_the_kubeconfig_comes_from_the_environment_as_for_the_modules(kubeconfig, monkeypatch):
    monkeypatch.setenv("K8S_AUTH_KUBECONFIG", kubeconfig)
    loader = DataLoader()
    plugin = lookup_loader.get("kun.redis.kube_object", loader=loader, templar=Templar(loader=loader))
    assert plugin.run([], {}, api_version="v1", resource="secrets", namespace="ns", name="auth") == [SECRET]


def test_no_api_server_is_a_failure_that_says_so(tmp_path, monkeypatch):
    missing = tmp_path / "missing-kubeconfig"
    with pytest.raises(AnsibleLookupError, match="cannot use the Kubernetes configuration"):
        lookup(str(missing), namespace="ns", name="auth")
