"""`kubectl port-forward` on the kubelet API: /portForward/<namespace>/<pod>, upgraded to SPDY/3.1 with the protocol
portforward.k8s.io, as the real kubelet serves it (k8s.io/kubelet cri/streaming/portforward).

Every forwarded connection is a pair of streams with the same `port` and `requestID` headers: `streamType: error`
and `streamType: data`. For each complete pair the kubelet connects to localhost:<port> inside the pod's network
namespace, as a container runtime does (so a server bound to 127.0.0.1 in the pod is reachable too), and copies bytes
both ways; a connection that fails gets the runtime's message on the error stream.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import socket
import threading
from dataclasses import dataclass

from .spdy_session import CHUNK, Session, Stream

log = logging.getLogger(__name__)

PROTOCOLS = ("portforward.k8s.io",)
CLONE_NEWNET = 0x40000000
CONNECT_TIMEOUT = 10.0
HALF_CLOSED_GRACE = 1.0  # seconds one direction may go on once the other ended (containerd's, after socat's)

_libc = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class Target:
    """Where a pod's forwarded ports are: its network namespace, and the id the runtime's messages name it by."""

    netns: str
    sandbox_id: str


def stream_refusal(stream: Stream) -> str | None:
    """Why a stream cannot be part of a port-forward (the real kubelet resets it), or None."""
    port = stream.header("port")
    if not port:
        return '"port" header is required'
    if not port.isdigit() or not 0 < int(port) < 65536:
        return f"unable to parse {port!r} as a port"
    if not stream.header("streamType"):
        return '"streamType" header is required'
    if stream.header("streamType") not in ("error", "data"):
        return f"invalid stream type {stream.header('streamType')!r}"
    return None


def accept(stream: Stream) -> bool:
    refusal = stream_refusal(stream)
    if refusal:
        log.warning("kubelet api: port-forward stream rejected: %s", refusal)
    return refusal is None


def request_id(stream: Stream) -> str:
    """The pair a stream belongs to; clients that send no requestID pair an error stream with the next stream."""
    given = stream.header("requestID")
    if given:
        return given
    return str(stream.stream_id if stream.header("streamType") == "error" else stream.stream_id - 2)


def _sockets_in(netns: str) -> list[socket.socket]:
    """An IPv4 and an IPv6 TCP socket of the pod's network namespace. A socket belongs to the namespace it was created
    in; setns changes the calling thread's namespace only, so a short-lived thread of its own enters it."""
    made: list[socket.socket] = []
    failure: list[OSError] = []

    def create() -> None:
        try:
            with open(netns, "rb") as namespace:
                if _libc.setns(namespace.fileno(), CLONE_NEWNET) != 0:
                    errno = ctypes.get_errno()
                    raise OSError(errno, os.strerror(errno))
            made.extend(socket.socket(family, socket.SOCK_STREAM) for family in (socket.AF_INET, socket.AF_INET6))
        except OSError as error:
            failure.append(error)

    thread = threading.Thread(target=create, name="portforward-setns")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return made


def _reason(error: OSError) -> str:
    """A socket error as Go prints it: `connect: connection refused`."""
    if isinstance(error, TimeoutError):
        return "i/o timeout"
    return "connect: " + (os.strerror(error.errno) if error.errno else str(error)).lower()


def connect(target: Target, port: int) -> socket.socket:
    """A connection to localhost:<port> in the pod: IPv4, else IPv6, as containerd tries. OSError with the runtime's
    message when neither connects."""
    try:
        ipv4, ipv6 = _sockets_in(target.netns)
    except OSError as error:
        raise OSError(f'failed to execute portforward in network namespace "{target.netns}": {error}') from error
    reasons = []
    for sock, address, label in ((ipv4, ("127.0.0.1", port), "tcp4 127.0.0.1"), (ipv6, ("::1", port), "tcp6 [::1]")):
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(address)
        except OSError as error:
            sock.close()
            reasons.append(f"dial {label}:{port}: {_reason(error)}")
            continue
        sock.settimeout(None)
        for other in (ipv4, ipv6):
            if other is not sock:
                other.close()
        return sock
    raise OSError(
        f'failed to execute portforward in network namespace "{target.netns}": failed to connect to localhost:{port} '
        f'inside namespace "{target.sandbox_id}", IPv4: {reasons[0]} IPv6 {reasons[1]} '
    )


def forward(target: Target, error_stream: Stream, data_stream: Stream) -> None:
    """One forwarded connection, from its pair of streams to its end."""
    port = int(data_stream.header("port"))
    try:
        connection = connect(target, port)
    except OSError as error:
        message = f"error forwarding port {port} to pod {target.sandbox_id}, uid : {error.args[0]}"
        log.info("kubelet api: %s", message)
        with contextlib.suppress(BrokenPipeError):
            error_stream.write(message.encode())
        data_stream.reset()
        error_stream.reset()
        return
    ended = threading.Event()

    def to_pod() -> None:
        try:
            while data := data_stream.read():
                connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)  # the client finished sending: so does the pod's peer
        except OSError:
            pass
        finally:
            data_stream.discard()
            ended.set()

    threading.Thread(target=to_pod, name="portforward-in", daemon=True).start()
    try:
        while data := connection.recv(CHUNK):
            data_stream.write(data)
    except OSError:  # BrokenPipeError from a closed stream, or the pod's side reset
        pass
    data_stream.close()
    ended.wait(HALF_CLOSED_GRACE)
    connection.close()  # also ends the other copy, if it is still going
    data_stream.reset()
    error_stream.close()


def serve(session: Session, target: Target) -> None:
    """Pair the client's streams and forward each pair, until the client hangs up."""
    pairs: dict[str, dict[str, Stream]] = {}
    while (stream := session.next_stream()) is not None:
        pair = pairs.setdefault(request_id(stream), {})
        kind = stream.header("streamType")
        if kind in pair:
            message = f"error processing stream for request {request_id(stream)}: {kind} stream already assigned"
            log.warning("kubelet api: %s", message)
            if "error" in pair:
                with contextlib.suppress(BrokenPipeError):
                    pair["error"].write(message.encode())
            stream.reset()
            continue
        pair[kind] = stream
        if len(pair) == 2:
            del pairs[request_id(stream)]
            threading.Thread(
                target=forward, args=(target, pair["error"], pair["data"]), name="portforward", daemon=True
            ).start()
