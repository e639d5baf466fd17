"""The first program of every container: joins the pod's network namespace, makes private mount and UTS namespaces,
sets the hostname, keeps the image's host directories reachable for a non-root user, bind-mounts the volumes, drops
to runAsUser/runAsGroup with fsGroup and supplementalGroups as supplementary groups, then execs the container's command.

Run by the kubelet as `python runc.py` with the spec in the SANDBOX_CONTAINER_SPEC environment variable (JSON: netns,
hostname, mounts [[source, target, read_only]], pod_dir, workdir, user, group, supplementary_groups,
no_new_privileges, files, argv, env); it imports nothing from the sandbox package so it starts fast. The exec keeps
the pid, so the kubelet's child is the container's main process; the descriptor named by SANDBOX_ENTERED_FD closes at
the exec, telling the kubelet the namespaces are in place.
Errors go to stderr (the container log) with exit code 127, as a runtime's would.
"""

import ctypes
import json
import os
import stat
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38

libc = ctypes.CDLL(None, use_errno=True)


def check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def mount(source: str | None, target: str, flags: int) -> None:
    encoded = source.encode() if source else None
    check(libc.mount(encoded, target.encode(), None, flags, None), f"mount {source} on {target}")


def private_ancestor(path: str) -> str | None:
    """The topmost directory above `path` that other users may not enter (no search bit for others), if any."""
    parts = path.strip("/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        ancestor = "/" + "/".join(parts[:depth])
        if not os.stat(ancestor).st_mode & stat.S_IXOTH:
            return ancestor
    return None


def keep_reachable(directories: list[str]) -> None:
    """Let a non-root user reach the host directories that hold a mapped image's files (the checkout, the Python it
    runs), as an image's own files are: a private ancestor such as /root (mode 0700) is covered, in this mount
    namespace only, by an empty tmpfs that holds just those directories, bind-mounted back."""
    covered: dict[str, list[str]] = {}
    kept: list[str] = []
    for directory in sorted(directories, key=len):
        if any(directory.startswith(outer + "/") for outer in kept):
            continue  # inside one already kept
        ancestor = private_ancestor(directory)
        if ancestor is not None:
            covered.setdefault(ancestor, []).append(directory)
            kept.append(directory)
    for ancestor, inside in covered.items():
        sources = [(os.open(directory, os.O_PATH), directory) for directory in inside]
        check(libc.mount(b"tmpfs", ancestor.encode(), b"tmpfs", 0, b"mode=0755"), f"mount tmpfs on {ancestor}")
        for fd, directory in sources:
            os.makedirs(directory, mode=0o755, exist_ok=True)
            mount(f"/proc/self/fd/{fd}", directory, MS_BIND | MS_REC)
            os.close(fd)


def ensure_target(source_is_dir: bool, target: str) -> None:
    """Create a missing mount point: a directory for a directory, an empty file for a file. Missing directories are
    created on the host's filesystem (the root filesystem is shared; the mounts are private)."""
    if os.path.lexists(target):
        return
    if source_is_dir:
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "a"):
            pass


def enter(spec: dict) -> None:
    fd = os.open(spec["netns"], os.O_RDONLY)
    check(libc.setns(fd, CLONE_NEWNET), "setns")
    os.close(fd)
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWUTS), "unshare")
    mount(None, "/", MS_REC | MS_PRIVATE)  # nothing mounted here propagates back to the host
    hostname = spec["hostname"].encode()
    check(libc.sethostname(hostname, len(hostname)), "sethostname")
    # Open every source before mounting anything: a volume mounted over a directory that holds the sandbox's state
    # (say at /srv when the state is in /srv/checkout/.sandbox) would hide the sources of the later mounts.
    sources = [(os.open(source, os.O_PATH), target, read_only) for source, target, read_only in spec["mounts"]]
    pod_dir = spec.get("pod_dir")
    pod_dir_fd = os.open(pod_dir, os.O_PATH) if pod_dir else None
    if spec.get("user"):
        keep_reachable(spec.get("files", []))
    for fd, target, read_only in sources:
        ensure_target(stat.S_ISDIR(os.fstat(fd).st_mode), target)
        mount(f"/proc/self/fd/{fd}", target, MS_BIND | MS_REC)
        os.close(fd)
        if read_only:
            mount(None, target, MS_BIND | MS_REMOUNT | MS_RDONLY)
    if pod_dir_fd is not None:
        # The pod's own directory (its containers' scratch directories: working directory and HOME) stays where it
        # is even when a mount covers it: a sandbox whose state is under /tmp has it under the container's own /tmp.
        if not os.path.exists(pod_dir) or not os.path.samestat(os.stat(pod_dir), os.fstat(pod_dir_fd)):
            os.makedirs(pod_dir, exist_ok=True)
            mount(f"/proc/self/fd/{pod_dir_fd}", pod_dir, MS_BIND | MS_REC)
        os.close(pod_dir_fd)
    groups = spec.get("supplementary_groups", [])
    if spec.get("user") is not None or spec.get("group") is not None or groups:
        # As a container runtime: the primary group runAsGroup (else 0), and only fsGroup and supplementalGroups
        # besides it, never the kubelet's own groups.
        os.setgroups(groups)
        os.setgid(spec.get("group") or 0)
    if spec.get("user") is not None:
        os.setuid(spec["user"])
    if spec.get("no_new_privileges"):  # allowPrivilegeEscalation: false, as runc sets it: no setuid binary gains
        check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    os.chdir(spec["workdir"])


def main() -> None:
    spec = json.loads(os.environ.pop("SANDBOX_CONTAINER_SPEC"))
    # The kubelet waits for this descriptor to close: at the exec (close-on-exec), or at the exit after an error.
    os.set_inheritable(int(os.environ.pop("SANDBOX_ENTERED_FD")), False)
    try:
        enter(spec)
        os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
    except OSError as error:
        print(f"sandbox: cannot start container: {error}", file=sys.stderr, flush=True)
        sys.exit(127)


if __name__ == "__main__":
    main()
