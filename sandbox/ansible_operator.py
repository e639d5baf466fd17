"""ansible-operator, run locally exactly as an install of config/ runs it in a cluster.

The command line and the environment are read from the install's Deployment (`kubectl kustomize config/<install>`),
so that `make run`, the tests and the benchmarks differ from a cluster only in where the process runs: on a host of
its own on the sandbox's bridge (sandbox/hosts.py), with its own loopback (ansible-operator's proxy on localhost:8888
and its metrics API on :5050) and its own /tmp/ansible-operator, a directory of the caller's where the runner
artifacts can be read. The Deployment's downward-API variables get what a pod would: its namespace and a name.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from sandbox import SandboxError, config
from sandbox.hosts import BridgeHost, MachineHost

INSTALLS = ("default", "cluster-scoped")
BINARY = config.BIN_DIR / "ansible-operator"
# ansible-operator's working directory, a fixed path upstream: runner/<group>/<version>/<kind>/<namespace>/<name>/ holds
# each resource's runs (their inputs, and their artifacts/ as maxRunnerArtifacts keeps them).
STATE_DIR = Path("/tmp/ansible-operator")
# controller-runtime logs this once the operator leads and its controller has started.
STARTED_MESSAGE = "Starting workers"


@dataclass(frozen=True)
class Manager:
    """The manager container of an install's Deployment, its event-relay container, and the namespace that install
    runs in."""

    namespace: str
    deployment: str
    container: dict
    relay: dict

    @classmethod
    def of(cls, install: str) -> Manager:
        if install not in INSTALLS:
            raise SandboxError(
                f"unknown install {install!r}: use one of {', '.join(INSTALLS)} (the folders of config/)"
            )
        rendered = subprocess.run(
            [str(config.BIN_DIR / "kubectl"), "kustomize", str(config.REPO_ROOT / "config" / install)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        [deployment] = [item for item in yaml.safe_load_all(rendered) if item and item["kind"] == "Deployment"]
        containers = {c["name"]: c for c in deployment["spec"]["template"]["spec"]["containers"]}
        return cls(
            deployment["metadata"]["namespace"],
            deployment["metadata"]["name"],
            containers["manager"],
            containers["event-relay"],
        )

    def environment(self, namespace: str, pod_name: str, container: dict | None = None) -> dict[str, str]:
        """A container's variables (the manager's by default), with the downward API's metadata.namespace and
        metadata.name answered."""
        fields = {"metadata.namespace": namespace, "metadata.name": pod_name}
        variables = {}
        for variable in (container or self.container).get("env", []):
            field = ((variable.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
            if field and field not in fields:
                raise SandboxError(f"the manager's {variable['name']} comes from {field}, which local runs do not set")
            variables[variable["name"]] = fields[field] if field else str(variable.get("value", ""))
        return variables

    def relay_command(self) -> list[str]:
        """The event relay's command and arguments, run by this interpreter: the image's ansible-python (Dockerfile)."""
        program, *arguments = self.relay["command"]
        if program != "ansible-python":
            raise SandboxError(f"the event relay runs {program}, which local runs do not know: expected ansible-python")
        return [sys.executable, *arguments, *self.relay.get("args", [])]

    def arguments(self, namespace: str) -> list[str]:
        """The container's arguments; outside a pod, leader election cannot infer its namespace, so it is named."""
        return [*self.container.get("args", []), f"--leader-election-namespace={namespace}"]

    def port(self, name: str) -> int:
        """A named port of either container."""
        ports = [*self.container.get("ports", []), *self.relay.get("ports", [])]
        return next(port["containerPort"] for port in ports if port["name"] == name)


class LocalOperator:
    """One ansible-operator process of an install, logging to `workdir/operator.log`, and its event relay, logging to
    `workdir/event-relay.log`, as the two containers of its pod: on a bridge host of their own, or with
    `on_bridge=False` on the machine's network (for a cluster the bridge does not reach; one at a time)."""

    def __init__(
        self,
        install: str,
        kubeconfig: Path,
        workdir: Path,
        namespace: str | None = None,
        *,
        on_bridge: bool = True,
        watches: Path | None = None,  # default: the project's watches.yaml
        watch_namespace: str | None = None,  # WATCH_NAMESPACE instead of the install's: "a,b" serves both
    ):
        if not BINARY.exists():
            raise SandboxError(f"{BINARY} is missing: `make deps` builds it")
        path = os.pathsep.join([str(Path(sys.executable).parent), str(config.BIN_DIR), os.environ["PATH"]])
        if shutil.which("ansible-runner", path=path) is None:
            raise SandboxError(
                "ansible-runner is not on PATH: ansible-operator runs it for every reconcile; "
                "run through make (it puts the project's virtualenv on PATH) or install requirements.txt"
            )
        self.install = install
        self.manager = Manager.of(install)
        self.namespace = namespace or self.manager.namespace
        self.workdir = workdir
        self.log = workdir / "operator.log"
        self.relay_log = workdir / "event-relay.log"
        state_dir = workdir / "ansible-operator"  # seen by the operator as /tmp/ansible-operator
        state_dir.mkdir(parents=True, exist_ok=True)
        self.runner_dir = state_dir / "runner"
        _ensure_namespace(kubeconfig, self.namespace)
        self.host = BridgeHost.create() if on_bridge else MachineHost()
        pod_name = f"{self.manager.deployment}-{self.host.name}"  # the reportingInstance of its Events
        # Not the caller's K8S_AUTH_* (a test session's admin kubeconfig): in a pod the runs get only the proxy's.
        inherited = {key: value for key, value in os.environ.items() if not key.startswith("K8S_AUTH_")}
        env = {
            **inherited,
            **self.manager.environment(self.namespace, pod_name),
            "KUBECONFIG": str(kubeconfig),
            "ANSIBLE_CONFIG": str(config.REPO_ROOT / "ansible.cfg"),
            # Modules run with the interpreter that runs Ansible, as the image's ANSIBLE_PYTHON_INTERPRETER says.
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "PATH": path,
        }
        watched = {} if watch_namespace is None else {"WATCH_NAMESPACE": watch_namespace}
        env.update(watched)
        watches_file = ["--watches-file", str(watches)] if watches else []
        with self.log.open("ab") as log:
            self.process = self.host.popen(
                [str(BINARY), "run", *self.manager.arguments(self.namespace), *watches_file],
                binds={state_dir: STATE_DIR},
                cwd=config.REPO_ROOT,  # watches.yaml and roles/ are found from the working directory
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._relay_env = {
            **inherited,
            **self.manager.environment(self.namespace, pod_name, self.manager.relay),
            "KUBECONFIG": str(kubeconfig),
            "PATH": path,
            **watched,
        }
        self.relay: subprocess.Popen | None = None
        self.start_relay()

    def start_relay(self) -> None:
        """The event relay, as the pod's event-relay container runs it (again, after kill_relay)."""
        with self.relay_log.open("ab") as log:
            self.relay = self.host.popen(
                self.manager.relay_command(),
                cwd=config.REPO_ROOT,  # the image runs it from ${HOME}, where event_relay/ is
                env=self._relay_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill_relay(self) -> None:
        """SIGKILL to the event relay alone, as when its container is killed."""
        if self.relay is not None and self.relay.poll() is None:
            self.relay.kill()
            self.relay.wait()

    @property
    def metrics_url(self) -> str:
        return f"http://{self.host.address}:{self.manager.port('metrics')}/metrics"

    @property
    def relay_metrics_url(self) -> str:
        return f"http://{self.host.address}:{self.manager.port('relay-metrics')}/metrics"

    @property
    def health_url(self) -> str:
        return f"http://{self.host.address}:{self.manager.port('health')}"

    def started(self) -> bool:
        """Whether the operator leads and reconciles; raises if it exited."""
        if self.process.poll() is not None:
            raise SandboxError(
                f"ansible-operator ({self.install}) exited with {self.process.returncode}: {self.last_error()} "
                f"(its log: {self.log})"
            )
        return self.log.exists() and STARTED_MESSAGE in self.log.read_text(errors="replace")

    def wait_started(self, timeout: float = 90) -> None:
        """Until the operator leads: a new leader waits for the last one's lease to expire (15 s) first."""
        deadline = time.monotonic() + timeout
        while not self.started():
            if time.monotonic() > deadline:
                raise SandboxError(
                    f"ansible-operator ({self.install}) did not start within {timeout} s:\n{self.tail()}"
                )
            time.sleep(0.2)

    def last_error(self) -> str:
        """The message and error of ansible-operator's last error record (its log is JSON lines)."""
        for line in reversed(self.log.read_text(errors="replace").splitlines() if self.log.exists() else []):
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict) and record.get("level") == "error":
                    return f"{record.get('msg', '').rstrip('.')}: {record.get('error', '')}"
        return self.tail(5)

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def stop(self, grace: float = 30) -> None:
        """SIGTERM to the operator and a grace period, as a kubelet gives its container's first process, then SIGKILL
        to whatever is left of it and its runs."""
        for process in (self.process, self.relay):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)  # `ip netns exec` and sh exec'd it: the pid is the program's own
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        self.kill()

    def kill(self) -> None:
        """SIGKILL to the operator and every run it started, as when its node dies."""
        self.host.signal_all(signal.SIGKILL)
        self.process.wait()
        if self.relay is not None:
            self.relay.wait()
        self.host.remove()


def _ensure_namespace(kubeconfig: Path, namespace: str) -> None:
    """The namespace the operator runs in holds its leader-election lease: create it when missing."""
    kubectl = [str(config.BIN_DIR / "kubectl"), f"--kubeconfig={kubeconfig}"]
    found = subprocess.run([*kubectl, "get", "namespace", namespace, "-o", "name"], capture_output=True, check=False)
    if found.returncode:
        manifest = json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        subprocess.run([*kubectl, "apply", "-f", "-"], input=manifest.encode(), capture_output=True, check=True)


def serve(kubeconfig: Path, workdir: Path, namespace: str, installs: tuple[str, ...], on_bridge: bool) -> int:
    """`make run`: the installs side by side, each leading, their logs followed here with a prefix, until Ctrl-C or
    one of them exits; then every one is stopped."""
    operators: list[LocalOperator] = []
    for number in (signal.SIGTERM, signal.SIGHUP):  # `timeout`, a closed terminal: stop the operators as Ctrl-C does
        signal.signal(number, _interrupt)
    try:
        for install in installs:
            operator = LocalOperator(
                install, kubeconfig, workdir / install, namespace if install == "default" else None, on_bridge=on_bridge
            )
            operators.append(operator)
            operator.wait_started()
            watched = f"namespace {namespace}" if install == "default" else "every namespace"
            print(
                f"operator {install}: watching {watched}; log {operator.log}, runner artifacts {operator.runner_dir}, "
                f"metrics {operator.metrics_url} and {operator.relay_metrics_url}, "
                f"health {operator.health_url}/healthz; "
                f"event relay log {operator.relay_log}",
                flush=True,
            )
        return _follow(operators)
    except KeyboardInterrupt:
        return 0
    finally:
        for operator in operators:
            operator.stop(grace=10)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _follow(operators: list[LocalOperator]) -> int:
    logs = [(operator, operator.log.open(errors="replace")) for operator in operators]
    while True:
        for operator, log in logs:
            for line in iter(log.readline, ""):
                print(f"[{operator.install}] {line}", end="", flush=True)
            if operator.process.poll() is not None:
                print(f"operator {operator.install} exited with {operator.process.returncode}", file=sys.stderr)
                return 1
        time.sleep(0.2)
