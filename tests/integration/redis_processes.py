"""Real redis-server and redis-sentinel processes on free loopback ports, each started from its own config file
in a temporary directory (so CONFIG REWRITE works), and always stopped.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import redis

T = TypeVar("T")
LOOPBACK = "127.0.0.1"


_handed_out: set[int] = set()


def free_port() -> int:
    """A loopback port free now and never handed out before in this session.

    The kernel may give the same ephemeral port to two probes in a row once the first is closed; a node and a
    Sentinel sharing one would leave the Sentinel unable to bind while the node answers its PING.
    """
    while True:
        with socket.socket() as probe:
            probe.bind((LOOPBACK, 0))
            port = probe.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def wait_for(check: Callable[[], T], timeout: float = 30.0, interval: float = 0.2, what: str = "condition") -> T:
    """Poll `check` until it returns something truthy; its last value or exception is in the timeout message."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (redis.RedisError, OSError) as error:
            last = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last: {last!r}")


class RedisProcess:
    """One redis-server (or redis-sentinel) process; `start` can be called again after `kill` (a pod restart)."""

    def __init__(self, workdir: Path, *, sentinel: bool = False, password: str | None = None, port: int | None = None):
        self.sentinel = sentinel
        self.password = password
        self.port = port or free_port()
        self.dir = workdir / f"{'sentinel' if sentinel else 'redis'}-{self.port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config_file = self.dir / ("sentinel.conf" if sentinel else "redis.conf")
        self.process: subprocess.Popen | None = None

    @property
    def name(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def endpoint(self) -> dict:
        return {"address": LOOPBACK, "port": self.port}

    def write_config(self, extra: tuple[str, ...] = ()) -> None:
        lines = [f"port {self.port}", f"bind {LOOPBACK}", f"dir {self.dir}", f"logfile {self.dir / 'log'}"]
        if not self.sentinel:
            # No persistence: a killed node comes back empty, as a pod on an emptyDir does.
            lines += ['save ""', "appendonly no", "repl-diskless-sync-delay 0"]
            if self.password:
                lines += [f"requirepass {self.password}", f"masterauth {self.password}"]
        self.config_file.write_text("\n".join([*lines, *extra]) + "\n")

    def start(self, *extra_config: str) -> RedisProcess:
        """Start from a fresh config file: no replicaof, so a restarted node comes up as an empty master."""
        self.write_config(extra_config)
        command = ["redis-sentinel" if self.sentinel else "redis-server", str(self.config_file)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, timeout=15, interval=0.05, what=f"{self.name} to answer")
        return self

    def _answers(self) -> bool:
        """True once our process answers on the port; a process that exited (the port taken) fails at once."""
        if self.process.poll() is not None:
            log = self.dir / "log"
            tail = log.read_text().splitlines()[-3:] if log.exists() else []
            raise AssertionError(f"{self.name} exited with {self.process.returncode}: {tail}")
        return self.client().info("server")["process_id"] == self.process.pid

    def client(self) -> redis.Redis:
        password = None if self.sentinel else self.password
        return redis.Redis(LOOPBACK, self.port, password=password, decode_responses=True, socket_timeout=2)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


class RedisGroup:
    """Redis nodes and Sentinels of one group, started empty and unconfigured (no replicaof, no monitor)."""

    def __init__(self, workdir: Path, nodes: int, sentinels: int, password: str | None, group: str):
        self.workdir = workdir
        self.password = password
        self.group = group
        self.nodes = [RedisProcess(workdir, password=password) for _ in range(nodes)]
        self.sentinels = [RedisProcess(workdir, sentinel=True) for _ in range(sentinels)]
        self.extra: list[RedisProcess] = []  # started by a test, stopped with the group

    def start(self) -> RedisGroup:
        for process in (*self.nodes, *self.sentinels):
            process.start()
        return self

    def spawn_node(self) -> RedisProcess:
        """A new node at a new address, not (yet) a member of the group."""
        process = RedisProcess(self.workdir, password=self.password).start()
        self.extra.append(process)
        return process

    def stop(self) -> None:
        for process in (*self.nodes, *self.sentinels, *self.extra):
            with contextlib.suppress(Exception):
                process.kill()

    def heal_args(self, **overrides) -> dict:
        args = {
            "group": self.group,
            "nodes": [node.endpoint for node in self.nodes],
            "sentinels": [sentinel.endpoint for sentinel in self.sentinels],
            # Short Sentinel timings keep failover tests quick.
            "down_after_milliseconds": 1000,
            "failover_timeout": 3000,
            "wait_timeout": 30,
        }
        if self.password:
            args["password"] = self.password
        return {**args, **overrides}

    def node(self, name: str) -> RedisProcess:
        return next(node for node in (*self.nodes, *self.extra) if node.name == name)
