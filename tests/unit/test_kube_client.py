"""Which cluster kube_client.api_client talks to (the explicit kubeconfig, else $KUBECONFIG, with its context), with
which credentials, and the REST paths its requests use."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.module_utils.kube_client import api_client, object_path

pytestmark = pytest.mark.unit


def kubeconfig(path: Path, *servers: str) -> str:
    """A kubeconfig with one context per server, named after its position (c0, c1, ...); c0 is current."""
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": f"c{i}", "cluster": {"server": server}} for i, server in enumerate(servers)],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [
                    {"name": f"c{i}", "context": {"cluster": f"c{i}", "user": "u"}} for i in range(len(servers))
                ],
                "current-context": "c0",
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
    assert api_client(explicit).configuration.host == "https://explicit.invalid:6443"


def test_the_environment_is_used_without_an_explicit_kubeconfig(from_env):
    assert api_client().configuration.host == "https://from-env.invalid:6443"


def test_a_context_picks_its_cluster(explicit):
    assert api_client(explicit, "c1").configuration.host == "https://other.invalid:6443"


def test_the_kubeconfig_token_is_sent_as_a_bearer_token(explicit):
    assert api_client(explicit)._credentials() == {"Authorization": "Bearer t"}


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
