"""The kubelet API server of each node: HTTPS on <node IP>:10250 (serving certificate pki/kubelet.crt), the endpoints
the API server calls for a pod's subresources, with the real kubelet's paths, status codes and messages:

    /containerLogs/<namespace>/<pod>/<container>      GET          pods/log            container_logs.py
    /exec/<namespace>/<pod>[/<uid>]/<container>       GET, POST    pods/exec           container_exec.py
    /portForward/<namespace>/<pod>[/<uid>]            GET, POST    pods/portforward    port_forward.py
    /healthz                                          GET

exec and portForward are HTTP upgrades to SPDY/3.1 (spdy.py, spdy_session.py) after the X-Stream-Protocol-Version
negotiation of k8s.io/apimachinery's httpstream.Handshake. Callers are authenticated and authorized as
kubelet_auth.py says. One thread per connection (ThreadingHTTPServer); the TLS handshake happens in that thread too,
so a slow client never holds up the others.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from . import container_exec, container_logs, port_forward
from .api import ApiError
from .kubelet_auth import VERBS, User, forbidden_message
from .spdy_session import Session, Transport

log = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT = 10.0
SPDY = "SPDY/3.1"


class Failure(Exception):
    """A request the kubelet answers with an error: the HTTP status and the plain-text message."""

    def __init__(self, status: int, message: str, headers: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Pods:
    """What one node's kubelet API asks the kubelet; the lookups raise Failure with the real kubelet's answer."""

    log_file: container_logs.LogLocator
    container_pid: Callable[[str, str, str | None, str], int]  # (namespace, pod, uid, container) -> main process
    sandbox: Callable[[str, str, str | None], port_forward.Target]  # (namespace, pod, uid) -> its network namespace
    authorized: Callable[[User, str], bool]  # (user, verb) -> may use this node's API


def offered_protocols(values: list[str]) -> list[str]:
    """The protocols of X-Stream-Protocol-Version headers (several headers, or comma-separated values)."""
    return [protocol.strip() for value in values for protocol in value.split(",") if protocol.strip()]


def negotiate(offered: list[str], supported: tuple[str, ...]) -> str | None:
    """The client's most preferred protocol that the server supports (httpstream.Handshake)."""
    return next((protocol for protocol in offered if protocol in supported), None)


def route(method: str, path: str) -> tuple[str, list[str]]:
    """(endpoint, path arguments) of a request; Failure for unknown paths (404) or methods (405)."""
    parts = [unquote(part) for part in path.split("/") if part]
    endpoint, arguments = (parts[0], parts[1:]) if parts else ("", [])
    shapes = {"healthz": ((0,), ("GET",)), "containerLogs": ((3,), ("GET",))}
    shapes |= {"exec": ((3, 4), ("GET", "POST")), "attach": ((3, 4), ("GET", "POST"))}
    shapes["portForward"] = ((2, 3), ("GET", "POST"))
    if endpoint not in shapes or len(arguments) not in shapes[endpoint][0]:
        raise Failure(404, "404 page not found")
    if method not in shapes[endpoint][1]:
        raise Failure(405, "405: Method Not Allowed")
    return endpoint, arguments


class KubeletApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that fails the TLS handshake or hangs up mid-request is not the kubelet's error.
        log.debug("kubelet api: connection from %s failed", client_address[0], exc_info=True)


def _handler(pods: Pods):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Unbuffered reads: after an upgrade the socket belongs to the SPDY session, and no byte of it may be left
        # behind in a buffer of this handler.
        rbufsize = 0

        def setup(self) -> None:
            self.request.settimeout(HANDSHAKE_TIMEOUT)
            self.request.do_handshake()
            self.request.settimeout(None)
            super().setup()

        def log_message(self, format: str, *args) -> None:
            log.debug("kubelet api: " + format, *args)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            url = urlparse(self.path)
            try:
                endpoint, arguments = route(method, url.path)
                self._authorize(method)
                query = parse_qs(url.query)
                if endpoint == "healthz":
                    self._reply(200, "ok")
                elif endpoint == "containerLogs":
                    self._logs(*arguments, container_logs.LogQuery.parse(query))
                elif endpoint == "exec":
                    self._exec(arguments, query)
                elif endpoint == "portForward":
                    self._port_forward(arguments)
                else:
                    raise Failure(501, f"{endpoint} is not supported by the sandbox's kubelet; use exec")
            except Failure as failure:
                self._reply(failure.status, failure.message, failure.headers)
            except ValueError as error:  # a malformed query parameter
                self._reply(400, str(error))

        def _authorize(self, method: str) -> None:
            user = User.from_certificate(self.request.getpeercert())
            if user is None:
                raise Failure(401, "Unauthorized")
            verb = VERBS[method]
            try:
                allowed = pods.authorized(user, verb)
            except (ApiError, OSError) as error:
                log.warning("kubelet api: authorizing %s: %s", user.name, error)
                raise Failure(
                    500, f"Authorization error (user={user.name}, verb={verb}, resource=nodes, subresource=proxy)"
                ) from error
            if not allowed:
                raise Failure(403, forbidden_message(user, verb))

        def _reply(self, code: int, text: str, headers: dict[str, list[str]] | None = None) -> None:
            body = text.encode()
            self.send_response(code)
            for name, values in (headers or {}).items():
                for value in values:
                    self.send_header(name, value)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        # --- logs ---

        def _logs(self, namespace: str, pod: str, container: str, query: container_logs.LogQuery) -> None:
            found = pods.log_file(namespace, pod, container, query.previous)
            if found is None:
                what = "previous terminated container" if query.previous else "container"
                raise Failure(404, f"{what} {container!r} in pod {namespace}/{pod} not found")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            with contextlib.suppress(OSError):  # the client went away (kubectl logs -f interrupted)
                container_logs.send(*found, query, self._chunk)
                self.wfile.write(b"0\r\n\r\n")

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        # --- streaming ---

        def _upgrade(self, supported: tuple[str, ...]) -> str:
            """Switch the connection to SPDY/3.1 with a negotiated protocol; Failure as httpstream's handshake."""
            values = self.headers.get_all("X-Stream-Protocol-Version") or []
            if not values:
                raise Failure(
                    400,
                    f"unable to upgrade: header X-Stream-Protocol-Version does not exist in request "
                    f"with {len(self.headers)} headers",
                )
            offered = offered_protocols(values)
            protocol = negotiate(offered, supported)
            if protocol is None:
                raise Failure(
                    403,
                    # Go's %v of the two lists
                    f"unable to upgrade: unable to negotiate protocol: client supports [{' '.join(offered)}], "
                    f"server accepts [{' '.join(supported)}]",
                    {"X-Accepted-Stream-Protocol-Versions": list(supported)},
                )
            if (
                "upgrade" not in self.headers.get("Connection", "").lower()
                or SPDY.lower() not in self.headers.get("Upgrade", "").lower()
            ):
                raise Failure(400, "unable to upgrade: missing upgrade headers in request")
            self.send_response(101)
            self.send_header("Connection", "Upgrade")
            self.send_header("Upgrade", SPDY)
            self.send_header("X-Stream-Protocol-Version", protocol)
            self.end_headers()
            self.wfile.flush()
            self.close_connection = True
            return protocol

        def _session(self, accept: Callable) -> Session:
            return Session(Transport(self.request), accept)

        def _exec(self, arguments: list[str], query: dict[str, list[str]]) -> None:
            namespace, pod, *uid, container = arguments
            options = container_exec.ExecOptions.parse(query)
            pid = pods.container_pid(namespace, pod, uid[0] if uid else None, container)
            protocol = self._upgrade(container_exec.PROTOCOLS)
            session = self._session(lambda _stream: True)
            try:
                container_exec.serve(session, protocol, options, pid, query.get("command", []))
            finally:
                session.close()

        def _port_forward(self, arguments: list[str]) -> None:
            namespace, pod, *uid = arguments
            target = pods.sandbox(namespace, pod, uid[0] if uid else None)
            self._upgrade(port_forward.PROTOCOLS)
            session = self._session(port_forward.accept)
            try:
                port_forward.serve(session, target)
            finally:
                session.close()

    return Handler


def serve(address: str, port: int, *, cert: Path, key: Path, client_ca: Path, pods: Pods) -> KubeletApiServer:
    """Start one node's kubelet API server in a thread."""
    server = KubeletApiServer((address, port), _handler(pods))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.load_verify_locations(client_ca)
    context.verify_mode = ssl.CERT_OPTIONAL  # without a certificate the TLS handshake succeeds, the request gets 401
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    threading.Thread(target=server.serve_forever, name=f"kubelet-api-{address}", daemon=True).start()
    return server
