"""Hosts of their own on the sandbox's bridge, for processes that bind fixed ports and paths, and the machine itself
for a cluster that the bridge does not reach.

ansible-operator is one: its proxy listens on localhost:8888 (the address is compiled into the kubeconfig it hands
every run), its custom-metrics API on :5050, and its runs keep their files under /tmp/ansible-operator. In a cluster
each operator pod has its own loopback and /tmp; here each process started with `BridgeHost.popen` gets the same: a
network namespace `kun-host-<n>` joined to the bridge by a veth pair `kvhost<n>`, with an address 10.244.0.1xx (the
host is its gateway, and the API server listens on the bridge), and its own mount namespace, where directories of the
caller's are bind-mounted over fixed paths. `python -m sandbox down` removes what a crashed caller left, as it does a
pod's namespace.

A host's network namespace reaches only the bridge (the machine routes nothing further), so a process that talks to
a cluster elsewhere (a KUBECONFIG of the user's) runs on `MachineHost`, the machine's own network, one at a time.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path

from sandbox import SandboxError, config

# Run in a mount namespace of the process's own (`ip netns exec` makes one; on the machine's network, `unshare`), so
# that its mounts reach nothing else: mount each directory pair given as arguments, then exec the command.
_MOUNT_THEN_EXEC = """
while [ "$1" != -- ]; do mkdir -p "$2" && mount --bind "$1" "$2" || exit 125; shift 2; done
shift
exec "$@"
"""


@dataclass(frozen=True)
class BridgeHost:
    """One network namespace on the bridge, with its address."""

    index: int

    @property
    def address(self) -> IPv4Address:
        return config.BRIDGE_HOST_IPS[self.index]

    @property
    def netns(self) -> str:
        return f"{config.BRIDGE_HOST_NETNS_PREFIX}{self.index}"

    @property
    def name(self) -> str:
        return self.netns

    @property
    def veth(self) -> str:
        return f"{config.BRIDGE_HOST_VETH_PREFIX}{self.index}"

    @classmethod
    def create(cls) -> BridgeHost:
        """The first free host: `ip netns add` fails on a name in use, so concurrent callers never share one."""
        if not Path("/sys/class/net", config.BRIDGE).exists():
            raise SandboxError(f"the sandbox's bridge {config.BRIDGE} is not up: start the sandbox (make sandbox)")
        for index in range(len(config.BRIDGE_HOST_IPS)):
            added = subprocess.run(
                ["ip", "netns", "add", f"{config.BRIDGE_HOST_NETNS_PREFIX}{index}"], check=False, **_QUIET
            )
            if added.returncode:
                continue
            host = cls(index)
            try:
                host._connect()
            except SandboxError:
                host.remove()
                raise
            return host
        raise SandboxError(
            f"all {len(config.BRIDGE_HOST_IPS)} bridge hosts are in use (python -m sandbox down frees them)"
        )

    def _connect(self) -> None:
        _ip("link", "add", self.veth, "type", "veth", "peer", "name", "eth0", "netns", self.netns)
        _ip("link", "set", self.veth, "master", config.BRIDGE, "up")
        for args in (
            ("link", "set", "lo", "up"),
            ("addr", "add", f"{self.address}/{config.POD_NETWORK.prefixlen}", "dev", "eth0"),
            ("link", "set", "eth0", "up"),
            ("route", "add", "default", "via", str(config.GATEWAY_IP)),
        ):
            _ip("-n", self.netns, *args)

    def popen(
        self,
        argv: Sequence[str],
        *,
        binds: Mapping[Path, Path] | None = None,
        **popen_options,
    ) -> subprocess.Popen:
        """Start argv in this host, with each `binds` source directory mounted over its target path, in a session of
        its own."""
        command = ["ip", "netns", "exec", self.netns, *_mounting(binds), *argv]
        return subprocess.Popen(command, start_new_session=True, **popen_options)

    def signal_all(self, number: int) -> None:
        """Signal every process inside, including those that left the caller's session (ansible-runner starts
        ansible-playbook on a terminal of its own)."""
        listed = subprocess.run(["ip", "netns", "pids", self.netns], capture_output=True, text=True, check=False)
        for pid in listed.stdout.split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), number)

    def remove(self) -> None:
        """Remove the namespace and its veth pair; processes still inside keep it alive until they end."""
        for argv in (["ip", "link", "del", self.veth], ["ip", "netns", "del", self.netns]):
            subprocess.run(argv, check=False, **_QUIET)


class MachineHost:
    """The machine's own network and loopback: one operator at a time may bind the fixed ports there."""

    address = IPv4Address("127.0.0.1")
    name = "machine"

    def __init__(self) -> None:
        self._processes: list[subprocess.Popen] = []

    def popen(self, argv: Sequence[str], *, binds: Mapping[Path, Path] | None = None, **popen_options):
        command = ["unshare", "--mount", "--propagation", "private", *_mounting(binds), *argv]
        self._processes.append(subprocess.Popen(command, start_new_session=True, **popen_options))
        return self._processes[-1]

    def signal_all(self, number: int) -> None:
        """Signal each process's session (children that started a session of their own end with their parent)."""
        for process in self._processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, number)

    def remove(self) -> None:
        pass  # nothing was created


def _mounting(binds: Mapping[Path, Path] | None) -> list[str]:
    mounts = [str(part) for source, target in (binds or {}).items() for part in (source, target)]
    return ["sh", "-c", _MOUNT_THEN_EXEC, "sh", *mounts, "--"]


_QUIET = {"capture_output": True}


def _ip(*args: str) -> None:
    result = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if result.returncode:
        raise SandboxError(f"ip {' '.join(args)}: {result.stderr.strip()}")
