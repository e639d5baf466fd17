"""`kubectl exec` on the kubelet API: /exec/<namespace>/<pod>/<container>?command=...&input=1&output=1&error=1&tty=1
(Kubernetes' names for stdin, stdout and stderr), upgraded to SPDY/3.1, as the real kubelet serves it to the API
server (k8s.io/kubelet cri/streaming/remotecommand).

The client opens one stream per channel, told apart by their streamType header: error, then stdin, stdout, stderr
and, for a terminal, resize (JSON {"Width": w, "Height": h} objects). The command runs inside the container as its
main process runs (nsexec.py), in a process group of its own; with tty=1 on a pseudo-terminal that is its
controlling terminal. When it exits, its status goes on the error stream: v4.channel.k8s.io sends a metav1.Status
(NonZeroExitCode with an ExitCode cause, so `kubectl exec` exits with the command's code), older protocols the
message of a failure only. A client that goes away takes the command's process group with it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import select
import shutil
import signal
import struct
import subprocess
import termios
import threading
import time
from dataclasses import dataclass

from .containers import exit_code
from .nsexec import exec_command
from .spdy_session import CHUNK, Session, Stream

log = logging.getLogger(__name__)

PROTOCOLS = ("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io")
STREAM_CREATION_TIMEOUT = 30.0  # the real kubelet's default
OUTPUT_DRAIN = 2.0  # seconds output is still read after the command exited (a background child may hold it open)
SETSID = shutil.which("setsid") or "setsid"


@dataclass(frozen=True)
class ExecOptions:
    stdin: bool
    stdout: bool
    stderr: bool
    tty: bool

    @classmethod
    def parse(cls, query: dict[str, list[str]]) -> ExecOptions:
        def flag(name: str) -> bool:
            return query.get(name, [""])[0] == "1"

        tty = flag("tty")
        options = cls(flag("input"), flag("output"), flag("error") and not tty, tty)  # a terminal has no stderr
        if not (options.stdin or options.stdout or options.stderr):
            raise ValueError("you must specify at least 1 of stdin, stdout, stderr")
        return options


def protocol_version(protocol: str) -> int:
    return int(protocol.split(".", 1)[0].removeprefix("v")) if protocol.startswith("v") else 1


def exit_status(code: int, command: list[str]) -> dict:
    """The metav1.Status the real kubelet reports for a command that exited with `code`."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        # The runtime's wording (containerd), after the kubelet's.
        "message": f"command terminated with non-zero exit code: error executing command [{' '.join(command)}], "
        f"exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def internal_error(message: str) -> dict:
    """The metav1.Status of a command that could not run at all (apierrors.NewInternalError)."""
    message = f"error executing command in container: {message}"
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"Internal error occurred: {message}",
        "reason": "InternalError",
        "details": {"causes": [{"message": message}]},
        "code": 500,
    }


def encode_status(status: dict, version: int) -> bytes:
    """What goes on the error stream: the Status as JSON from v4 on; before, the message of a failure only."""
    if version >= 4:
        return json.dumps(status, separators=(",", ":")).encode()
    return status["message"].encode() if status["status"] == "Failure" else b""


def terminal_sizes(buffer: str) -> tuple[list[tuple[int, int]], str]:
    """The (width, height) objects complete in what the resize stream sent so far, and the incomplete rest."""
    decoder, sizes = json.JSONDecoder(), []
    while buffer.strip():
        try:
            size, end = decoder.raw_decode(buffer.lstrip())
        except json.JSONDecodeError:
            break
        buffer = buffer.lstrip()[end:]
        if isinstance(size, dict):
            sizes.append((int(size.get("Width", 0)), int(size.get("Height", 0))))
    return sizes, buffer


def wait_for_streams(session: Session, options: ExecOptions, version: int) -> dict[str, Stream] | None:
    """The channels the client opens for these options, by streamType; None if it hung up or was too slow."""
    wanted = {"error"} | {name for name in ("stdin", "stdout", "stderr") if getattr(options, name)}
    if options.tty and version >= 3:
        wanted.add("resize")
    streams: dict[str, Stream] = {}
    deadline = time.monotonic() + STREAM_CREATION_TIMEOUT
    while not wanted <= streams.keys():
        stream = session.next_stream(timeout=max(deadline - time.monotonic(), 0))
        if stream is None:
            if not session.ended.is_set():
                log.warning("kubelet api: exec: timed out waiting for the client to create streams")
            return None
        kind = stream.header("streamType")
        if kind in wanted:
            streams[kind] = stream
        else:
            log.warning("kubelet api: exec: unexpected stream type %r", kind)
            stream.reset()
    return streams


class Exec:
    """One command's run: its process, the copies between its stdio and the streams, and its end."""

    def __init__(self, session: Session, streams: dict[str, Stream], argv: list[str], env: dict[str, str], tty: bool):
        self.session = session
        self.streams = streams
        self.stop_copying = threading.Event()
        self._reaped = threading.Lock()  # held from the process's exit until it is reaped, see _kill_if_running
        self._exited = False
        self.terminal: int | None = None
        if tty:
            self.terminal, replica = os.openpty()
            try:
                # setsid --ctty: a session of its own whose controlling terminal is the pseudo-terminal (stdin).
                self.process = subprocess.Popen([SETSID, "--ctty", *argv], env=env, stdin=replica, stdout=replica)
            finally:
                os.close(replica)
        else:
            pipe_or_null = {True: subprocess.PIPE, False: subprocess.DEVNULL}
            self.process = subprocess.Popen(
                argv,
                env=env,
                stdin=pipe_or_null["stdin" in streams],
                stdout=pipe_or_null["stdout" in streams],
                stderr=pipe_or_null["stderr" in streams],
                start_new_session=True,
            )

    def run(self) -> int:
        """Copy until the command exits; its exit code (128 + N for signal N)."""
        copies, inputs = [], []
        if self.terminal is not None:
            copies.append(self._thread(self._copy_out, self.terminal, self.streams.get("stdout")))
            if "stdin" in self.streams:
                inputs.append(self._thread(self._copy_in, self.streams["stdin"], self.terminal))
            if "resize" in self.streams:
                inputs.append(self._thread(self._resize, self.streams["resize"]))
        else:
            for name in ("stdout", "stderr"):
                pipe = getattr(self.process, name)
                if pipe is not None:
                    copies.append(self._thread(self._copy_out, pipe.fileno(), self.streams[name]))
            if self.process.stdin is not None:
                self._thread(self._copy_in, self.streams["stdin"], self.process.stdin.fileno())
        self._thread(self._kill_if_abandoned)
        os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: the pid stays ours
        with self._reaped:
            self._exited = True
            returncode = self.process.wait()
        deadline = time.monotonic() + OUTPUT_DRAIN
        for copy in copies:
            copy.join(max(deadline - time.monotonic(), 0))
        self.stop_copying.set()
        for copy in copies:
            copy.join()
        for name in ("stdin", "resize"):
            if name in self.streams:
                self.streams[name].discard()  # what the client sends from now on has no one to go to
        for thread in inputs:  # they use the terminal: it may close (and its number be reused) only after them
            thread.join(OUTPUT_DRAIN)
        self._close_files(terminal=not any(thread.is_alive() for thread in inputs))
        return exit_code(returncode)

    def _thread(self, target, *args) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, name=f"exec-{target.__name__}", daemon=True)
        thread.start()
        return thread

    def _copy_out(self, fd: int, stream: Stream | None) -> None:
        """The command's output to its stream (discarded without one) until EOF, or until told to stop."""
        while not self.stop_copying.is_set():
            if not select.select([fd], [], [], 0.2)[0]:
                continue
            try:
                data = os.read(fd, CHUNK)
            except OSError:  # EIO: a pseudo-terminal whose last writer closed it
                return
            if not data:
                return
            with contextlib.suppress(BrokenPipeError):
                if stream is not None:
                    stream.write(data)

    def _copy_in(self, stream: Stream, fd: int) -> None:
        try:
            while data := stream.read():
                os.write(fd, data)  # blocking, like a pipe's writer; the command reads at its pace
        except OSError:  # the command stopped reading (exited or closed its stdin)
            pass
        finally:
            stream.discard()
            if self.terminal is None:
                self.process.stdin.close()  # EOF for the command

    def _resize(self, stream: Stream) -> None:
        pending = ""
        while data := stream.read():
            sizes, pending = terminal_sizes(pending + data.decode(errors="replace"))
            for width, height in sizes:
                with contextlib.suppress(OSError):
                    fcntl.ioctl(self.terminal, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def _kill_if_abandoned(self) -> None:
        """A client that hangs up before the command ends takes the command's process group with it."""
        self.session.ended.wait()
        with self._reaped:
            if not self._exited:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)

    def _close_files(self, terminal: bool) -> None:
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
        if self.terminal is not None and terminal:
            os.close(self.terminal)
        elif self.terminal is not None:  # a background child holds the terminal and reads nothing: leave it open
            log.warning("kubelet api: exec: the terminal of an ended command is still in use; left open")


def serve(session: Session, protocol: str, options: ExecOptions, pid: int, command: list[str]) -> None:
    """Run one exec session to its end: wait for the client's streams, run `command` in the container whose main
    process is `pid`, report the status on the error stream, close the streams."""
    version = protocol_version(protocol)
    streams = wait_for_streams(session, options, version)
    if streams is None:
        return
    try:
        argv, env = exec_command(pid, command)
        status = exit_status(Exec(session, streams, argv, env, options.tty).run(), command)
    except OSError as error:  # the container just stopped (its /proc entry is gone), or nsenter is missing
        status = internal_error(str(error))
    with contextlib.suppress(BrokenPipeError):
        message = encode_status(status, version)
        if message:
            streams["error"].write(message)
    for stream in streams.values():
        stream.close()
