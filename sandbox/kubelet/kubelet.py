"""The kubelet: wires the API informers, the nodes, the pod workers, DNS, the provisioner, the kubelet API servers
and the control channel together, and routes events between them."""

from __future__ import annotations

import functools
import logging
import shutil
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from sandbox.config import KUBELET_PORT, NETNS_PREFIX

from . import control, kubelet_api, netns
from .api import Api, ApiError, Informer
from .events import EventRecorder
from .hostsfile import HostsFiles, Record, pod_records, service_records
from .kubelet_auth import Authorizer
from .nodes import Heartbeat, Node, node_name
from .pods import PodWorker
from .port_forward import Target
from .provisioner import Provisioner
from .volumes import TOKEN_SECONDS, VolumeNotReady

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 5.0  # seconds each container gets on kubelet shutdown before SIGKILL
SIGNALS = {"crash": signal.SIGKILL, "freeze": signal.SIGSTOP, "thaw": signal.SIGCONT}


class Paths:
    def __init__(self, root: Path):
        self.root = root
        self.pods = root / "pods"
        self.volumes = root / "volumes"
        self.nodes = root / "nodes"
        self.logs = root / "logs"
        self.control_socket = root / "run" / control.SOCKET_NAME
        self.kubelet_cert = root / "pki" / "kubelet.crt"
        self.kubelet_key = root / "pki" / "kubelet.key"
        self.ca_cert = root / "pki" / "ca.crt"  # the kubelet API's callers present certificates of this CA


def api_server_env(server: str) -> dict[str, str]:
    """The variables of the `kubernetes` Service every container gets, which in-cluster clients (client-go,
    kubernetes' Python client) connect to. Without kube-proxy its ClusterIP does not route, so they name the API
    server's own address, the Service's endpoint, as a node-local proxy would resolve it."""
    address = urlparse(server)
    host, port = address.hostname, str(address.port or 443)
    return {
        "KUBERNETES_SERVICE_HOST": host,
        "KUBERNETES_SERVICE_PORT": port,
        "KUBERNETES_SERVICE_PORT_HTTPS": port,
        "KUBERNETES_PORT": f"tcp://{host}:{port}",
        f"KUBERNETES_PORT_{port}_TCP": f"tcp://{host}:{port}",
        f"KUBERNETES_PORT_{port}_TCP_PROTO": "tcp",
        f"KUBERNETES_PORT_{port}_TCP_PORT": port,
        f"KUBERNETES_PORT_{port}_TCP_ADDR": host,
    }


class Kubelet:
    def __init__(self, state_dir: Path, kubeconfig: str, node_count: int):
        self.paths = Paths(state_dir)
        self.api = Api(kubeconfig)
        self.nodes = {
            node_name(i): Node(i, self.api, netns.AddressPool(i, self.paths.nodes / node_name(i) / "addresses.json"))
            for i in range(1, node_count + 1)
        }
        self.stopping = threading.Event()
        self.workers: dict[str, PodWorker] = {}
        self._lock = threading.RLock()
        self.configmaps = Informer(self.api, "/api/v1/configmaps", self._on_volume_source)
        self.secrets = Informer(self.api, "/api/v1/secrets", self._on_volume_source)
        self.services = Informer(self.api, "/api/v1/services", self._on_dns_source)
        self.endpoint_slices = Informer(self.api, "/apis/discovery.k8s.io/v1/endpointslices", self._on_dns_source)
        self.pods = Informer(self.api, "/api/v1/pods", self._on_pod, {"fieldSelector": "spec.nodeName!="})
        self.node_objects = Informer(self.api, "/api/v1/nodes", self._on_node)
        self.hosts = HostsFiles(self._dns_records)
        self.events = EventRecorder(self.api)
        self.provisioner = Provisioner(self.api, self.paths.volumes)
        self.authorizer = Authorizer(self.api)
        self.api_server_env = api_server_env(self.api.host)

    # --- lookups the pod workers use -----------------------------------------------------------------------------

    def configmap(self, namespace: str, name: str) -> dict | None:
        return self.configmaps.get(namespace, name)

    def secret(self, namespace: str, name: str) -> dict | None:
        return self.secrets.get(namespace, name)

    def claim_path(self, namespace: str, claim_name: str) -> str:
        try:
            claim = self.api.get(f"/api/v1/namespaces/{namespace}/persistentvolumeclaims/{claim_name}")
        except ApiError as error:
            raise VolumeNotReady(f"persistentvolumeclaim {namespace}/{claim_name}: {error}") from error
        if claim.get("status", {}).get("phase") != "Bound":
            raise VolumeNotReady(f"persistentvolumeclaim {namespace}/{claim_name} is not bound yet")
        volume = self.api.get(f"/api/v1/persistentvolumes/{claim['spec']['volumeName']}")
        source = volume["spec"].get("hostPath") or volume["spec"].get("local")
        if source is None:
            raise VolumeNotReady(f"volume {volume['metadata']['name']} is neither hostPath nor local")
        Path(source["path"]).mkdir(parents=True, exist_ok=True)
        return source["path"]

    def request_token(self, pod: dict, source: dict) -> tuple[str, float]:
        """A service account token bound to the pod (TokenRequest API): (token, expiry as epoch seconds)."""
        meta = pod["metadata"]
        account = pod["spec"].get("serviceAccountName", "default")
        request = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {
                "audiences": [source["audience"]] if source.get("audience") else [],
                "expirationSeconds": source.get("expirationSeconds", TOKEN_SECONDS),
                "boundObjectRef": {"apiVersion": "v1", "kind": "Pod", "name": meta["name"], "uid": meta["uid"]},
            },
        }
        path = f"/api/v1/namespaces/{meta['namespace']}/serviceaccounts/{account}/token"
        try:
            status = self.api.create(path, request)["status"]
        except ApiError as error:
            raise VolumeNotReady(f"token for service account {meta['namespace']}/{account}: {error}") from error
        expiry = datetime.strptime(status["expirationTimestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        return status["token"], expiry

    # --- events --------------------------------------------------------------------------------------------------

    def _on_pod(self, kind: str, pod: dict) -> None:
        self.hosts.changed()
        node = self.nodes.get(pod["spec"].get("nodeName"))
        if node is None:
            return
        uid = pod["metadata"]["uid"]
        with self._lock:
            worker = self.workers.get(uid)
            if kind == "DELETED":
                if worker:
                    worker.removed()
                    self.workers.pop(uid)
            elif worker:
                worker.update(pod)
            elif not node.stopped and not self.stopping.is_set() and not _finished(pod):
                worker = self.workers[uid] = PodWorker(self, node, pod)
                worker.start()

    def _on_node(self, kind: str, obj: dict) -> None:
        """Put a running node's Ready condition back as soon as someone else changed it (the node controller marks a
        node Unknown when the API server was unreachable for its grace period), or register a deleted node again."""
        node = self.nodes.get(obj["metadata"]["name"])
        if node is None or node.stopped or self.stopping.is_set():
            return
        if kind == "DELETED":
            node.register()
            return
        conditions = obj.get("status", {}).get("conditions") or []
        if not any(c["type"] == "Ready" and c["status"] == "True" for c in conditions):
            node.report_status()

    def _on_volume_source(self, _kind: str, obj: dict) -> None:
        namespace = obj["metadata"]["namespace"]
        with self._lock:
            workers = [w for w in self.workers.values() if w.namespace == namespace]
        for worker in workers:
            worker.notify()

    def _on_dns_source(self, _kind: str, _obj: dict) -> None:
        self.hosts.changed()

    def _dns_records(self) -> set[Record]:
        return service_records(self.services.items(), self.endpoint_slices.items()) | pod_records(self.pods.items())

    # --- control channel -----------------------------------------------------------------------------------------

    def worker(self, namespace: str, pod: str) -> PodWorker:
        with self._lock:
            for worker in self.workers.values():
                if (worker.namespace, worker.pod_name) == (namespace, pod) and not worker.finished.is_set():
                    return worker
        raise control.ControlError(f"pod {namespace}/{pod} is not running on a sandbox node")

    def node(self, name: str) -> Node:
        if name not in self.nodes:
            raise control.ControlError(f"no node {name!r}; nodes: {', '.join(self.nodes)}")
        return self.nodes[name]

    def handle(self, request: dict) -> dict:
        verb = request["verb"]
        if verb in ("stop-node", "start-node"):
            (self.stop_node if verb == "stop-node" else self.start_node)(self.node(request["node"]))
            return {}
        if verb == "nodes":
            return {"nodes": {name: not node.stopped for name, node in self.nodes.items()}}
        worker = self.worker(request["namespace"], request["pod"])
        if verb in ("cut", "heal"):
            netns.set_connected(worker.uid, verb == "heal")
            return {}
        container = worker.container(request.get("container"))
        if container is None or container.run is None:
            raise control.ControlError(f"no running container {request.get('container')!r} in {worker.pod_name}")
        if verb in SIGNALS:
            if verb == "crash":
                container.kill_main(SIGNALS[verb])
            else:
                container.signal_all(SIGNALS[verb])
            return {"container": container.name}
        if verb == "pid":
            return {"pid": container.run.process.pid, "container": container.name}
        raise control.ControlError(f"unknown verb {verb!r}")

    def stop_node(self, node: Node) -> None:
        """Power the node off: SIGKILL its pods' processes, stop its heartbeats, ignore its pods until started."""
        node.stopped = True
        with self._lock:
            workers = [w for w in self.workers.values() if w.node is node]
        for worker in workers:
            for container in worker.containers + worker.init_containers:
                container.signal_all(signal.SIGKILL)  # at once, even when the worker is busy (say, in a preStop)
            worker.notify()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(c.run for w in workers for c in w.containers + w.init_containers):
            time.sleep(0.05)
        log.info("node %s stopped", node.name)

    def start_node(self, node: Node) -> None:
        node.stopped = False
        node.register()
        for pod in self.pods.items():
            if pod["spec"].get("nodeName") == node.name:
                self._on_pod("MODIFIED", pod)
        log.info("node %s started", node.name)

    # --- lifecycle -----------------------------------------------------------------------------------------------

    def _log_file(self, namespace: str, pod: str, name: str, previous: bool):
        try:
            worker = self.worker(namespace, pod)
        except control.ControlError:
            return None
        container = worker.container(name)
        if container is None:
            return None
        restart = container.restart_count - (1 if previous else 0)
        path = container.log_dir / f"{restart}.log"
        if restart < 0 or not path.exists():
            return None
        return path, lambda: container.run is not None and container.restart_count == restart

    # --- the kubelet API's lookups (kubelet_api.py), answered as the real kubelet answers ------------------------

    def _worker_on(self, node: Node, namespace: str, pod: str) -> PodWorker:
        with self._lock:
            for worker in self.workers.values():
                if (worker.node, worker.namespace, worker.pod_name) == (node, namespace, pod):
                    return worker
        raise kubelet_api.Failure(404, "pod does not exist")

    def _container_pid(self, node: Node, namespace: str, pod: str, uid: str | None, name: str) -> int:
        worker = self._worker_on(node, namespace, pod)
        container = worker.container(name)
        run = container.run if container is not None and uid in (None, worker.uid) else None
        if run is None:
            raise kubelet_api.Failure(500, f'container not found ("{name}")')
        return run.process.pid

    def _pod_sandbox(self, node: Node, namespace: str, pod: str, uid: str | None) -> Target:
        worker = self._worker_on(node, namespace, pod)
        if uid not in (None, worker.uid):
            raise kubelet_api.Failure(404, "pod not found")
        if worker.ip is None or worker.finished.is_set():
            raise kubelet_api.Failure(500, f'pod not found ("{pod}_{namespace}")')
        return Target(netns.netns_path(worker.uid), worker.uid)

    def _api_of(self, node: Node) -> kubelet_api.Pods:
        return kubelet_api.Pods(
            log_file=self._log_file,
            container_pid=functools.partial(self._container_pid, node),
            sandbox=functools.partial(self._pod_sandbox, node),
            authorized=lambda user, verb: self.authorizer.allowed(user, verb, node.name),
        )

    def _remove_leftovers(self) -> None:
        """Namespaces and links of a previous kubelet run (the pods themselves are started afresh)."""
        listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
        for line in listing.splitlines():
            name = line.split()[0] if line.strip() else ""
            if name.startswith(NETNS_PREFIX):
                subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)

    def run(self) -> None:
        self._remove_leftovers()
        for informer in (self.configmaps, self.secrets, self.services, self.endpoint_slices):
            informer.start()
        for informer in (self.configmaps, self.secrets, self.services, self.endpoint_slices):
            informer.synced.wait()
        self.provisioner.start()
        for node in self.nodes.values():
            node.register()
            paths = self.paths
            kubelet_api.serve(
                node.ip,
                KUBELET_PORT,
                cert=paths.kubelet_cert,
                key=paths.kubelet_key,
                client_ca=paths.ca_cert,
                pods=self._api_of(node),
            )
        Heartbeat(list(self.nodes.values())).start()
        self.node_objects.start()
        control.serve(self.paths.control_socket, self.handle)
        earlier_pods = {entry.name for entry in self.paths.pods.iterdir()} if self.paths.pods.is_dir() else set()
        self.pods.start()
        self.pods.synced.wait()
        live = {pod["metadata"]["uid"] for pod in self.pods.items()}
        for node in self.nodes.values():
            node.addresses.retain_only(live)
        for uid in earlier_pods - live:  # pods deleted while no kubelet ran: their files (emptyDirs and all) go too
            shutil.rmtree(self.paths.pods / uid, ignore_errors=True)
        log.info("kubelet running %d nodes", len(self.nodes))
        self.stopping.wait()
        self.shutdown()

    def shutdown(self) -> None:
        log.info("kubelet stopping: stopping every pod's processes")
        with self._lock:
            workers = list(self.workers.values())
        for worker in workers:
            worker.notify()
        threads = [threading.Thread(target=w.stop_for_shutdown, args=(SHUTDOWN_GRACE,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.paths.control_socket.unlink(missing_ok=True)
        log.info("kubelet stopped")


def _finished(pod: dict) -> bool:
    """A pod that completed before this kubelet started (and is not being deleted): there is nothing to run."""
    return pod.get("status", {}).get("phase") in ("Succeeded", "Failed") and not pod["metadata"].get(
        "deletionTimestamp"
    )
