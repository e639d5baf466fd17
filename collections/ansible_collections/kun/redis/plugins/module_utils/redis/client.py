# Copyright: redis-kun operator developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that talks to Redis: a connection speaking RESP2 over a plain socket, with timeouts and the password.

The modules send a few commands to a few nodes per run, so a client of their own replaces redis-py, whose import
alone cost a third of a second of every module run (measured with `python -X importtime`). It never retries: an
observer with short timeouts must see an unreachable node at once. Replies come as Redis sends them: text (INFO
stays the raw text `parse_info` reads, so that replication ids made of digits stay strings), integers, None and
lists; an error reply is a ReplyError.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ansible_collections.kun.redis.plugins.module_utils.redis.endpoint import Endpoint


@dataclass(frozen=True)
class ConnectionSettings:
    password: str | None = None
    connect_timeout: float = 0.5
    socket_timeout: float | None = 1.0  # None: wait as long as it takes (a subscribed connection)


class ReplyError(Exception):
    """An error reply, with Redis' message (for example `ERR Unknown option or number of arguments`)."""


class ProtocolError(Exception):
    """A reply that is not RESP2: the peer is not Redis, or the connection broke mid-reply."""


def _encode(command: Sequence[Any]) -> bytes:
    parts = [b"*%d\r\n" % len(command)]
    for argument in command:
        data = argument if isinstance(argument, bytes) else str(argument).encode()
        parts += [b"$%d\r\n" % len(data), data, b"\r\n"]
    return b"".join(parts)


class RedisConnection:
    """One TCP connection to a Redis node or Sentinel; a context manager that closes it."""

    def __init__(self, endpoint: Endpoint, settings: ConnectionSettings, *, authenticate: bool = True):
        self._socket = socket.create_connection((endpoint.address, endpoint.port), timeout=settings.connect_timeout)
        try:
            self._socket.settimeout(settings.socket_timeout)
            self._reader = self._socket.makefile("rb")
            if authenticate and settings.password:
                self.execute_command("AUTH", settings.password)
        except BaseException:
            self._socket.close()
            raise

    def __enter__(self) -> RedisConnection:
        return self

    def __exit__(self, *_exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._reader.close()
        self._socket.close()

    def execute_command(self, *command: Any) -> Any:
        """Send one command and return its reply; an error reply is raised."""
        (reply,) = self.pipeline([command], raise_on_error=True)
        return reply

    def pipeline(self, commands: Sequence[Sequence[Any]], *, raise_on_error: bool = True) -> list:
        """Send every command in one write and read their replies in order. An error reply is raised (the first
        one) or, with raise_on_error False, returned in its place as a ReplyError."""
        self._socket.sendall(b"".join(_encode(command) for command in commands))
        replies = [self._read() for _command in commands]
        if raise_on_error:
            for reply in replies:
                if isinstance(reply, ReplyError):
                    raise reply
        return replies

    def subscribe(self, channels: Sequence[str]) -> None:
        """SUBSCRIBE to `channels` (Redis confirms each with a reply of its own), and have the kernel probe the idle
        connection, so that a peer gone without a word (its host removed) ends next_message within about 30 s."""
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        for option, value in (("TCP_KEEPIDLE", 15), ("TCP_KEEPINTVL", 5), ("TCP_KEEPCNT", 3)):
            if hasattr(socket, option):  # Linux names; elsewhere the system's defaults apply
                self._socket.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)
        self._socket.sendall(_encode(("SUBSCRIBE", *channels)))
        for _channel in channels:
            reply = self._read()
            if isinstance(reply, ReplyError):
                raise reply

    def next_message(self) -> tuple[str, str]:
        """The next (channel, data) published to a subscribed connection; a closed connection raises."""
        while True:
            reply = self._read()
            if isinstance(reply, list) and len(reply) == 3 and reply[0] == "message":
                return reply[1], reply[2]

    def shutdown(self) -> None:
        """End the connection from another thread: a next_message waiting on it raises at once."""
        with contextlib.suppress(OSError):  # already closed by the peer
            self._socket.shutdown(socket.SHUT_RDWR)

    def _line(self) -> bytes:
        line = self._reader.readline()
        if not line.endswith(b"\r\n"):
            raise ProtocolError("connection closed in the middle of a reply")
        return line[:-2]

    def _read(self) -> Any:
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode(errors="replace")
        if kind == b"-":
            return ReplyError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            length = int(rest)
            if length < 0:
                return None
            data = self._reader.read(length + 2)
            if len(data) != length + 2:
                raise ProtocolError("connection closed in the middle of a reply")
            return data[:-2].decode(errors="replace")
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [self._read() for _element in range(count)]
        raise ProtocolError(f"not a RESP2 reply: {line[:40]!r}")


def connect(endpoint: Endpoint, settings: ConnectionSettings, *, authenticate: bool = True) -> RedisConnection:
    """A connection to one Redis node (authenticate=True: AUTH with the password, when there is one) or one Sentinel
    (which has no password of its own here)."""
    return RedisConnection(endpoint, settings, authenticate=authenticate)


def parse_info(text: str) -> dict[str, str]:
    """INFO text -> {field: value}, every value kept as the string Redis sent."""
    fields = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value
    return fields


def reply_dict(reply) -> dict[str, str]:
    """A flat [field, value, ...] reply (CONFIG GET, SENTINEL MASTER) as {field: text}."""
    items = list(reply or [])
    return {str(key): str(value) for key, value in zip(items[::2], items[1::2], strict=False)}


def describe_error(error: Exception) -> str:
    """A one-line cause for a failed call, without the password (no reply or exception here quotes it)."""
    return f"{type(error).__name__}: {error}".strip()
