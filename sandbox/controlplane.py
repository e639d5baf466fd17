"""Start, check and stop the sandbox: etcd, the API server, the controller manager, the scheduler and the kubelet.

`up()` is idempotent. Without a running etcd nothing of an earlier cluster is worth keeping, so it clears what a
crashed sandbox left (processes, namespaces, links, mounts, state) and starts afresh; with etcd running it starts
only the components that are missing. `down()` leaves nothing running and keeps only pki/, so the next start is
clean but does not remake certificates.
"""

import fcntl
import http.client
import json
import os
import shutil
import ssl
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sandbox import SandboxError, config, network, pki, preflight, processes
from sandbox.config import Sandbox

COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet")  # start order
START_TIMEOUT_SECONDS = 120  # generous: a busy two-core machine makes the API server slow to become ready
KUBELET_STOP_SECONDS = 60  # the kubelet stops its pods first, each within its own grace period
STOP_SECONDS = 15
POLL_SECONDS = 0.2
SERVICE_ACCOUNT_ISSUER = f"https://kubernetes.default.svc.{config.CLUSTER_DOMAIN}"


def up(state_dir: str | os.PathLike | None = None) -> Path:
    """Start whatever part of the sandbox is not running and wait until it is usable; returns the kubeconfig path."""
    started_at = time.monotonic()
    sandbox = Sandbox.from_env(state_dir)
    preflight.check(sandbox)
    with _locked(sandbox):
        running = _running(sandbox)
        if "etcd" not in running:
            _clear(sandbox)
            running = {}
        elif "kubelet" not in running:
            _remove_pods(sandbox)  # a dead kubelet's pods are orphans; the next kubelet starts them again
        started = {}
        try:
            _start_missing(sandbox, running, started)
        except BaseException:
            if running:
                processes.stop(started.values(), grace_seconds=STOP_SECONDS)
            else:
                _clear(sandbox)
            raise
    if started:
        _say(f"ready in {time.monotonic() - started_at:.1f} s")
    return sandbox.kubeconfig


def down(state_dir: str | os.PathLike | None = None) -> None:
    """Stop every component (the kubelet first, so that it stops its pods) and remove all but the certificates."""
    sandbox = Sandbox.from_env(state_dir)
    with _locked(sandbox):
        running = _running(sandbox)
        for name in reversed(COMPONENTS):
            if name in running:
                grace = KUBELET_STOP_SECONDS if name == "kubelet" else STOP_SECONDS
                processes.stop([running[name]], grace_seconds=grace)
        _clear(sandbox)


def status(state_dir: str | os.PathLike | None = None) -> dict[str, int | None]:
    """Each component's pid, or None when it is not running."""
    sandbox = Sandbox.from_env(state_dir)
    found = {}
    for name in COMPONENTS:
        pid = processes.running_pid(sandbox.pid_file(name), sandbox.state_dir)
        if pid is not None and _component_of(pid) == name:
            found[name] = pid
    if len(found) < len(COMPONENTS):  # a pid file lost or overwritten: recognise the process by its command line
        for pid in processes.find(sandbox.state_dir):
            name = _component_of(pid)
            if name and name not in found:
                found[name] = pid
    return {name: found.get(name) for name in COMPONENTS}


def is_running(state_dir: str | os.PathLike | None = None) -> bool:
    """Whether every component of the sandbox runs."""
    return all(status(state_dir).values())


def _start_missing(sandbox: Sandbox, running: dict[str, int], started: dict[str, int]) -> None:
    """Start each component missing from running (recording it in started) and wait until the cluster is usable."""
    pki.ensure(sandbox.pki_dir)
    pki.write_kubeconfig(sandbox.pki_dir, sandbox.kubeconfig, sandbox.api_url)
    network.setup()
    alive = dict(running)

    def start(name: str) -> None:
        if name not in running:
            _say(f"starting {name}")
            started[name] = alive[name] = _start(sandbox, name)

    start("etcd")
    _wait(sandbox, alive, "etcd to answer", lambda: _etcd_is_healthy(sandbox))
    start("kube-apiserver")
    _wait(sandbox, alive, "the API server to be ready", lambda: _api_get(sandbox, "/readyz") is not None)
    for name in ("kube-controller-manager", "kube-scheduler", "kubelet"):
        start(name)
    _wait(sandbox, alive, f"{config.NODE_COUNT} Ready nodes", lambda: _ready_nodes(sandbox) >= config.NODE_COUNT)
    # The ServiceAccount admission plugin rejects pods until the controller manager has made this account.
    default_account = "/api/v1/namespaces/default/serviceaccounts/default"
    _wait(sandbox, alive, "the default service account", lambda: _api_get(sandbox, default_account) is not None)


def _start(sandbox: Sandbox, name: str) -> int:
    env = dict(os.environ)
    if name == "kubelet":  # `python -m sandbox.kubelet` from the state directory must still find this package
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(config.REPO_ROOT), env.get("PYTHONPATH")]))
    return processes.start(
        _COMMANDS[name](sandbox),
        log_file=sandbox.log_file(name),
        pid_file=sandbox.pid_file(name),
        cwd=sandbox.state_dir,  # so that a leftover is recognisable by its working directory too
        env=env,
    )


def _etcd_command(sandbox: Sandbox) -> list[str]:
    return [
        str(config.BIN_DIR / "etcd"),
        "--name=sandbox",
        f"--data-dir={sandbox.etcd_dir}",
        f"--listen-client-urls={sandbox.etcd_client_url}",
        f"--advertise-client-urls={sandbox.etcd_client_url}",
        f"--listen-peer-urls={sandbox.etcd_peer_url}",
        f"--initial-advertise-peer-urls={sandbox.etcd_peer_url}",
        f"--initial-cluster=sandbox={sandbox.etcd_peer_url}",
        "--unsafe-no-fsync",  # a throwaway cluster: speed over durability
        f"--quota-backend-bytes={2 * 1024**3}",
        "--auto-compaction-mode=periodic",
        "--auto-compaction-retention=5m",
        "--log-level=warn",
    ]


def _apiserver_command(sandbox: Sandbox) -> list[str]:
    pki_dir = sandbox.pki_dir
    return [
        str(config.BIN_DIR / "kube-apiserver"),
        f"--etcd-servers={sandbox.etcd_client_url}",
        # On the bridge, not loopback: processes in network namespaces of their own (pods, the operators of
        # sandbox/hosts.py) reach it there, and it is the `kubernetes` Service's endpoint (Kubernetes rejects loopback
        # endpoints).
        f"--bind-address={config.GATEWAY_IP}",
        f"--secure-port={sandbox.api_port}",
        f"--advertise-address={config.GATEWAY_IP}",
        f"--tls-cert-file={pki_dir / 'apiserver.crt'}",
        f"--tls-private-key-file={pki_dir / 'apiserver.key'}",
        f"--client-ca-file={pki_dir / 'ca.crt'}",
        f"--kubelet-certificate-authority={pki_dir / 'ca.crt'}",
        f"--kubelet-client-certificate={pki_dir / 'apiserver-kubelet-client.crt'}",
        f"--kubelet-client-key={pki_dir / 'apiserver-kubelet-client.key'}",
        "--kubelet-preferred-address-types=InternalIP",
        f"--service-account-key-file={pki_dir / 'sa.pub'}",
        f"--service-account-signing-key-file={pki_dir / 'sa.key'}",
        f"--service-account-issuer={SERVICE_ACCOUNT_ISSUER}",
        f"--service-cluster-ip-range={config.SERVICE_CIDR}",
        "--authorization-mode=Node,RBAC",
        "--allow-privileged=true",
        "--profiling=false",
    ]


def _controller_manager_command(sandbox: Sandbox) -> list[str]:
    pki_dir = sandbox.pki_dir
    return [
        str(config.BIN_DIR / "kube-controller-manager"),
        f"--kubeconfig={sandbox.kubeconfig}",
        "--controllers=*",
        "--leader-elect=false",
        "--secure-port=0",  # nothing needs its health endpoint; one port fewer to collide
        f"--root-ca-file={pki_dir / 'ca.crt'}",  # published to every namespace as kube-root-ca.crt
        f"--service-account-private-key-file={pki_dir / 'sa.key'}",
        "--use-service-account-credentials=true",
        f"--cluster-signing-cert-file={pki_dir / 'ca.crt'}",
        f"--cluster-signing-key-file={pki_dir / 'ca.key'}",
        # A stopped sandbox node goes NotReady 20 s after its last lease renewal (the kubelet renews every ~5 s).
        "--node-monitor-grace-period=20s",
        "--node-monitor-period=2s",
        "--terminated-pod-gc-threshold=50",
        f"--flex-volume-plugin-dir={sandbox.state_dir / 'flexvolume'}",  # instead of creating one under /usr/libexec
        "--profiling=false",
    ]


def _scheduler_command(sandbox: Sandbox) -> list[str]:
    return [
        str(config.BIN_DIR / "kube-scheduler"),
        f"--kubeconfig={sandbox.kubeconfig}",
        "--leader-elect=false",
        "--secure-port=0",
        "--profiling=false",
    ]


def _kubelet_command(sandbox: Sandbox) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sandbox.kubelet",
        f"--state-dir={sandbox.state_dir}",
        f"--kubeconfig={sandbox.kubeconfig}",
        f"--nodes={config.NODE_COUNT}",
    ]


_COMMANDS: dict[str, Callable[[Sandbox], list[str]]] = {
    "etcd": _etcd_command,
    "kube-apiserver": _apiserver_command,
    "kube-controller-manager": _controller_manager_command,
    "kube-scheduler": _scheduler_command,
    "kubelet": _kubelet_command,
}


def _component_of(pid: int) -> str | None:
    """Which component pid runs, judged by its command line; None for any other process."""
    try:
        arguments = processes.command_line(pid)
    except OSError:
        return None
    if "sandbox.kubelet" in arguments:
        return "kubelet"
    program = Path(arguments[0]).name if arguments else None
    return program if program in COMPONENTS else None


def _running(sandbox: Sandbox) -> dict[str, int]:
    return {name: pid for name, pid in status(sandbox.state_dir).items() if pid is not None}


def _wait(sandbox: Sandbox, alive: dict[str, int], what: str, condition: Callable[[], bool]) -> None:
    """Poll condition until it holds; fail early, with the component's last log line, when a component exits."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not condition():
        for name, pid in alive.items():
            if not processes.is_alive(pid):
                log = sandbox.log_file(name)
                raise SandboxError(f"{name} exited while waiting for {what}: {_last_line(log)} (see {log})")
        if time.monotonic() > deadline:
            raise SandboxError(f"gave up after {START_TIMEOUT_SECONDS} s waiting for {what}; see {sandbox.logs_dir}")
        time.sleep(POLL_SECONDS)


def _remove_pods(sandbox: Sandbox) -> None:
    """Stop every process in a pod's network namespace; remove the namespaces, veth links, bridge and mounts."""
    processes.stop(processes.find(None, network.pod_netns_inodes()), grace_seconds=STOP_SECONDS)
    network.teardown(sandbox.state_dir)


def _clear(sandbox: Sandbox) -> None:
    """Remove everything of this sandbox but its certificates: processes, pods, network, mounts and files."""
    processes.stop(processes.find(sandbox.state_dir), grace_seconds=STOP_SECONDS)
    _remove_pods(sandbox)
    still_mounted = network.mounts_under(sandbox.state_dir)
    if still_mounted:  # removing files through a mount would delete what it shows from elsewhere
        raise SandboxError(f"{still_mounted[0]} is still mounted; unmount it and run `python -m sandbox down` again")
    if sandbox.state_dir.is_dir():
        for entry in sandbox.state_dir.iterdir():
            if entry == sandbox.pki_dir:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


@contextmanager
def _locked(sandbox: Sandbox) -> Iterator[None]:
    """Serialise `up` and `down` on one state directory (several test sessions may share the sandbox)."""
    sandbox.state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(sandbox.state_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _etcd_is_healthy(sandbox: Sandbox) -> bool:
    try:
        with urllib.request.urlopen(f"{sandbox.etcd_client_url}/health", timeout=2) as response:
            return json.load(response).get("health") == "true"
    except (OSError, ValueError):
        return False


def _api_get(sandbox: Sandbox, path: str) -> dict | str | None:
    """GET path as the administrator: the decoded answer, or None unless the API server answers 200."""
    try:
        with urllib.request.urlopen(sandbox.api_url + path, timeout=5, context=_admin_tls(sandbox)) as response:
            body = response.read().decode()
    except (OSError, http.client.HTTPException):  # HTTPError and URLError are OSErrors
        return None
    return json.loads(body) if body.startswith("{") else body


def _ready_nodes(sandbox: Sandbox) -> int:
    nodes = _api_get(sandbox, "/api/v1/nodes") or {"items": []}
    return sum(
        any(c["type"] == "Ready" and c["status"] == "True" for c in node.get("status", {}).get("conditions", []))
        for node in nodes["items"]
    )


def _admin_tls(sandbox: Sandbox) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=sandbox.pki_dir / "ca.crt")
    context.load_cert_chain(sandbox.pki_dir / "admin.crt", sandbox.pki_dir / "admin.key")
    return context


def _last_line(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return lines[-1][:300] if lines else "empty log"


def _say(message: str) -> None:
    print(f"sandbox: {message}", file=sys.stderr, flush=True)
