"""Preflight: what would make `sandbox up` fail is reported first, in one line that says what to do."""

import os
import socket

import pytest

from sandbox import SandboxError, config, preflight
from sandbox.config import Sandbox

pytestmark = pytest.mark.sandbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_busy_api_port_names_the_port_its_holder_and_the_variable_to_change(tmp_path):
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))  # every address, the bridge's too, where the API server listens
        holder.listen()
        busy = holder.getsockname()[1]
        sandbox = Sandbox(tmp_path, api_port=busy, etcd_client_port=free_port(), etcd_peer_port=free_port())
        with pytest.raises(SandboxError) as failure:
            preflight.check(sandbox)
    message = str(failure.value)
    assert f"port {busy} on {config.GATEWAY_IP}" in message
    assert f"(pid {os.getpid()})" in message
    assert "SANDBOX_API_PORT" in message
    assert "\n" not in message


def test_a_missing_binary_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "BIN_DIR", tmp_path)
    with pytest.raises(SandboxError, match=r"^bin/etcd is missing; run `make deps`"):
        preflight.check(Sandbox(tmp_path))
