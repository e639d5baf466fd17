"""The tcpSocket and httpGet probe handlers against real listeners on loopback (sandbox/kubelet/probes.py)."""

import http.server
import socket
import threading

import pytest

from sandbox.kubelet.probes import run_probe

pytestmark = pytest.mark.integration


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthy" else 500)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_http_get_succeeds_on_2xx_and_fails_otherwise(http_port):
    container = {"ports": [{"name": "http", "containerPort": http_port}]}
    assert run_probe({"httpGet": {"port": "http", "path": "/healthy"}}, container, "127.0.0.1", 0, {})
    assert not run_probe({"httpGet": {"port": http_port, "path": "/broken"}}, container, "127.0.0.1", 0, {})
    assert not run_probe({"httpGet": {"port": free_port(), "path": "/"}}, container, "127.0.0.1", 0, {})


def test_tcp_socket_needs_a_listener(http_port):
    assert run_probe({"tcpSocket": {"port": http_port}}, {}, "127.0.0.1", 0, {})
    assert not run_probe({"tcpSocket": {"port": free_port()}}, {}, "127.0.0.1", 0, {})
