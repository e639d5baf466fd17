"""The kubelet's control channel: a Unix socket (<state dir>/run/kubelet.sock) taking one JSON request per
connection and answering one JSON reply. sandbox.faults uses it; so can tests.

Requests: {"verb": ..., ...arguments}; replies: {"ok": true, ...} or {"ok": false, "error": "..."}.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SOCKET_NAME = "kubelet.sock"


class ControlError(Exception):
    """A request the kubelet refused (unknown pod, node or verb)."""


def serve(path: Path, handle: Callable[[dict], dict]) -> socketserver.UnixStreamServer:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                request = json.loads(self.rfile.readline())
                reply = {"ok": True, **handle(request)}
            except (ControlError, ValueError, KeyError) as error:
                reply = {"ok": False, "error": str(error)}
            except Exception as error:
                log.exception("control request failed")
                reply = {"ok": False, "error": f"internal error: {error}"}
            self.wfile.write(json.dumps(reply).encode() + b"\n")

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    server = socketserver.ThreadingUnixStreamServer(str(path), Handler)
    server.daemon_threads = True
    os.chmod(path, 0o600)
    threading.Thread(target=server.serve_forever, name="control", daemon=True).start()
    return server


def call(path: Path, verb: str, timeout: float = 120, **arguments) -> dict:
    """Send one request to the kubelet; raises ControlError with the kubelet's message when it refuses."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(str(path))
        connection.sendall(json.dumps({"verb": verb, **arguments}).encode() + b"\n")
        reply = json.loads(connection.makefile("rb").readline())
    if not reply.pop("ok"):
        raise ControlError(reply["error"])
    return reply
