"""DNS without a DNS server: every pod's /etc/hosts is a file the kubelet renders from Services, EndpointSlices and
Pods and rewrites in place (same inode, so the read-only bind mount inside the pod sees each update).

Names served (cluster domain cluster.local):
  <hostname>.<subdomain>.<ns>.svc.cluster.local  -> the pod's IP, for every pod with hostname and subdomain and an IP
  <service>.<ns>.svc.cluster.local              -> the IPs of the service's ready endpoints (all endpoints when
                                                   publishNotReadyAddresses), headless or not: there is no
                                                   kube-proxy, so a ClusterIP would not route; resolving a Service
                                                   name to its endpoints is the sandbox's substitute
glibc reads /etc/hosts without applying resolv.conf's search list, so the file also carries the shorter forms a
search list would complete: `<name>.<ns>`, `<name>.<ns>.svc`, and in the pod's own namespace `<name>`.
A name with several addresses gets one line per address; glibc returns them all (`getent ahosts`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CLUSTER_DOMAIN = "cluster.local"
HEADER = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
RESOLV_CONF = (
    "search {namespace}.svc.{domain} svc.{domain} {domain}\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n"
)


@dataclass(frozen=True, order=True)
class Record:
    """One name -> address pair; `name` is relative to `<namespace>.svc.cluster.local`."""

    namespace: str
    name: str
    ip: str


def pod_records(pods: Iterable[dict]) -> set[Record]:
    records = set()
    for pod in pods:
        spec, status = pod.get("spec", {}), pod.get("status", {})
        if spec.get("subdomain") and status.get("podIP") and status.get("phase") not in ("Succeeded", "Failed"):
            hostname = spec.get("hostname") or pod["metadata"]["name"]
            records.add(Record(pod["metadata"]["namespace"], f"{hostname}.{spec['subdomain']}", status["podIP"]))
    return records


def service_records(services: Iterable[dict], endpoint_slices: Iterable[dict]) -> set[Record]:
    publish_all = {
        (svc["metadata"]["namespace"], svc["metadata"]["name"]): bool(svc["spec"].get("publishNotReadyAddresses"))
        for svc in services
        if svc.get("spec", {}).get("type") != "ExternalName"
    }
    records = set()
    for endpoint_slice in endpoint_slices:
        namespace = endpoint_slice["metadata"]["namespace"]
        service = endpoint_slice["metadata"].get("labels", {}).get("kubernetes.io/service-name")
        if (namespace, service) not in publish_all:
            continue
        for endpoint in endpoint_slice.get("endpoints") or []:
            if publish_all[(namespace, service)] or endpoint.get("conditions", {}).get("ready", True):
                records.update(Record(namespace, service, ip) for ip in endpoint.get("addresses", []))
    return records


def render(records: Iterable[Record], namespace: str, own_ip: str | None, own_names: list[str]) -> str:
    """The /etc/hosts of one pod in `namespace`: localhost, the pod's own names, then every record."""
    lines = [HEADER]
    if own_ip:
        lines.append(f"{own_ip}\t{' '.join(own_names)}\n")
    for record in sorted(records):
        base = f"{record.name}.{record.namespace}"
        names = [f"{base}.svc.{CLUSTER_DOMAIN}", f"{base}.svc", base]
        if record.namespace == namespace:
            names.append(record.name)
        lines.append(f"{record.ip}\t{' '.join(names)}\n")
    return "".join(lines)


def own_names(pod: dict) -> list[str]:
    """The names a pod resolves for itself: its FQDN first when it has a subdomain, then its hostname."""
    spec, meta = pod.get("spec", {}), pod["metadata"]
    hostname = spec.get("hostname") or meta["name"]
    if spec.get("subdomain"):
        return [f"{hostname}.{spec['subdomain']}.{meta['namespace']}.svc.{CLUSTER_DOMAIN}", hostname]
    return [hostname]


def resolv_conf(namespace: str) -> str:
    """No nameserver answers inside a pod (127.0.0.1 in its own namespace): names come from /etc/hosts only, and a
    lookup of anything else fails at once instead of leaking to the host's resolver."""
    return RESOLV_CONF.format(namespace=namespace, domain=CLUSTER_DOMAIN)


def write_in_place(path: Path, content: str) -> None:
    """Rewrite a file keeping its inode (a bind mount of a file follows the inode, not the name)."""
    data = content.encode()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        with os.fdopen(fd, "r+b", closefd=False) as handle:
            if handle.read() == data:
                return
            handle.seek(0)
            handle.truncate()
            handle.write(data)
    finally:
        os.close(fd)


class HostsFiles:
    """The hosts files of the pods this kubelet runs, re-rendered (at most every `debounce` seconds) whenever
    Services, EndpointSlices or Pods change."""

    def __init__(self, source: Callable[[], set[Record]], debounce: float = 0.1):
        self._source = source
        self._debounce = debounce
        self._pods: dict[str, tuple[Path, str, str | None, list[str]]] = {}
        self._lock = threading.Lock()
        self._changed = threading.Event()
        threading.Thread(target=self._loop, name="hosts-files", daemon=True).start()

    def register(self, uid: str, path: Path, pod: dict, ip: str | None) -> None:
        """Add (or update) one pod's hosts file and write it now, so the pod starts with a complete file."""
        with self._lock:
            self._pods[uid] = (path, pod["metadata"]["namespace"], ip, own_names(pod))
        self._write(uid, self._source())

    def unregister(self, uid: str) -> None:
        with self._lock:
            self._pods.pop(uid, None)

    def changed(self) -> None:
        self._changed.set()

    def _write(self, uid: str, records: set[Record]) -> None:
        with self._lock:
            entry = self._pods.get(uid)
        if entry:
            path, namespace, ip, names = entry
            write_in_place(path, render(records, namespace, ip, names))

    def _loop(self) -> None:
        while True:
            self._changed.wait()
            time.sleep(self._debounce)
            self._changed.clear()
            records = self._source()
            with self._lock:
                uids = list(self._pods)
            for uid in uids:
                self._write(uid, records)
