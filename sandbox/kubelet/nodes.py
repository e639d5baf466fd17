"""The sandbox nodes: registration, Lease renewals (the heartbeat the node controller watches) and node status.

Every node shares this one machine; they differ by name, address (10.244.0.1<i> on the bridge) and pod address
range (10.244.<i>.0/24). Capacity is generous on purpose so scheduling never fails for lack of resources on a small
machine. A stopped node renews nothing, so the node controller marks it NotReady after its grace period.
"""

from __future__ import annotations

import logging
import os
import platform
import threading
import time
from datetime import UTC, datetime

from sandbox.config import KUBELET_PORT, NODE_IPS, pinned_version

from .api import Api, ApiError
from .netns import AddressPool
from .status import timestamp

log = logging.getLogger(__name__)

LEASE_SECONDS = 40
RENEW_EVERY = 5.0
STATUS_EVERY = 60.0
KUBELET_VERSION = pinned_version("kubernetes")
CAPACITY = {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi"}
ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def node_name(index: int) -> str:
    return f"sandbox-node-{index}"


def node_ip(index: int) -> str:
    return str(NODE_IPS[index - 1])


def micro_time() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Node:
    def __init__(self, index: int, api: Api, addresses: AddressPool):
        self.index = index
        self.name = node_name(index)
        self.ip = node_ip(index)
        self.api = api
        self.addresses = addresses
        self.stopped = False

    def manifest(self) -> dict:
        return {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": self.name,
                "labels": {
                    "kubernetes.io/hostname": self.name,
                    "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": ARCH,
                    "beta.kubernetes.io/os": "linux",
                    "beta.kubernetes.io/arch": ARCH,
                },
            },
            "spec": {"podCIDR": f"10.244.{self.index}.0/24", "podCIDRs": [f"10.244.{self.index}.0/24"]},
        }

    def status(self) -> dict:
        now = timestamp()
        ready = {
            "type": "Ready",
            "status": "True",
            "reason": "KubeletReady",
            "message": "sandbox kubelet is posting ready status",
        }
        pressures = [
            {"type": kind, "status": "False", "reason": f"KubeletHasNo{kind}", "message": f"no {kind}"}
            for kind in ("MemoryPressure", "DiskPressure", "PIDPressure")
        ]
        uname = os.uname()
        return {
            "capacity": CAPACITY,
            "allocatable": CAPACITY,
            "conditions": [{**c, "lastHeartbeatTime": now, "lastTransitionTime": now} for c in [*pressures, ready]],
            "addresses": [{"type": "InternalIP", "address": self.ip}, {"type": "Hostname", "address": self.name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": KUBELET_PORT}},
            "nodeInfo": {
                "machineID": self.name,
                "systemUUID": self.name,
                "bootID": self.name,
                "kernelVersion": uname.release,
                "osImage": "sandbox (host processes)",
                "containerRuntimeVersion": "sandbox://1",
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": "",
                "operatingSystem": "linux",
                "architecture": ARCH,
            },
        }

    def register(self) -> None:
        try:
            self.api.create("/api/v1/nodes", self.manifest())
        except ApiError as error:
            if error.status != 409:
                raise
            self.api.patch(f"/api/v1/nodes/{self.name}", {"metadata": self.manifest()["metadata"]})
        self.report_status()
        self.renew_lease()

    def report_status(self) -> None:
        self.api.patch(f"/api/v1/nodes/{self.name}/status", {"status": self.status()})

    def renew_lease(self) -> None:
        path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"
        spec = {"holderIdentity": self.name, "leaseDurationSeconds": LEASE_SECONDS, "renewTime": micro_time()}
        try:
            self.api.patch(f"{path}/{self.name}", {"spec": spec})
        except ApiError as error:
            if error.status != 404:
                raise
            node = self.api.get(f"/api/v1/nodes/{self.name}")
            owner = {"apiVersion": "v1", "kind": "Node", "name": self.name, "uid": node["metadata"]["uid"]}
            lease = {"metadata": {"name": self.name, "ownerReferences": [owner]}, "spec": spec}
            self.api.create(path, lease)


class Heartbeat(threading.Thread):
    """Renews the leases of the running nodes every 5 s and re-posts their status every minute."""

    def __init__(self, nodes: list[Node]):
        super().__init__(name="heartbeat", daemon=True)
        self.nodes = nodes

    def run(self) -> None:
        last_status = time.monotonic()
        failing: set[str] = set()  # nodes whose last heartbeat failed: log once per outage, not every 5 s
        while True:
            time.sleep(RENEW_EVERY)
            report = time.monotonic() - last_status >= STATUS_EVERY
            if report:
                last_status = time.monotonic()
            for node in self.nodes:
                if node.stopped:
                    continue
                try:
                    node.renew_lease()
                    if report:
                        node.report_status()
                    failing.discard(node.name)
                except Exception as error:
                    if node.name not in failing:
                        log.warning("node %s: heartbeat failed: %s", node.name, error)
                    failing.add(node.name)
