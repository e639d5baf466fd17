"""The sandbox's addresses (shared with the kubelet by contract) and the environment variables that move it."""

import pytest

from sandbox import SandboxError, config
from sandbox.config import Sandbox

pytestmark = pytest.mark.unit


def test_node_i_is_at_10_244_0_1i_on_the_pod_network():
    assert [str(ip) for ip in config.NODE_IPS] == ["10.244.0.11", "10.244.0.12", "10.244.0.13"]
    assert all(ip in config.POD_NETWORK for ip in (config.GATEWAY_IP, *config.NODE_IPS))
    assert str(config.FIRST_SERVICE_IP) == "10.96.0.1"


def test_the_defaults_put_the_state_in_the_checkout(monkeypatch):
    for variable in ("SANDBOX_DIR", "SANDBOX_API_PORT", "SANDBOX_ETCD_CLIENT_PORT", "SANDBOX_ETCD_PEER_PORT"):
        monkeypatch.delenv(variable, raising=False)
    sandbox = Sandbox.from_env()
    assert sandbox.state_dir == config.REPO_ROOT / ".sandbox"
    assert (sandbox.api_url, sandbox.etcd_client_url) == ("https://10.244.0.1:6443", "http://127.0.0.1:23790")
    assert sandbox.etcd_peer_url == "http://127.0.0.1:23800"


def test_environment_variables_move_the_state_and_the_ports(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SANDBOX_DIR", "relative/state")
    monkeypatch.setenv("SANDBOX_API_PORT", "16443")
    monkeypatch.setenv("SANDBOX_ETCD_CLIENT_PORT", "12379")
    monkeypatch.setenv("SANDBOX_ETCD_PEER_PORT", "12380")
    sandbox = Sandbox.from_env()
    assert sandbox.state_dir == tmp_path / "relative" / "state"
    assert (sandbox.api_port, sandbox.etcd_client_port, sandbox.etcd_peer_port) == (16443, 12379, 12380)
    assert sandbox.kubeconfig == tmp_path / "relative" / "state" / "kubeconfig"


@pytest.mark.parametrize("value", ["http", "0", "65536", "-1", "6443 "])
def test_a_port_that_is_not_a_port_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("SANDBOX_API_PORT", value)
    with pytest.raises(SandboxError, match=r"^SANDBOX_API_PORT=.* is not a TCP port number$"):
        Sandbox.from_env()


def test_the_pinned_versions_are_read_from_the_build_modules():
    assert config.pinned_version("kubernetes").startswith("v1.")
    assert config.pinned_version("etcd").startswith("v3.")
