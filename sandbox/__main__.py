"""`python -m sandbox up | down | status | isolated COMMAND... | operators`: the local Kubernetes of this checkout,
and the operator's installs running on it (or on another cluster) as they run in a cluster.

See sandbox/README.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sandbox import SandboxError, ansible_operator, controlplane, network

# Runs in fresh network and mount namespaces: the pods' namespace names, /sys and loopback become private, so the
# sandbox started inside has a bridge, addresses and ports of its own. `down` runs whatever COMMAND left behind.
ISOLATION_SCRIPT = """
mkdir -p /run/netns && mount -t tmpfs sandbox-netns /run/netns && mount -t sysfs sysfs /sys && ip link set lo up
"$@"
status=$?
"$SANDBOX_PYTHON" -m sandbox down
exit $status
"""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start the sandbox (or check that it runs) and print the KUBECONFIG line")
    commands.add_parser("down", help="stop everything and remove all but the certificates")
    commands.add_parser("status", help="show each component; exit status 0 when all of them run")
    isolated = commands.add_parser(
        "isolated", help="run COMMAND beside the sandbox, with a throwaway sandbox of its own (for parallel tests)"
    )
    isolated.add_argument("argv", nargs=argparse.REMAINDER, metavar="COMMAND")
    operators = commands.add_parser(
        "operators", help="run ansible-operator as config/'s installs run it, in the foreground (make run)"
    )
    operators.add_argument("--kubeconfig", type=Path, required=True)
    operators.add_argument("--workdir", type=Path, required=True, help="each install's log and runner artifacts")
    operators.add_argument("--namespace", default="default", help="what the namespaced install watches")
    operators.add_argument("--install", action="append", choices=ansible_operator.INSTALLS, help="default: both")
    operators.add_argument(
        "--on-machine", action="store_true", help="on the machine's network, for a cluster the bridge does not reach"
    )
    options = parser.parse_args()
    try:
        if options.command == "up":
            print(f"export KUBECONFIG={controlplane.up()}")
        elif options.command == "down":
            controlplane.down()
        elif options.command == "status":
            return _print_status()
        elif options.command == "operators":
            installs = tuple(options.install or ansible_operator.INSTALLS)
            return ansible_operator.serve(
                options.kubeconfig.absolute(),
                options.workdir.absolute(),
                options.namespace,
                installs,
                not options.on_machine,
            )
        else:
            return _run_isolated(options.argv)
    except SandboxError as error:
        print(f"sandbox: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _print_status() -> int:
    pids = controlplane.status()
    width = max(map(len, pids))
    for name, pid in pids.items():
        print(f"{name:<{width}}  {f'running (pid {pid})' if pid else 'stopped'}")
    print(f"{'network':<{width}}  {'up' if network.is_up() else 'down'}")
    return 0 if all(pids.values()) else 1


def _run_isolated(argv: list[str]) -> int:
    """Run argv in private network and mount namespaces with SANDBOX_DIR set to a fresh directory, then remove it."""
    if not argv:
        raise SandboxError("isolated needs a command to run, e.g. `python -m sandbox isolated pytest -m sandbox`")
    state_dir = tempfile.mkdtemp(prefix="sandbox-isolated-")
    env = {**os.environ, "SANDBOX_DIR": state_dir, "SANDBOX_PYTHON": sys.executable}
    try:
        unshare = ["unshare", "--net", "--mount", "--propagation", "private", "sh", "-c", ISOLATION_SCRIPT, "sh"]
        return subprocess.run([*unshare, *argv], env=env, check=False).returncode
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)  # a throwaway directory in /tmp: a failure here changes nothing


if __name__ == "__main__":
    sys.exit(main())
