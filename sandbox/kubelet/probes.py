"""Startup, readiness and liveness probes: a pure state machine (thresholds) and a thread per probe that runs it.

Exec probes run inside the container's namespaces (nsenter on its main process); tcpSocket and httpGet probes go to
the pod IP over the sandbox bridge, as a kubelet's do over the pod network, so a cut network fails them too.
"""

from __future__ import annotations

import http.client
import logging
import socket
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass

from .nsexec import in_container

log = logging.getLogger(__name__)

# What a probe reports before its first verdict: a container is not ready and not started until proven, and alive
# until proven dead (Kubernetes' initial results).
INITIAL_RESULT = {"readiness": False, "liveness": True, "startup": False}


@dataclass
class ProbeState:
    """Consecutive-result thresholds: the result flips after successThreshold successes or failureThreshold
    failures in a row."""

    success_threshold: int
    failure_threshold: int
    result: bool
    _streak: int = 0
    _streak_ok: bool | None = None

    @classmethod
    def for_probe(cls, kind: str, probe: dict) -> ProbeState:
        return cls(
            success_threshold=probe.get("successThreshold", 1),
            failure_threshold=probe.get("failureThreshold", 3),
            result=INITIAL_RESULT[kind],
        )

    @property
    def failed_out(self) -> bool:
        """failureThreshold failures in a row: for a startup probe, the container is to be restarted."""
        return self._streak_ok is False and self._streak >= self.failure_threshold

    def record(self, ok: bool) -> bool:
        """Record one probe outcome; True when the result changed."""
        self._streak = self._streak + 1 if self._streak_ok is ok else 1
        self._streak_ok = ok
        threshold = self.success_threshold if ok else self.failure_threshold
        if self.result is not ok and self._streak >= threshold:
            self.result = ok
            return True
        return False


def named_port(port: int | str, container: dict) -> int:
    if isinstance(port, int) or str(port).isdigit():
        return int(port)
    for entry in container.get("ports", []):
        if entry.get("name") == port:
            return entry["containerPort"]
    raise ValueError(f"no container port named {port!r}")


def run_probe(probe: dict, container: dict, pod_ip: str, pid: int, env: dict[str, str]) -> bool:
    """Run one probe attempt; True on success. Never raises for a failing target."""
    timeout = probe.get("timeoutSeconds", 1)
    try:
        if "exec" in probe:
            argv = in_container(pid, probe["exec"]["command"])
            result = subprocess.run(argv, env=env, capture_output=True, timeout=timeout, check=False)
            return result.returncode == 0
        if "tcpSocket" in probe:
            with socket.create_connection((pod_ip, named_port(probe["tcpSocket"]["port"], container)), timeout):
                return True
        if "httpGet" in probe:
            return _http_get(probe["httpGet"], container, pod_ip, timeout)
    except (OSError, subprocess.TimeoutExpired, ValueError, http.client.HTTPException):
        return False
    log.warning("unsupported probe handler in %s; treating it as successful", sorted(probe))
    return True


def _http_get(action: dict, container: dict, pod_ip: str, timeout: float) -> bool:
    host = action.get("host") or pod_ip
    port = named_port(action["port"], container)
    connection_class = http.client.HTTPSConnection if action.get("scheme") == "HTTPS" else http.client.HTTPConnection
    kwargs = {}
    if connection_class is http.client.HTTPSConnection:
        import ssl

        kwargs["context"] = ssl._create_unverified_context()  # kubelets do not verify probe certificates either
    connection = connection_class(host, port, timeout=timeout, **kwargs)
    try:
        headers = {header["name"]: header["value"] for header in action.get("httpHeaders", [])}
        connection.request("GET", action.get("path", "/"), headers=headers)
        return 200 <= connection.getresponse().status < 400
    finally:
        connection.close()


class Prober(threading.Thread):
    """Runs one probe of one running container until stopped: waits initialDelaySeconds, then probes every
    periodSeconds while `may_run()` (liveness and readiness wait for the startup probe), reporting result changes."""

    def __init__(
        self,
        kind: str,
        probe: dict,
        attempt: Callable[[dict], bool],
        may_run: Callable[[], bool],
        on_change: Callable[[str, bool], None],
    ):
        super().__init__(name=f"probe-{kind}", daemon=True)
        self.kind = kind
        self.probe = probe
        self.state = ProbeState.for_probe(kind, probe)
        self._attempt = attempt
        self._may_run = may_run
        self._on_change = on_change
        self._stopped = threading.Event()

    @property
    def result(self) -> bool:
        return self.state.result

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        period = self.probe.get("periodSeconds", 10)
        if self._stopped.wait(self.probe.get("initialDelaySeconds", 0)):
            return
        while not self._stopped.is_set():
            if not self._may_run():
                self._stopped.wait(0.5)
                continue
            ok = self._attempt(self.probe)
            changed = self.state.record(ok)
            if not self._stopped.is_set() and (changed or (self.kind == "startup" and self.state.failed_out)):
                self._on_change(self.kind, self.state.result)
            if self.kind == "startup" and self.state.result:
                return  # a startup probe stops once it has succeeded
            self._stopped.wait(period)
