"""What `sandbox up` checks before it starts anything; each failure is one line that says how to fix it."""

import importlib.util
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from ipaddress import IPv4Address

from sandbox import SandboxError, config, processes
from sandbox.config import Sandbox

BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl")
HOST_TOOLS = {"ip": "iproute2", "ss": "iproute2", "unshare": "util-linux", "nsenter": "util-linux"}
WILDCARDS = ("0.0.0.0", "::", "*")
OWNERLESS_GRACE_SECONDS = 5


@dataclass(frozen=True)
class Port:
    address: IPv4Address
    number: int
    remedy: str  # how to get out of the way when something else listens there


def check(sandbox: Sandbox) -> None:
    """Raise SandboxError naming the first thing that would make `up` fail."""
    if os.geteuid() != 0:
        raise SandboxError("needs root (network namespaces and bind mounts); run as root")
    for tool, package in HOST_TOOLS.items():
        if not shutil.which(tool):
            raise SandboxError(f"`{tool}` is missing; install {package} (apt-get install {package})")
    if not shutil.which("redis-server"):
        raise SandboxError("redis-server is missing; install redis-server (apt-get install redis-server)")
    for binary in BINARIES:
        if not os.access(config.BIN_DIR / binary, os.X_OK):
            raise SandboxError(f"bin/{binary} is missing; run `make deps` (builds it from the Go module proxy)")
    if importlib.util.find_spec("sandbox.kubelet.__main__") is None:
        raise SandboxError("the process kubelet (sandbox/kubelet/) is missing from this checkout")
    _check_ports(sandbox)


def _ports(sandbox: Sandbox) -> list[Port]:
    """Where the sandbox listens: etcd on loopback, the API server and each node's kubelet on the bridge."""
    loopback = IPv4Address("127.0.0.1")
    move = "or choose another port with {}=<port>"
    return [
        Port(config.GATEWAY_IP, sandbox.api_port, move.format("SANDBOX_API_PORT")),
        Port(loopback, sandbox.etcd_client_port, move.format("SANDBOX_ETCD_CLIENT_PORT")),
        Port(loopback, sandbox.etcd_peer_port, move.format("SANDBOX_ETCD_PEER_PORT")),
        *(
            Port(ip, config.KUBELET_PORT, "(the sandbox's nodes serve their kubelet API there)")
            for ip in config.NODE_IPS
        ),
    ]


def _check_ports(sandbox: Sandbox) -> None:
    """Fail on the first port held by a listener outside this sandbox, on the same address or on every address.

    A listener without an owner belongs to a process that has just exited (its socket outlives it for a moment, as
    right after a `kill -9`): it gets a few seconds to go away.
    """
    deadline = time.monotonic() + OWNERLESS_GRACE_SECONDS
    while conflict := _first_conflict(sandbox):
        port, holder, pid = conflict
        if pid is None and time.monotonic() < deadline:
            time.sleep(0.1)
            continue
        who = f"{holder} (pid {pid})" if pid is not None else "another process"
        raise SandboxError(f"port {port.number} on {port.address} is in use by {who}; stop it {port.remedy}")


def _first_conflict(sandbox: Sandbox) -> tuple[Port, str | None, int | None] | None:
    listeners = _listeners()
    for port in _ports(sandbox):
        for address, number, holder, pid in listeners:
            if number != port.number or address not in (str(port.address), *WILDCARDS):
                continue
            if pid is not None and processes.belongs_to(pid, sandbox.state_dir):
                continue  # ours: running, or a leftover that `up` removes before it starts anything
            return port, holder, pid
    return None


def _listeners() -> list[tuple[str, int, str | None, int | None]]:
    """(address, port, process name, pid) of each listening TCP socket; name and pid when `ss` can tell."""
    output = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True).stdout
    listeners = []
    for line in output.splitlines():
        fields = line.split(maxsplit=5)
        address, _, number = fields[3].rpartition(":")
        address = address.strip("[]").partition("%")[0]  # "[::]" and "127.0.0.53%lo" forms
        owner = re.search(r'\("([^"]*)",pid=(\d+)', fields[5]) if len(fields) > 5 else None
        listeners.append((address, int(number), owner[1] if owner else None, int(owner[2]) if owner else None))
    return listeners
