"""Fault injection for the sandbox: crash, freeze and thaw containers, cut and heal a pod's network, stop and start
nodes. Every action goes through the kubelet's control channel (<state dir>/run/kubelet.sock), which knows which
process belongs to which container.

    python -m sandbox.faults crash NAMESPACE POD [CONTAINER]    SIGKILL the main process; the kubelet restarts it
    python -m sandbox.faults freeze NAMESPACE POD [CONTAINER]   SIGSTOP every process of the container
    python -m sandbox.faults thaw NAMESPACE POD [CONTAINER]     SIGCONT them
    python -m sandbox.faults cut NAMESPACE POD                  take the pod off the network (its veth goes down)
    python -m sandbox.faults heal NAMESPACE POD                 put it back
    python -m sandbox.faults stop-node NODE                     kill the node's pods, stop its heartbeats
    python -m sandbox.faults start-node NODE                    the node comes back and restarts its pods
    python -m sandbox.faults exec NAMESPACE POD [-c CONTAINER] -- COMMAND...   run a command inside a container

The first container is used when CONTAINER is not given. The state directory is SANDBOX_DIR or .sandbox/ at the
repository root.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from sandbox.kubelet import control
from sandbox.kubelet.nsexec import exec_command

REPO_ROOT = Path(__file__).resolve().parent.parent


def _socket(state_dir: str | os.PathLike | None) -> Path:
    root = Path(state_dir or os.environ.get("SANDBOX_DIR") or REPO_ROOT / ".sandbox")
    return root / "run" / control.SOCKET_NAME


def _call(verb: str, state_dir=None, **arguments) -> dict:
    return control.call(_socket(state_dir), verb, **arguments)


def crash(namespace: str, pod: str, container: str | None = None, *, state_dir=None) -> str:
    """SIGKILL the container's main process; returns the container's name."""
    return _call("crash", state_dir, namespace=namespace, pod=pod, container=container)["container"]


def freeze(namespace: str, pod: str, container: str | None = None, *, state_dir=None) -> str:
    return _call("freeze", state_dir, namespace=namespace, pod=pod, container=container)["container"]


def thaw(namespace: str, pod: str, container: str | None = None, *, state_dir=None) -> str:
    return _call("thaw", state_dir, namespace=namespace, pod=pod, container=container)["container"]


def cut_network(namespace: str, pod: str, *, state_dir=None) -> None:
    _call("cut", state_dir, namespace=namespace, pod=pod)


def heal_network(namespace: str, pod: str, *, state_dir=None) -> None:
    _call("heal", state_dir, namespace=namespace, pod=pod)


def stop_node(node: str, *, state_dir=None) -> None:
    """Returns once the node's pods' processes are gone; the node goes NotReady after the controller's grace."""
    _call("stop-node", state_dir, node=node)


def start_node(node: str, *, state_dir=None) -> None:
    _call("start-node", state_dir, node=node)


def container_pid(namespace: str, pod: str, container: str | None = None, *, state_dir=None) -> int:
    """The host pid of a running container's main process."""
    return _call("pid", state_dir, namespace=namespace, pod=pod, container=container)["pid"]


def exec_in(
    namespace: str, pod: str, argv: list[str], container: str | None = None, *, state_dir=None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run a command inside a running container as `kubectl exec` does (sandbox/kubelet/nsexec.py: its namespaces,
    working directory, user and environment), without going through the API server."""
    command, env = exec_command(container_pid(namespace, pod, container, state_dir=state_dir), argv)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.faults", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    for verb in ("crash", "freeze", "thaw"):
        sub = verbs.add_parser(verb)
        sub.add_argument("namespace")
        sub.add_argument("pod")
        sub.add_argument("container", nargs="?")
    for verb in ("cut", "heal"):
        sub = verbs.add_parser(verb)
        sub.add_argument("namespace")
        sub.add_argument("pod")
    for verb in ("stop-node", "start-node"):
        verbs.add_parser(verb).add_argument("node")
    run = verbs.add_parser("exec")
    run.add_argument("namespace")
    run.add_argument("pod")
    run.add_argument("-c", "--container")
    run.add_argument("command", nargs="+")
    options = parser.parse_args(arguments)
    try:
        if options.verb in ("crash", "freeze", "thaw"):
            action = {"crash": crash, "freeze": freeze, "thaw": thaw}[options.verb]
            name = action(options.namespace, options.pod, options.container)
            print(f"{options.verb}: {options.namespace}/{options.pod} container {name}")
        elif options.verb in ("cut", "heal"):
            (cut_network if options.verb == "cut" else heal_network)(options.namespace, options.pod)
        elif options.verb in ("stop-node", "start-node"):
            (stop_node if options.verb == "stop-node" else start_node)(options.node)
        else:
            result = exec_in(options.namespace, options.pod, options.command, options.container)
            sys.stdout.write(result.stdout)
            sys.stderr.write(result.stderr)
            return result.returncode
    except (control.ControlError, OSError) as error:
        print(f"sandbox.faults: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
