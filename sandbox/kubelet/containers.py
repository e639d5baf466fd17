"""One container of a pod: its process (started through runc.py), its log file, its restart back-off and its status.

A container's processes form one process group (runc.py runs in a new session), so signals (stop, crash, freeze)
reach every process of the container, and nothing of a stopped container survives it.
Logs are written in the CRI format (`<RFC 3339 time> stdout|stderr F <line>`) so timestamps can be served.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .probes import Prober
from .status import timestamp

log = logging.getLogger(__name__)

RUNC = str(Path(__file__).with_name("runc.py"))
BACKOFF_INITIAL, BACKOFF_MAX, BACKOFF_RESET = 10.0, 300.0, 600.0
MAX_LINE = 16384
ENTER_TIMEOUT = 10.0  # seconds runc.py may take to set a container up


def backoff_delay(failures_in_a_row: int) -> float:
    """Seconds before restarting a container that exited: the first restart is immediate, then 10 s doubling up to
    5 minutes (Kubernetes' numbers); the count resets after 10 minutes of running."""
    if failures_in_a_row <= 0:
        return 0.0
    return min(BACKOFF_INITIAL * 2 ** (failures_in_a_row - 1), BACKOFF_MAX)


def exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode  # killed by signal N -> 128 + N, as shells report


@dataclass
class LaunchSpec:
    """Everything runc.py needs, resolved by the pod worker."""

    netns: str
    hostname: str
    argv: list[str]
    env: dict[str, str]
    workdir: str
    mounts: list[tuple[str, str, bool]]
    user: int | None = None
    group: int | None = None
    supplementary_groups: list[int] = field(default_factory=list)  # fsGroup and supplementalGroups
    files: list[str] = field(default_factory=list)  # host directories of the image, kept reachable for its user
    no_new_privileges: bool = False  # allowPrivilegeEscalation: false
    pod_dir: str | None = None  # the pod's directory on the host, kept visible under the container's mounts


@dataclass
class Run:
    """One start of a container: its process, id, log file and probes."""

    process: subprocess.Popen
    container_id: str
    started_at: float
    log_path: Path
    env: dict[str, str]
    probers: dict[str, Prober] = field(default_factory=dict)
    killed_for: str | None = None  # why the kubelet killed it (liveness, startup), for the exit message


class Container:
    def __init__(self, spec: dict, is_init: bool, log_dir: Path, on_change: Callable[[], None]):
        self.spec = spec
        self.name = spec["name"]
        self.is_init = is_init
        self.log_dir = log_dir
        self._on_change = on_change
        self.restart_count = 0
        self.starts = 0
        self.run: Run | None = None
        self.exits: list[dict] = []  # terminated states, newest last (two kept: state and lastState)
        self.waiting: tuple[str, str | None] = ("PodInitializing" if not is_init else "ContainerCreating", None)
        self.failures_in_a_row = 0
        self.not_before = 0.0  # monotonic time before which a restart waits (back-off)
        self._lock = threading.Lock()

    # --- process -------------------------------------------------------------------------------------------------

    def start(self, launch: LaunchSpec) -> None:
        if self.starts:
            self.restart_count += 1
        self.starts += 1
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{self.restart_count}.log"
        spec = json.dumps(launch.__dict__)
        entered, entered_signal = os.pipe()  # runc.py closes its end when it execs the command (or gives up)
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", RUNC],
            env={"SANDBOX_CONTAINER_SPEC": spec, "SANDBOX_ENTERED_FD": str(entered_signal)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            pass_fds=(entered_signal,),
        )
        os.close(entered_signal)
        # Hooks and exec probes enter the namespaces of this process: wait until they are the container's own.
        select.select([entered], [], [], ENTER_TIMEOUT)
        os.close(entered)
        run = Run(process, uuid.uuid4().hex, time.time(), log_path, launch.env)
        with self._lock:
            self.run = run
            self.waiting = ("", None)
        log_file = open(log_path, "ab", buffering=0)  # noqa: SIM115 - the reaper closes it after the pumps
        # Both pumps append whole lines with single unbuffered writes (O_APPEND), so lines never interleave.
        pumps = [
            _start_pump(stream, name, log_file)
            for stream, name in ((process.stdout, "stdout"), (process.stderr, "stderr"))
        ]
        threading.Thread(target=self._reap, args=(run, pumps, log_file), name=f"reap-{self.name}", daemon=True).start()
        log.info("started container %s (pid %d, id %s)", self.name, process.pid, run.container_id)

    def _reap(self, run: Run, pumps: list[threading.Thread], log_file) -> None:
        returncode = run.process.wait()
        self._signal_group(run, signal.SIGKILL)  # a container ends with its main process, as under a PID namespace
        for pump in pumps:
            pump.join(timeout=2)
        log_file.close()
        finished = time.time()
        code = exit_code(returncode)
        reason = "Completed" if code == 0 else "Error"
        terminated = {
            "exitCode": code,
            "reason": reason,
            "startedAt": timestamp(run.started_at),
            "finishedAt": timestamp(finished),
            "containerID": f"sandbox://{run.container_id}",
        }
        if run.killed_for:
            terminated["message"] = run.killed_for
        with self._lock:
            for prober in run.probers.values():
                prober.stop()
            if finished - run.started_at >= BACKOFF_RESET:
                self.failures_in_a_row = 0
            self.not_before = time.monotonic() + backoff_delay(self.failures_in_a_row)
            self.failures_in_a_row += 1
            self.exits = [*self.exits[-1:], terminated]
            self.run = None
        log.info("container %s exited with %d", self.name, code)
        self._on_change()

    def _signal_group(self, run: Run, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.process.pid, sig)

    def signal_all(self, sig: int) -> bool:
        """Send a signal to every process of the running container (crash, freeze, thaw); False when not running."""
        run = self.run
        if run is None:
            return False
        self._signal_group(run, sig)
        return True

    def kill_main(self, sig: int = signal.SIGKILL) -> bool:
        run = self.run
        if run is None:
            return False
        run.process.send_signal(sig)
        return True

    def stop(self, grace: float, pre_stop: Callable[[Run, float], None] | None, why: str | None = None) -> None:
        """Stop the running container: preStop hook, SIGTERM, then SIGKILL once `grace` seconds have passed."""
        run = self.run
        if run is None:
            return
        run.killed_for = why
        deadline = time.monotonic() + grace
        if grace <= 0:
            self._signal_group(run, signal.SIGKILL)
        if pre_stop and grace > 0:
            pre_stop(run, grace)
        self._signal_group(run, signal.SIGTERM)
        self._signal_group(run, signal.SIGCONT)  # a frozen container must be able to act on SIGTERM
        try:
            run.process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            self._signal_group(run, signal.SIGKILL)
            run.process.wait()
        while self.run is run:  # let the reaper record the exit before the caller looks at the state
            time.sleep(0.01)

    # --- status ---------------------------------------------------------------------------------------------------

    def probe_result(self, kind: str, default: bool = True) -> bool:
        run = self.run
        prober = run.probers.get(kind) if run else None
        return prober.result if prober else default

    @property
    def started(self) -> bool:
        return self.run is not None and self.probe_result("startup")

    @property
    def ready(self) -> bool:
        if self.is_init:
            return bool(self.exits) and self.exits[-1]["exitCode"] == 0 and self.run is None
        return self.started and self.probe_result("readiness")

    @property
    def succeeded(self) -> bool:
        return self.run is None and bool(self.exits) and self.exits[-1]["exitCode"] == 0

    def status(self, image_id: str) -> dict:
        with self._lock:
            run, exits, waiting = self.run, list(self.exits), self.waiting
        entry = {
            "name": self.name,
            "image": self.spec.get("image", ""),
            "imageID": image_id,
            "restartCount": self.restart_count,
            "ready": self.ready,
            "started": self.started,
            "lastState": {},
        }
        if run is not None:
            entry["state"] = {"running": {"startedAt": timestamp(run.started_at)}}
            entry["containerID"] = f"sandbox://{run.container_id}"
            if exits:
                entry["lastState"] = {"terminated": exits[-1]}
        elif waiting[0]:
            entry["state"] = {"waiting": {"reason": waiting[0], **({"message": waiting[1]} if waiting[1] else {})}}
            if exits:
                entry["lastState"] = {"terminated": exits[-1]}
        elif exits:
            entry["state"] = {"terminated": exits[-1]}
            entry["containerID"] = exits[-1]["containerID"]
            if len(exits) > 1:
                entry["lastState"] = {"terminated": exits[-2]}
        else:
            entry["state"] = {"waiting": {"reason": "ContainerCreating"}}
        return entry

    def set_waiting(self, reason: str, message: str | None = None) -> None:
        with self._lock:
            self.waiting = (reason, message)


def _start_pump(stream, name: str, log_file) -> threading.Thread:
    def pump() -> None:
        tag = f" {name} ".encode()
        for line in iter(lambda: stream.readline(MAX_LINE), b""):
            partial = not line.endswith(b"\n")
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()
            log_file.write(now + tag + (b"P " if partial else b"F ") + line + (b"\n" if partial else b""))
        stream.close()

    thread = threading.Thread(target=pump, name=f"log-{name}", daemon=True)
    thread.start()
    return thread
