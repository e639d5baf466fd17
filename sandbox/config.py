"""Every path, port and address of the sandbox, in one place.

The network addresses are global (one bridge, fixed node addresses), so one sandbox runs per machine; the state
directory and the loopback ports can be moved with environment variables.
"""

import os
import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

from sandbox import SandboxError

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = REPO_ROOT / "bin"

NODE_COUNT = 3
BRIDGE = "kun0"
BRIDGE_MAC = "02:6b:75:6e:00:01"  # locally administered ("kun")
NETNS_PREFIX = "kun-"  # the kubelet names each pod's network namespace kun-<something>
VETH_PREFIX = "kv"  # and the host end of each pod's veth pair kv<something>
POD_NETWORK = IPv4Network("10.244.0.0/16")
GATEWAY_IP = IPv4Address("10.244.0.1")  # the host on the bridge, where the API server listens (pods reach it too)
NODE_IPS = tuple(IPv4Address(f"10.244.0.{10 + index}") for index in range(1, NODE_COUNT + 1))  # node-i: 10.244.0.1i
KUBELET_PORT = 10250
# Hosts of their own on the bridge for processes that bind fixed ports, such as ansible-operator (sandbox/hosts.py).
BRIDGE_HOST_IPS = tuple(IPv4Address(f"10.244.0.{100 + index}") for index in range(100))
BRIDGE_HOST_NETNS_PREFIX = NETNS_PREFIX + "host-"
BRIDGE_HOST_VETH_PREFIX = VETH_PREFIX + "host"
SERVICE_CIDR = IPv4Network("10.96.0.0/16")
FIRST_SERVICE_IP = SERVICE_CIDR.network_address + 1  # the `kubernetes` Service
CLUSTER_DOMAIN = "cluster.local"


def pinned_version(tool: str) -> str:
    """The version sandbox/tools/build.sh builds: `kubernetes` or `etcd`, read from that tool's go.mod."""
    module = {"kubernetes": r"k8s\.io/kubernetes", "etcd": r"go\.etcd\.io/etcd/server/v3"}[tool]
    go_mod = (REPO_ROOT / "sandbox" / "tools" / tool / "go.mod").read_text()
    return re.search(rf"^\s*(?:require\s+)?{module}\s+(v\S+)", go_mod, re.MULTILINE).group(1)


def _port_from_env(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)  # set but empty means the default, as in make
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SandboxError(f"{name}={value!r} is not a TCP port number")
    return int(value)


@dataclass(frozen=True)
class Sandbox:
    """Where one sandbox keeps its state and which ports it listens on (etcd on loopback, the API server on the
    bridge)."""

    state_dir: Path
    api_port: int = 6443
    etcd_client_port: int = 23790
    etcd_peer_port: int = 23800

    @classmethod
    def from_env(cls, state_dir: str | os.PathLike | None = None) -> "Sandbox":
        """The sandbox of this checkout: .sandbox/ at the repo root unless SANDBOX_DIR (or `state_dir`) says else."""
        directory = state_dir or os.environ.get("SANDBOX_DIR") or REPO_ROOT / ".sandbox"
        return cls(
            state_dir=Path(directory).absolute(),
            api_port=_port_from_env("SANDBOX_API_PORT", cls.api_port),
            etcd_client_port=_port_from_env("SANDBOX_ETCD_CLIENT_PORT", cls.etcd_client_port),
            etcd_peer_port=_port_from_env("SANDBOX_ETCD_PEER_PORT", cls.etcd_peer_port),
        )

    @property
    def pki_dir(self) -> Path:
        return self.state_dir / "pki"

    @property
    def etcd_dir(self) -> Path:
        return self.state_dir / "etcd"

    @property
    def kubeconfig(self) -> Path:
        return self.state_dir / "kubeconfig"

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    def log_file(self, component: str) -> Path:
        return self.logs_dir / f"{component}.log"

    def pid_file(self, component: str) -> Path:
        return self.state_dir / "pids" / f"{component}.pid"

    @property
    def api_url(self) -> str:
        return f"https://{GATEWAY_IP}:{self.api_port}"

    @property
    def etcd_client_url(self) -> str:
        return f"http://127.0.0.1:{self.etcd_client_port}"

    @property
    def etcd_peer_url(self) -> str:
        return f"http://127.0.0.1:{self.etcd_peer_port}"
