"""The host side of the sandbox's network: the bridge, and the removal of everything attached to it.

The bridge kun0 carries the host's address (the pods' gateway) and one address per node, where that node's kubelet
serves. The kubelet adds the rest: a network namespace kun-* per pod, joined to the bridge by a veth pair kv*.
Everything here needs root and iproute2.
"""

import contextlib
import json
import re
import subprocess
from pathlib import Path

from sandbox import SandboxError, config

NETNS_DIR = Path("/run/netns")  # where `ip netns` pins named network namespaces
PROC_SYS = Path("/proc/sys")

# Limits of the host kernel that a node running this many pods needs raised, as nodes of large clusters are tuned.
# - The ARP table is one for the whole kernel: every pod's namespace counts against it (about 7 entries per pod: its
#   peers, the gateway, and the host's entry for the pod), and past gc_thresh3 (1024 by default) the kernel refuses
#   new entries ("neighbour: arp_cache: neighbor table overflow!"): connections to pods fail with "No route to
#   host" or wait for retransmits. At 30 RedisClusters (180 pods) the operator could then not reach the nodes and
#   the clusters never converged (docs/benchmarks.md).
# - Packets between namespaces on the bridge wait in each CPU's backlog for softirq time, which a loaded machine
#   gives late; past netdev_max_backlog (1000) they are dropped, and each drop costs a 1 s TCP retransmit.
# Only raised, never lowered: a host tuned higher keeps its own values.
HOST_SYSCTL_FLOORS = {
    "net.ipv4.neigh.default.gc_thresh1": 8192,  # below this many entries the kernel keeps them all
    "net.ipv4.neigh.default.gc_thresh2": 16384,
    "net.ipv4.neigh.default.gc_thresh3": 32768,  # the hard limit
    "net.core.netdev_max_backlog": 16384,
}


def setup() -> None:
    """Create the bridge with the gateway and node addresses, or complete one that is partly there."""
    if not _link_exists(config.BRIDGE):
        # A bridge without an address of its own takes the lowest of its ports' and changes it as veths come and go;
        # every namespace's ARP entry for the gateway (where the API server listens) is then stale for a moment, long
        # enough for an operator to miss its leader-election renewals. A fixed address never changes.
        _ip("link", "add", config.BRIDGE, "address", config.BRIDGE_MAC, "type", "bridge")
    present = {address["local"] for address in _ip_json("addr", "show", "dev", config.BRIDGE)[0]["addr_info"]}
    for address in (config.GATEWAY_IP, *config.NODE_IPS):
        if str(address) not in present:
            _ip("addr", "add", f"{address}/{config.POD_NETWORK.prefixlen}", "dev", config.BRIDGE)
    _ip("link", "set", config.BRIDGE, "up")
    for key, floor in HOST_SYSCTL_FLOORS.items():
        _raise_sysctl(key, floor)


def is_up() -> bool:
    return _link_exists(config.BRIDGE)


def pod_netns_inodes() -> list[int]:
    """The identities of the pods' network namespaces, to recognise the processes running in them."""
    inodes = []
    for path in NETNS_DIR.glob(f"{config.NETNS_PREFIX}*"):
        with contextlib.suppress(OSError):  # removed meanwhile
            inodes.append(path.stat().st_ino)
    return inodes


def teardown(state_dir: Path) -> None:
    """Remove the pods' namespaces and veth links, the bridge, and every mount under state_dir.

    Stop the processes first (a mount in use only goes away lazily, and a namespace lives on in its processes).
    """
    for path in NETNS_DIR.glob(f"{config.NETNS_PREFIX}*"):
        _ip("netns", "delete", path.name)  # takes the pod's veth end with it, and so its host end
    for link in _links():
        if link.startswith(config.VETH_PREFIX) or link == config.BRIDGE:
            _delete_link(link)
    for mount_point in sorted(mounts_under(state_dir), key=lambda path: len(path.parts), reverse=True):
        _run("umount", "--lazy", str(mount_point))


def mounts_under(state_dir: Path) -> list[Path]:
    """Mount points strictly inside state_dir, as this process's mount namespace sees them."""
    mount_points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        # The fifth field is the mount point, with space, tab, newline and backslash escaped in octal.
        mount_point = Path(re.sub(r"\\([0-7]{3})", lambda match: chr(int(match[1], 8)), line.split()[4]))
        if mount_point.is_relative_to(state_dir) and mount_point != state_dir:
            mount_points.append(mount_point)
    return mount_points


def _raise_sysctl(key: str, floor: int) -> None:
    path = PROC_SYS / key.replace(".", "/")
    if not path.exists():
        # Only the host's first network namespace has these (an isolated sandbox runs in one of its own): the limits
        # are the whole kernel's, and the host's values apply.
        return
    if int(path.read_text()) < floor:
        path.write_text(f"{floor}\n")


def _delete_link(name: str) -> None:
    """Delete a link that may go away by itself meanwhile.

    The kernel dismantles a deleted namespace in the background, so the host end of its veth can still be listed
    and then be gone by the time it is deleted; only a link that is still there after a failed delete is an error.
    """
    try:
        _ip("link", "delete", name)
    except SandboxError:
        if _link_exists(name):
            raise


def _link_exists(name: str) -> bool:
    return name in _links()


def _links() -> list[str]:
    return [link["ifname"] for link in _ip_json("link", "show")]


def _ip_json(*args: str) -> list[dict]:
    return json.loads(_ip("-json", *args) or "[]")


def _ip(*args: str) -> str:
    return _run("ip", *args)


def _run(*argv: str) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SandboxError(f"`{' '.join(argv)}` failed: {result.stderr.strip()}")
    return result.stdout
