"""Bridge hosts (sandbox/hosts.py): each has its own loopback, so two processes bind the same fixed port, as two
operator pods do; each reaches the API server on the bridge and sees its own directory at a fixed path; removing a
host ends nothing of the machine's, and `down` would find nothing of it left."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import config
from sandbox.hosts import BridgeHost

pytestmark = pytest.mark.sandbox

# Binds localhost:8888 (ansible-operator's proxy port), says whether the API server answers, reads a fixed path.
PROBE = """
import socket, sys
listener = socket.create_server(("127.0.0.1", 8888))
api = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print(open("/tmp/bridge-host-probe/marker").read(), flush=True)
sys.stdin.read()
"""


def test_two_hosts_bind_one_port_reach_the_api_and_see_their_own_directory(sandbox_kubeconfig, tmp_path):
    hosts = [BridgeHost.create(), BridgeHost.create()]
    processes = []
    try:
        assert len({host.address for host in hosts}) == 2
        for index, host in enumerate(hosts):
            marker = tmp_path / f"dir-{index}"
            marker.mkdir()
            (marker / "marker").write_text(f"host {index}")
            processes.append(
                host.popen(
                    [sys.executable, "-c", PROBE, str(config.GATEWAY_IP), "6443"],
                    binds={marker: Path("/tmp/bridge-host-probe")},
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        assert [process.stdout.readline().strip() for process in processes] == ["host 0", "host 1"]
        assert not Path("/tmp/bridge-host-probe/marker").exists()  # the mounts stayed inside each host
    finally:
        for process in processes:
            process.kill()
            process.wait()
        for host in hosts:
            host.remove()
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert all(host.netns not in netns for host in hosts)


def test_the_bridge_keeps_one_address_as_hosts_come_and_go(sandbox_kubeconfig):
    """Else it takes its lowest port's address, and every namespace's ARP entry for the gateway goes stale."""
    bridge = Path("/sys/class/net", config.BRIDGE)
    host = BridgeHost.create()
    try:
        assert (bridge / "address").read_text().strip() == config.BRIDGE_MAC
    finally:
        host.remove()
    assert (bridge / "address").read_text().strip() == config.BRIDGE_MAC
