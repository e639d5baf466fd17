"""The kubelet API of each node (HTTPS on <node IP>:10250, serving certificate pki/kubelet.crt): /healthz and
/containerLogs/<namespace>/<pod>/<container>, which `kubectl logs` reaches through the API server.

Query parameters as the real kubelet: follow, previous, tailLines, limitBytes, timestamps, sinceSeconds.
Log files are in the CRI format (`<time> <stream> <F|P> <text>`); see containers.py.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

log = logging.getLogger(__name__)

FOLLOW_POLL = 0.2

# (namespace, pod, container, previous) -> (log file, "is the container still writing to it?") or None
LogLocator = Callable[[str, str, str, bool], tuple[Path, Callable[[], bool]] | None]


def format_line(raw: bytes, timestamps: bool) -> bytes:
    """One CRI log line as `kubectl logs` shows it: the text, optionally after its RFC 3339 time."""
    parts = raw.split(b" ", 3)
    if len(parts) < 4:
        return raw
    stamp, _stream, tag, text = parts
    if tag == b"P":
        text = text.rstrip(b"\n")
    return (stamp + b" " + text) if timestamps else text


def select(lines: list[bytes], tail: int | None, since: float | None) -> list[bytes]:
    if since is not None:
        lines = [line for line in lines if _line_time(line) >= since]
    if tail is not None:
        lines = lines[-tail:] if tail > 0 else []
    return lines


def _line_time(line: bytes) -> float:
    stamp = line.split(b" ", 1)[0].decode(errors="replace")
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return 0.0


def _handler(locate: LogLocator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:
            log.debug("kubelet api: " + format, *args)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            parts = [part for part in url.path.split("/") if part]
            if parts == ["healthz"]:
                self._reply(200, b"ok")
            elif len(parts) == 4 and parts[0] == "containerLogs":
                self._logs(*parts[1:], parse_qs(url.query))
            else:
                self._reply(404, b"not found")

        def _reply(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _logs(self, namespace: str, pod: str, container: str, query: dict) -> None:
            def flag(name: str) -> bool:
                return query.get(name, ["false"])[0] in ("true", "1")

            def number(name: str) -> int | None:
                return int(query[name][0]) if name in query else None

            found = locate(namespace, pod, container, flag("previous"))
            if found is None:
                what = "previous terminated container" if flag("previous") else "container"
                self._reply(404, f"{what} {container!r} in pod {namespace}/{pod} not found".encode())
                return
            path, live = found
            since = number("sinceSeconds")
            budget = number("limitBytes")
            with open(path, "rb") as handle:
                lines = select(handle.readlines(), number("tailLines"), time.time() - since if since else None)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    budget = self._send(lines, flag("timestamps"), budget)
                    while flag("follow") and live() and (budget is None or budget > 0):
                        time.sleep(FOLLOW_POLL)
                        budget = self._send(handle.readlines(), flag("timestamps"), budget)
                    budget = self._send(handle.readlines(), flag("timestamps"), budget) if flag("follow") else budget
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:  # the client went away (kubectl logs -f interrupted): TLS or socket errors
                    pass

        def _send(self, lines: list[bytes], timestamps: bool, budget: int | None) -> int | None:
            data = b"".join(format_line(line, timestamps) for line in lines)
            if budget is not None:
                data, budget = data[:budget], budget - min(len(data), budget)
            if data:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            return budget

    return Handler


def serve(address: str, port: int, cert: Path, key: Path, locate: LogLocator) -> ThreadingHTTPServer:
    """Start one node's kubelet API server in a thread."""
    server = ThreadingHTTPServer((address, port), _handler(locate))
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, name=f"kubelet-api-{address}", daemon=True).start()
    return server
