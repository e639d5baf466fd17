"""Detached processes with a log file and a pid file, and the search for those a crashed sandbox left behind.

A process belongs to a sandbox when its command line names a path inside the state directory or its working
directory is there, and it has no terminal: every component is started that way, so the pid file is a shortcut,
never the only record.
"""

import os
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

POLL_SECONDS = 0.1


def start(
    argv: Sequence[str], *, log_file: Path, pid_file: Path, cwd: Path, env: Mapping[str, str] | None = None
) -> int:
    """Start argv in its own session, output appended to log_file, and record its pid; returns the pid."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal's Ctrl-C or hang-up must not reach the sandbox
        )
    _wait_for_command_line(process.pid)
    pid_file.write_text(f"{process.pid}\n")
    return process.pid


def _wait_for_command_line(pid: int) -> None:
    """Return once pid shows its own command line, or has exited.

    Popen returns as soon as the exec has begun and the kernel fills in the new command line a moment later; until
    then nothing would recognise the process as the sandbox's.
    """
    while is_alive(pid):
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes():
                return
        except OSError:
            return
        time.sleep(0.001)


def running_pid(pid_file: Path, state_dir: Path) -> int | None:
    """The pid recorded in pid_file if that process still runs and belongs to the sandbox in state_dir."""
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return None
    return pid if is_alive(pid) and belongs_to(pid, state_dir) else None


def is_alive(pid: int) -> bool:
    """Whether pid runs; a zombie does not, and one that is our own child is reaped on the way."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        state = _stat_fields(pid)[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def belongs_to(pid: int, state_dir: Path) -> bool:
    """Whether pid is the sandbox's: it has no terminal, and it names state_dir (or a path in it) on its command line
    or works in state_dir.

    Components and pods never have a terminal; a process with one is someone's shell, editor or `tail -f`.
    """
    inside = f"{state_dir}/"
    try:
        if _stat_fields(pid)[4] != "0":  # tty_nr
            return False
        # "--flag=<path>" and "<path>" both name a path; a path inside state_dir may appear anywhere in an argument
        if any(inside in argument or argument.rpartition("=")[2] == str(state_dir) for argument in command_line(pid)):
            return True
        return f"{os.readlink(f'/proc/{pid}/cwd')}/".startswith(inside)
    except (OSError, IndexError):
        return False


def command_line(pid: int) -> list[str]:
    """pid's arguments, the program first; empty for a kernel thread or a zombie."""
    raw = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    return raw.removesuffix("\0").split("\0") if raw else []  # no final NUL after a program retitles itself


def find(state_dir: Path | None, netns_inodes: Iterable[int] = ()) -> list[int]:
    """Every live process that belongs to the sandbox in state_dir (if given) or runs in one of netns_inodes."""
    netns_inodes = set(netns_inodes)
    spared = _self_and_ancestors()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in spared:
            continue
        pid = int(entry.name)
        ours = _netns_inode(pid) in netns_inodes or (state_dir is not None and belongs_to(pid, state_dir))
        if ours and is_alive(pid):
            found.append(pid)
    return found


def stop(pids: Iterable[int], *, grace_seconds: float) -> None:
    """SIGTERM each process, wait up to grace_seconds for all of them to exit, then SIGKILL what is left."""
    remaining = _signal([pid for pid in pids if is_alive(pid)], signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while remaining and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        remaining = [pid for pid in remaining if is_alive(pid)]
    remaining = _signal(remaining, signal.SIGKILL)
    while remaining:  # SIGKILL cannot be ignored; the wait is for the kernel to finish the exit
        time.sleep(POLL_SECONDS)
        remaining = [pid for pid in remaining if is_alive(pid)]


def _signal(pids: list[int], signum: signal.Signals) -> list[int]:
    """Send signum to each pid; returns those that still existed."""
    delivered = []
    for pid in pids:
        try:
            os.kill(pid, signum)
            delivered.append(pid)
        except ProcessLookupError:
            pass
    return delivered


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, session, tty_nr, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def _netns_inode(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}/ns/net").st_ino
    except OSError:
        return None


def _self_and_ancestors() -> set[int]:
    """This process and its parents: the caller may itself run inside the state directory."""
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            pid = int(_stat_fields(pid)[1])
        except (OSError, ValueError, IndexError):
            break
    return pids
