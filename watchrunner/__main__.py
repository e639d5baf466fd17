"""python -m watchrunner: run the roles of a watches.yaml against the cluster of $KUBECONFIG (or in-cluster)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from kubernetes import client, config
from kubernetes.dynamic import DynamicClient

from .controller import Controller
from .metrics import serve
from .watches import WatchesError, load

DEFAULT_DEPENDENTS = "apps/v1/StatefulSet,v1/Service,v1/ConfigMap,v1/Secret,policy/v1/PodDisruptionBudget"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m watchrunner", description=__doc__)
    parser.add_argument("--watches", default="watches.yaml", help="the ansible-operator watches file")
    parser.add_argument("--max-concurrent-reconciles", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--metrics-bind-address", default=":8080")
    parser.add_argument("--health-probe-bind-address", default=":6789")
    parser.add_argument(
        "--dependents",
        default=DEFAULT_DEPENDENTS,
        help="kinds the role creates, as apiVersion/Kind: a deleted or changed one reconciles its owner at once",
    )
    parser.add_argument("--workdir", default="/tmp/ansible-operator/runner", help="ansible-runner's folders")
    parser.add_argument("--verbosity", type=int, default=int(os.environ.get("ANSIBLE_VERBOSITY", "0")))
    return parser.parse_args(argv)


def _dependents(text: str) -> list[tuple[str, str]]:
    kinds = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        api_version, _, kind = item.rpartition("/")
        if not api_version or not kind:
            raise WatchesError(f"--dependents: {item!r} is not apiVersion/Kind (for example apps/v1/StatefulSet)")
        kinds.append((api_version, kind))
    return kinds


def _namespaces() -> list[str | None]:
    """WATCH_NAMESPACE as in ansible-operator: empty or unset for every namespace, else a comma-separated list."""
    names = [name.strip() for name in os.environ.get("WATCH_NAMESPACE", "").split(",") if name.strip()]
    return names or [None]


def _api_client() -> client.ApiClient:
    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()
    return client.ApiClient()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _arguments(sys.argv[1:] if argv is None else argv)
    try:
        watches = load(args.watches)
        dependents = _dependents(args.dependents)
    except WatchesError as error:
        print(f"watchrunner: {error}", file=sys.stderr)
        return 2
    os.chdir(Path(args.watches).resolve().parent)  # roles and ansible.cfg are found beside watches.yaml
    # ansible-runner starts ansible-playbook from PATH: make it the one installed beside this Python.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    dynamic = DynamicClient(_api_client())
    namespaces = _namespaces()
    controllers = [
        Controller(
            client=dynamic,
            watch=watch,
            namespaces=namespaces,
            dependents=dependents,
            workdir=Path(args.workdir),
            workers=args.max_concurrent_reconciles,
            verbosity=args.verbosity,
        )
        for watch in watches
    ]
    serve(
        args.metrics_bind_address,
        {"/metrics": lambda: (200, "".join(controller.metrics.render() for controller in controllers))},
    )
    serve(
        args.health_probe_bind_address,
        {
            "/healthz": lambda: (200, "ok\n"),
            "/readyz": lambda: (200, "ok\n") if all(c.synced() for c in controllers) else (503, "syncing\n"),
        },
    )
    for controller in controllers:
        controller.start()
    scope = ", ".join(namespaces) if namespaces != [None] else "all namespaces"
    logging.info("watching %s in %s", ", ".join(c.watch.kind for c in controllers), scope)
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    for controller in controllers:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
