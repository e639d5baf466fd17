"""Pod networking: one network namespace per pod (`kun-<uid prefix>`), a veth pair whose host end (`kv<8 hex>`) is
enslaved to the control plane's bridge `kun0`, and an address 10.244.<node index>.<n>/16 with a default route via
the host (10.244.0.1). Addresses are persisted per node so a restarted kubelet gives a pod its address back and
never hands out an address a live pod still uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

from sandbox.config import BRIDGE, GATEWAY_IP, NETNS_PREFIX, POD_NETWORK, VETH_PREFIX

FIRST_HOST, LAST_HOST = 2, 254


def netns_name(uid: str) -> str:
    return NETNS_PREFIX + uid.replace("-", "")[:10]


def host_veth_name(uid: str) -> str:
    return VETH_PREFIX + uid.replace("-", "")[:8]  # interface names are limited to 15 characters


def netns_path(uid: str) -> str:
    return f"/run/netns/{netns_name(uid)}"


class AddressPool:
    """The pod addresses of one node (10.244.<node index>.2-254), keyed by pod UID, saved to a JSON file."""

    def __init__(self, node_index: int, path: Path):
        self.node_index = node_index
        self.path = path
        self._lock = threading.Lock()
        self._by_uid: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}

    def allocate(self, uid: str) -> str:
        with self._lock:
            if uid not in self._by_uid:
                used = set(self._by_uid.values())
                free = (f"10.244.{self.node_index}.{n}" for n in range(FIRST_HOST, LAST_HOST + 1))
                address = next((ip for ip in free if ip not in used), None)
                if address is None:
                    raise RuntimeError(f"no pod address left on node {self.node_index}")
                self._by_uid[uid] = address
                self._save()
            return self._by_uid[uid]

    def release(self, uid: str) -> None:
        with self._lock:
            if self._by_uid.pop(uid, None) is not None:
                self._save()

    def retain_only(self, live_uids: set[str]) -> None:
        """Forget the addresses of pods that no longer exist (after a kubelet restart)."""
        with self._lock:
            self._by_uid = {uid: ip for uid, ip in self._by_uid.items() if uid in live_uids}
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._by_uid, indent=1, sort_keys=True))
        os.replace(temporary, self.path)


def _ip(*args: str, netns: str | None = None) -> None:
    argv = ["ip", *(["-n", netns] if netns else []), *args]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {result.stderr.strip()}")


def setup(uid: str, address: str, sysctls: dict[str, str]) -> None:
    """Create (or re-create) the pod's namespace, veth pair, address, route and namespaced sysctls."""
    teardown(uid)
    name, veth = netns_name(uid), host_veth_name(uid)
    _ip("netns", "add", name)
    _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", name)
    _ip("link", "set", veth, "master", BRIDGE, "up")
    _ip("link", "set", "lo", "up", netns=name)
    _ip("addr", "add", f"{address}/{POD_NETWORK.prefixlen}", "dev", "eth0", netns=name)
    _ip("link", "set", "eth0", "up", netns=name)
    _ip("route", "add", "default", "via", str(GATEWAY_IP), netns=name)
    for key, value in sysctls.items():
        # Net sysctls are per namespace: /proc/sys/net seen from inside the pod's namespace is the pod's own.
        argv = ["nsenter", f"--net={netns_path(uid)}", "sysctl", "-q", "-w", f"{key}={value}"]
        subprocess.run(argv, check=True, capture_output=True)


def teardown(uid: str) -> None:
    """Remove the pod's namespace and veth pair; a no-op for what is already gone."""
    for argv in (["ip", "link", "del", host_veth_name(uid)], ["ip", "netns", "del", netns_name(uid)]):
        subprocess.run(argv, capture_output=True, check=False)


def set_connected(uid: str, connected: bool) -> None:
    """Cut (down) or heal (up) the pod's link to the bridge: a cut pod reaches nothing and nothing reaches it."""
    _ip("link", "set", host_veth_name(uid), "up" if connected else "down")
