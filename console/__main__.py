"""`python -m console`: the console server. On loopback with a kubeconfig (make run, make console) the user who
starts it is signed in with the kubeconfig's identity; elsewhere (in a pod: config/console) every user signs in
with a bearer token of their own."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import uvicorn

from console.app import create_app
from console.catalog import Catalog
from console.kube import api_server
from console.sessions import Sessions
from console.settings import DEFAULT_KINDS_FILE, SettingsError, load_kinds

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    parser.add_argument("--kubeconfig", help="the kubeconfig of the API server (default: in a pod, the cluster's own)")
    parser.add_argument(
        "--tokens-only",
        action="store_true",
        help="never act with the kubeconfig's own credentials: every user signs in with a token (forced off loopback)",
    )
    parser.add_argument("--kinds", type=Path, default=DEFAULT_KINDS_FILE, help="the kinds served (console/kinds.yaml)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    try:
        kinds = load_kinds(args.kinds)
    except SettingsError as error:
        print(f"console: {error}", file=sys.stderr)
        return 2
    loopback = args.host in LOOPBACK_HOSTS
    kubeconfig_identity = loopback and not args.tokens_only and args.kubeconfig is not None
    server = asyncio.run(api_server(args.kubeconfig, kubeconfig_identity))
    app = create_app(Sessions(server), Catalog(kinds), allowed_hosts=LOOPBACK_HOSTS if kubeconfig_identity else None)
    mode = "as the kubeconfig's user" if kubeconfig_identity else "with each user's bearer token"
    print(f"console: http://{args.host}:{args.port}/ (Kubernetes calls {mode}; API server {server.host})", flush=True)
    # The access log has paths only: no token ever travels in a URL.
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, proxy_headers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
