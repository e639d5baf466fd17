"""Commands run inside a running container by entering the namespaces of its main process with nsenter.

Exec probes and lifecycle hooks take the namespaces only (as root, with the environment the kubelet gave the
container). `kubectl exec` and `python -m sandbox.faults exec` take on the whole process, as a container runtime's
exec does: its network, mount and UTS namespaces, working directory, user, group, supplementary groups and
environment (read from the process itself, so values such as secrets never travel through the kubelet).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

NSENTER = shutil.which("nsenter") or "nsenter"
SETPRIV = shutil.which("setpriv") or "setpriv"


@dataclass(frozen=True)
class Identity:
    uid: int
    gid: int
    groups: tuple[int, ...]

    @classmethod
    def of_process(cls, pid: int) -> Identity:
        """The effective user, group and supplementary groups of a process (/proc/<pid>/status)."""
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        uid, gid = (int(fields[name].split()[1]) for name in ("Uid", "Gid"))  # real, effective, saved, fs
        return cls(uid, gid, tuple(sorted(int(group) for group in fields["Groups"].split())))

    @classmethod
    def of_kubelet(cls) -> Identity:
        return cls(os.geteuid(), os.getegid(), tuple(sorted(os.getgroups())))


def in_container(pid: int, command: list[str], identity: Identity | None = None) -> list[str]:
    """The argv that runs `command` in the network, mount and UTS namespaces of a container's main process; with an
    identity, also in the process's working directory (nsenter's bare --wd) and as that user and groups."""
    argv = [NSENTER, "-t", str(pid), "-n", "-m", "-u"]
    if identity is None:
        return [*argv, "--", *command]
    argv += ["--wd", "--"]
    if identity != Identity.of_kubelet():
        groups = f"--groups={','.join(map(str, identity.groups))}" if identity.groups else "--clear-groups"
        argv += [SETPRIV, f"--reuid={identity.uid}", f"--regid={identity.gid}", groups, "--"]
    return [*argv, *command]


def environment(pid: int) -> dict[str, str]:
    """The environment a process started with (/proc/<pid>/environ)."""
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode(errors="replace").split("=", 1) for entry in entries if b"=" in entry)


def exec_command(pid: int, command: list[str]) -> tuple[list[str], dict[str, str]]:
    """(argv, environment) that run `command` inside the container as `kubectl exec` does."""
    return in_container(pid, command, Identity.of_process(pid)), environment(pid)
