"""`python -m sandbox up | down | status`: the local Kubernetes of this checkout (see sandbox/README.md)."""

import argparse
import sys

from sandbox import SandboxError, controlplane, network


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status"))
    command = parser.parse_args().command
    try:
        if command == "up":
            print(f"export KUBECONFIG={controlplane.up()}")
        elif command == "down":
            controlplane.down()
        else:
            return _print_status()
    except SandboxError as error:
        print(f"sandbox: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _print_status() -> int:
    """One line per component; exit status 0 only when all of them run."""
    pids = controlplane.status()
    width = max(map(len, pids))
    for name, pid in pids.items():
        print(f"{name:<{width}}  {f'running (pid {pid})' if pid else 'stopped'}")
    print(f"{'network':<{width}}  {'up' if network.is_up() else 'down'}")
    return 0 if all(pids.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
