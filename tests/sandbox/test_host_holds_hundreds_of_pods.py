"""The host kernel holds the network state of hundreds of pods: `sandbox up` raises the limits a node of that density
needs (sandbox/network.py). Before it did, the ARP table overflowed at about 150 pods and 30 RedisClusters never
converged: connections to pods failed with "No route to host"."""

import subprocess
import uuid

import pytest

from sandbox import config

pytestmark = pytest.mark.sandbox

# About what 60 RedisClusters (360 pods, about 7 entries each) put in the kernel's one ARP table, pods' namespaces
# and host together: beyond the kernel's default hard limit of 1024 and its soft limit of 512.
ENTRIES = 2500


@pytest.fixture
def scratch_netns(sandbox_kubeconfig):  # the sandbox is up: its `up` raised the limits under test
    """A namespace of its own with a veth pair on an address range no pod uses; named like the pods' ones, so a
    teardown of the sandbox removes it should this test not."""
    name = f"{config.NETNS_PREFIX}test-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        for command in (
            ["link", "add", "scratch0", "type", "veth", "peer", "name", "scratch1"],
            ["link", "set", "scratch0", "up"],
            ["addr", "add", "10.250.0.1/16", "dev", "scratch0"],
        ):
            subprocess.run(["ip", "-n", name, *command], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=True)


def neighbour(index: int) -> str:
    """`ip -batch` line of one learnt (not permanent, so counted against the limits) ARP entry."""
    address = f"10.250.{1 + index // 250}.{1 + index % 250}"
    return f"neigh add {address} lladdr 02:00:00:00:{index // 256:02x}:{index % 256:02x} dev scratch0 nud stale"


def test_the_arp_table_keeps_the_entries_of_hundreds_of_pods(scratch_netns):
    lines = "\n".join(neighbour(index) for index in range(ENTRIES)) + "\n"
    # A refused entry ("No buffer space available") fails the batch; the count below says how many the kernel kept.
    batch = ["ip", "-n", scratch_netns, "-force", "-batch", "-"]
    subprocess.run(batch, check=False, input=lines, text=True, capture_output=True)
    shown = subprocess.run(
        ["ip", "-n", scratch_netns, "neigh", "show", "dev", "scratch0"], check=True, capture_output=True, text=True
    )
    assert len(shown.stdout.splitlines()) == ENTRIES, "the kernel evicted or refused ARP entries"
