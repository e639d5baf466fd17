"""The modules' own RESP client against a real redis-server: replies of every type, pipelines, errors, the password;
and against a loopback socket that is not Redis: a clear protocol error, never a hang or a wrong value."""

from __future__ import annotations

import socket
import threading

import pytest
from ansible_collections.kun.redis.plugins.module_utils.redis.client import (
    ConnectionSettings,
    ProtocolError,
    ReplyError,
    connect,
    parse_info,
    reply_dict,
)
from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint

from tests.integration.conftest import PASSWORD

pytestmark = pytest.mark.integration


@pytest.fixture
def node(make_group):
    (process,) = make_group(nodes=1, sentinels=0, password=PASSWORD).nodes
    return Endpoint("127.0.0.1", process.port)


def settings(password: str | None = PASSWORD) -> ConnectionSettings:
    return ConnectionSettings(password=password, connect_timeout=1.0, socket_timeout=2.0)


def test_replies_of_every_type_come_as_redis_sends_them(node):
    value = "é" * 70_000  # a bulk reply longer than any one socket read
    with connect(node, settings()) as client:
        assert client.execute_command("SET", "key", value) == "OK"
        assert client.execute_command("GET", "key") == value
        assert client.execute_command("GET", "missing") is None
        assert client.execute_command("INCRBY", "counter", 5) == 5
        assert client.execute_command("RPUSH", "list", "a", 1, 2.5) == 3
        assert client.execute_command("LRANGE", "list", 0, -1) == ["a", "1", "2.5"]
        assert reply_dict(client.execute_command("CONFIG", "GET", "maxmemory-policy")) == {
            "maxmemory-policy": "noeviction"
        }
        assert parse_info(client.execute_command("INFO", "replication"))["role"] == "master"


def test_a_pipeline_keeps_the_order_and_reports_an_error_in_place_or_raises_it(node):
    with connect(node, settings()) as client:
        commands = [("SET", "a", "1"), ("NOSUCHCOMMAND",), ("GET", "a")]
        first, error, last = client.pipeline(commands, raise_on_error=False)
        assert (first, last) == ("OK", "1")
        assert isinstance(error, ReplyError)
        assert "unknown command" in str(error).lower()
        with pytest.raises(ReplyError, match=r"(?i)unknown command"):
            client.pipeline(commands)
        assert client.execute_command("PING") == "PONG"  # every reply was read: the connection is still in step


def test_the_password_is_required_and_a_wrong_one_is_refused_without_being_quoted(node):
    with connect(node, settings(password=None)) as anonymous, pytest.raises(ReplyError, match="NOAUTH"):
        anonymous.execute_command("GET", "key")
    with pytest.raises(ReplyError) as refused:
        connect(node, settings(password="wrong-password-xyz"))
    assert "wrong-password-xyz" not in str(refused.value)


def answering(reply: bytes):
    """A loopback server that answers every connection with `reply` and closes it."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with server:
            connection, _ = server.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    return Endpoint("127.0.0.1", server.getsockname()[1])


@pytest.mark.parametrize("reply", [b"HTTP/1.1 400 Bad Request\r\n\r\n", b"$10\r\nshort", b"+OK"])
def test_a_peer_that_is_not_redis_or_breaks_off_is_a_protocol_error(reply):
    with connect(answering(reply), settings(password=None)) as client, pytest.raises(ProtocolError):
        client.execute_command("PING")


def test_a_silent_peer_times_out():
    server = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    silent = Endpoint("127.0.0.1", server.getsockname()[1])
    with server, connect(silent, ConnectionSettings(socket_timeout=0.2)) as client, pytest.raises(TimeoutError):
        client.execute_command("PING")
