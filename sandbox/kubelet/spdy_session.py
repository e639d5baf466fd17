"""The server side of a SPDY/3.1 connection (the kubelet's end of exec, attach and port-forward): a reader thread
turns the client's frames into streams and their data, any thread writes through one lock so frames (and the
connection's header compressor) stay in order.

Like github.com/moby/spdystream, which is the client here, this ignores SPDY/3.1 flow control: spdystream never sends
WINDOW_UPDATE, so a sender that honoured the 64 KiB window would stall. A stream's unread data is bounded instead
(INBOUND_CHUNKS): the reader waits for a slow consumer, as spdystream's frame queues do.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import queue
import select
import ssl
import threading
import weakref
from collections.abc import Callable

from . import spdy

log = logging.getLogger(__name__)

CHUNK = 64 * 1024  # the most one data frame carries
INBOUND_CHUNKS = 64
LINGER = 5.0  # seconds the session waits, once closed, for the client to hang up (see Session.close)
_WOULD_BLOCK = (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError, InterruptedError)


class Transport:
    """The upgraded connection's socket, shared by one reader and many writers. OpenSSL forbids using one TLS
    connection from two threads at once, so every call on the socket holds a lock; the socket is non-blocking and a
    thread waits for it with select() outside the lock. close() wakes every waiter."""

    def __init__(self, sock):
        self._sock = sock
        self._lock = threading.Lock()
        self._wake_read, self._wake_write = os.pipe()
        for fd in (self._wake_read, self._wake_write):
            weakref.finalize(self, os.close, fd)  # not in close(): a writer may still be waiting on them
        self._closed = False
        sock.setblocking(False)

    def recv(self, size: int) -> bytes:
        """Up to `size` bytes; b"" once the peer has gone or the transport was closed."""
        while True:
            with self._lock:
                if self._closed:
                    return b""
                try:
                    return self._sock.recv(size)
                except _WOULD_BLOCK:
                    pass
                except OSError:  # reset by the peer, or a TLS error: the connection is over either way
                    return b""
            readable, _, _ = select.select([self._sock, self._wake_read], [], [])
            if self._wake_read in readable:
                return b""

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            with self._lock:
                if self._closed:
                    raise BrokenPipeError("the connection is closed")
                try:
                    sent = self._sock.send(view)
                except _WOULD_BLOCK:
                    sent = 0
            view = view[sent:]
            if view and not sent:
                select.select([self._wake_read], [self._sock], [])

    def close(self) -> None:
        """Stop every reader and writer; the socket itself belongs to the HTTP server, which closes it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._sock.setblocking(True)
        os.write(self._wake_write, b"x")


class Stream:
    """One stream the client opened: its headers, the data it sends (read) and the data sent to it (write)."""

    def __init__(self, session: Session, frame: spdy.SynStream):
        self._session = session
        self.stream_id = frame.stream_id
        self.headers = frame.headers
        self._inbound: collections.deque[bytes] = collections.deque()
        self._changed = threading.Condition()
        self._remote_done = False  # the client sent FIN or RST, or the connection ended
        self._discarding = False
        self._local_done = False  # we sent FIN or RST
        if frame.fin:
            self._remote_done = True

    def header(self, name: str) -> str:
        return (self.headers.get(name.lower()) or [""])[0]

    # --- what the client sends ---

    def read(self) -> bytes:
        """The next chunk the client sent; b"" once it has finished sending."""
        with self._changed:
            while not self._inbound and not self._remote_done:
                self._changed.wait()
            if self._inbound:
                data = self._inbound.popleft()
                self._changed.notify_all()
                return data
            return b""

    def discard(self) -> None:
        """Nothing will read this stream again: drop what the client sends instead of holding up the connection; a
        read() waiting for it returns b""."""
        with self._changed:
            self._discarding = True
            self._remote_done = True
            self._inbound.clear()
            self._changed.notify_all()

    def _deliver(self, data: bytes) -> None:
        with self._changed:
            while len(self._inbound) >= INBOUND_CHUNKS and not self._discarding and not self._remote_done:
                self._changed.wait()
            if not self._discarding and not self._remote_done:
                self._inbound.append(data)
                self._changed.notify_all()

    def _remote_finished(self) -> None:
        with self._changed:
            self._remote_done = True
            self._changed.notify_all()

    # --- what we send ---

    def write(self, data: bytes) -> None:
        """Send data on the stream; BrokenPipeError once the stream or the connection is closed."""
        if self._local_done:
            raise BrokenPipeError(f"stream {self.stream_id} is closed")
        for start in range(0, len(data), CHUNK):
            self._session.send(spdy.Data(self.stream_id, data[start : start + CHUNK]))

    @property
    def finished(self) -> bool:
        return self._local_done and self._remote_done

    def close(self) -> None:
        """Half-close: we send nothing more (FIN); the client may go on sending."""
        if not self._local_done:
            self._local_done = True
            with contextlib.suppress(BrokenPipeError):
                self._session.send(spdy.Data(self.stream_id, b"", fin=True))
        self._session.release(self)

    def reset(self, status: int = spdy.CANCEL) -> None:
        """Abort the stream both ways (RST_STREAM)."""
        if not self._local_done:
            self._local_done = True
            with contextlib.suppress(BrokenPipeError):
                self._session.send(spdy.RstStream(self.stream_id, status))
        self._remote_finished()
        self.discard()
        self._session.release(self)


class Session:
    """A SPDY/3.1 server session. `accept(stream)` decides, in the reader thread, whether a new stream is taken (it
    is then replied to and handed out by next_stream()) or refused with RST_STREAM."""

    def __init__(self, transport: Transport, accept: Callable[[Stream], bool]):
        self._transport = transport
        self._accept = accept
        self._compressor = spdy.HeaderCompressor()
        self._decompressor = spdy.HeaderDecompressor()
        self._write_lock = threading.Lock()
        self._streams: dict[int, Stream] = {}
        self._accepted: queue.Queue[Stream | None] = queue.Queue()
        self._last_stream_id = 0
        self._buffer = bytearray()
        self.ended = threading.Event()  # the client hung up, said GOAWAY, or broke the protocol
        self._reader = threading.Thread(target=self._read_frames, name="spdy-reader", daemon=True)
        self._reader.start()

    def next_stream(self, timeout: float | None = None) -> Stream | None:
        """The next stream the client opened; None when the session ended (or at the timeout)."""
        try:
            stream = self._accepted.get(timeout=timeout)
        except queue.Empty:
            return None
        if stream is None:
            self._accepted.put(None)  # every later caller learns it too
        return stream

    def send(self, frame: spdy.Frame) -> None:
        with self._write_lock:
            self._transport.sendall(spdy.encode(frame, self._compressor))

    def release(self, stream: Stream) -> None:
        """Forget a stream that is finished both ways: later frames for it are dropped."""
        if stream.finished:
            self._streams.pop(stream.stream_id, None)

    def close(self) -> None:
        """End the session: GOAWAY, then wait (up to LINGER) for the client to hang up before the socket is closed,
        so that closing with the client's last frames unread does not reset the connection and lose ours."""
        with contextlib.suppress(BrokenPipeError):
            self.send(spdy.GoAway(self._last_stream_id))
        self.ended.wait(LINGER)
        self._transport.close()
        self._reader.join(LINGER)

    # --- the reader thread ---

    def _read_exactly(self, size: int) -> bytes | None:
        while len(self._buffer) < size:
            data = self._transport.recv(max(CHUNK, size - len(self._buffer)))
            if not data:
                return None
            self._buffer += data
        chunk = bytes(self._buffer[:size])
        del self._buffer[:size]
        return chunk

    def _read_frames(self) -> None:
        try:
            while True:
                head = self._read_exactly(spdy.HEAD_SIZE)
                payload = head and self._read_exactly(spdy.payload_length(head))
                if payload is None:
                    break
                frame = spdy.decode(head, payload, self._decompressor)
                if isinstance(frame, spdy.GoAway):
                    break
                self._handle(frame)
        except spdy.SpdyError as error:
            log.warning("kubelet api: SPDY protocol error from the client: %s", error)
            with contextlib.suppress(BrokenPipeError):
                self.send(spdy.GoAway(self._last_stream_id, 1))
        except BrokenPipeError:
            pass
        finally:
            for stream in list(self._streams.values()):
                stream._remote_finished()
            self._accepted.put(None)
            self.ended.set()

    def _handle(self, frame: spdy.Frame | None) -> None:
        match frame:
            case spdy.SynStream():
                # Client-initiated streams have odd ids, each higher than the last.
                if frame.stream_id % 2 == 0 or frame.stream_id <= self._last_stream_id:
                    self.send(spdy.RstStream(frame.stream_id, spdy.PROTOCOL_ERROR))
                    return
                self._last_stream_id = frame.stream_id
                stream = Stream(self, frame)
                if not self._accept(stream):
                    self.send(spdy.RstStream(frame.stream_id, spdy.REFUSED_STREAM))
                    return
                self._streams[frame.stream_id] = stream
                self.send(spdy.SynReply(frame.stream_id, {}))
                self._accepted.put(stream)
            case spdy.Data():
                stream = self._streams.get(frame.stream_id)
                if stream is not None:  # data for a stream already gone is dropped, as spdystream does
                    if frame.data:
                        stream._deliver(frame.data)
                    if frame.fin:
                        stream._remote_finished()
                        self.release(stream)
            case spdy.RstStream():
                stream = self._streams.pop(frame.stream_id, None)
                if stream is not None:
                    stream._local_done = True
                    stream._remote_finished()
                    stream.discard()
            case spdy.Ping() if frame.ping_id % 2 == 1:  # the client's ping (ours would be even): answer it
                self.send(frame)
            case _:
                pass  # SETTINGS, WINDOW_UPDATE, HEADERS and our pings' answers change nothing here
