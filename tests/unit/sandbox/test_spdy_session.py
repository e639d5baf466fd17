"""The kubelet's SPDY/3.1 server session (sandbox/kubelet/spdy_session.py) over a real socket pair, with the test as
the client speaking frames through spdy.py: streams are replied to and handed out, data flows both ways with FIN and
RST as spdystream expects, pings are answered, and the session ends on GOAWAY or a hang-up."""

import socket
import threading

import pytest

from sandbox.kubelet import spdy
from sandbox.kubelet.spdy_session import Session, Transport

pytestmark = pytest.mark.unit

TIMEOUT = 5


class Client:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        sock.settimeout(TIMEOUT)
        self.compressor = spdy.HeaderCompressor()
        self.decompressor = spdy.HeaderDecompressor()

    def send(self, frame) -> None:
        self.sock.sendall(spdy.encode(frame, self.compressor))

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def receive(self):
        head = self._exactly(spdy.HEAD_SIZE)
        return spdy.decode(head, self._exactly(spdy.payload_length(head)), self.decompressor)

    def open(self, stream_id: int, **headers: str):
        self.send(spdy.SynStream(stream_id, {name.lower(): [value] for name, value in headers.items()}))
        return self.receive()


@pytest.fixture
def pair():
    """(session, client); the session accepts every stream but those with a `refuse` header."""
    server_end, client_end = socket.socketpair()
    session = Session(Transport(server_end), accept=lambda stream: not stream.header("refuse"))
    yield session, Client(client_end)
    client_end.shutdown(socket.SHUT_RDWR)
    session.close()
    server_end.close()
    client_end.close()


def test_a_stream_is_replied_to_then_handed_out(pair):
    session, client = pair
    assert client.open(1, streamType="error") == spdy.SynReply(1, {})
    stream = session.next_stream(timeout=TIMEOUT)
    assert (stream.stream_id, stream.header("streamType"), stream.header("StreamType")) == (1, "error", "error")


def test_data_reaches_the_reader_until_fin(pair):
    session, client = pair
    client.open(1, streamType="stdin")
    stream = session.next_stream(timeout=TIMEOUT)
    client.send(spdy.Data(1, b"hello "))
    client.send(spdy.Data(1, b"world", fin=True))
    received = b"".join(iter(stream.read, b""))
    assert received == b"hello world"
    assert stream.read() == b""  # stays at its end


def test_writes_become_data_frames_and_close_a_fin(pair):
    session, client = pair
    client.open(1, streamType="stdout")
    stream = session.next_stream(timeout=TIMEOUT)
    big = bytes(range(256)) * 1000  # more than one frame carries, and more than the socket buffers
    writer = threading.Thread(target=lambda: (stream.write(big), stream.close()))
    writer.start()
    received, fin = b"", False
    while not fin:
        frame = client.receive()
        received, fin = received + frame.data, frame.fin
    writer.join(TIMEOUT)
    assert received == big
    with pytest.raises(BrokenPipeError):
        stream.write(b"after the end")


def test_a_refused_stream_is_reset_and_never_handed_out(pair):
    session, client = pair
    assert client.open(1, refuse="yes") == spdy.RstStream(1, spdy.REFUSED_STREAM)
    assert client.open(3, streamType="data") == spdy.SynReply(3, {})
    assert session.next_stream(timeout=TIMEOUT).stream_id == 3


def test_stream_ids_must_be_odd_and_rising(pair):
    _session, client = pair
    client.open(5, streamType="data")
    assert client.open(3, streamType="data") == spdy.RstStream(3, spdy.PROTOCOL_ERROR)
    assert client.open(8, streamType="data") == spdy.RstStream(8, spdy.PROTOCOL_ERROR)


def test_the_clients_pings_are_answered(pair):
    _session, client = pair
    client.send(spdy.Ping(1))
    assert client.receive() == spdy.Ping(1)


def test_a_reset_ends_reading_and_writing(pair):
    session, client = pair
    client.open(1, streamType="data")
    stream = session.next_stream(timeout=TIMEOUT)
    client.send(spdy.RstStream(1, spdy.CANCEL))
    assert stream.read() == b""
    client.send(spdy.Ping(3))  # the reset was handled before this
    assert client.receive() == spdy.Ping(3)
    with pytest.raises(BrokenPipeError):
        stream.write(b"x")


def test_goaway_ends_the_session_and_every_stream(pair):
    session, client = pair
    client.open(1, streamType="stdin")
    stream = session.next_stream(timeout=TIMEOUT)
    client.send(spdy.GoAway(0))
    assert session.ended.wait(TIMEOUT)
    assert stream.read() == b""
    assert session.next_stream(timeout=TIMEOUT) is None


def test_a_hang_up_ends_the_session(pair):
    session, client = pair
    client.sock.shutdown(socket.SHUT_RDWR)
    assert session.ended.wait(TIMEOUT)
    assert session.next_stream() is None


def test_close_says_goaway_with_the_last_stream(pair):
    session, client = pair
    client.open(7, streamType="error")
    closing = threading.Thread(target=session.close)
    closing.start()
    assert client.receive() == spdy.GoAway(7)
    client.sock.shutdown(socket.SHUT_WR)  # the client hangs up: close() returns before its linger
    closing.join(TIMEOUT)
    assert not closing.is_alive()


def test_a_protocol_error_ends_the_session_with_goaway(pair):
    session, client = pair
    client.sock.sendall(bytes.fromhex("80020006 00000004 00000001"))  # a SPDY/2 ping
    assert client.receive() == spdy.GoAway(0, 1)
    assert session.ended.wait(TIMEOUT)


def test_a_slow_reader_holds_up_only_its_own_stream_until_it_discards(pair):
    session, client = pair
    client.open(1, streamType="data")
    slow = session.next_stream(timeout=TIMEOUT)
    client.open(3, streamType="data")
    session.next_stream(timeout=TIMEOUT)
    for _ in range(80):  # more than a stream buffers: the reader waits for `slow`
        client.send(spdy.Data(1, b"x"))
    client.send(spdy.Ping(1))
    slow.discard()  # nobody will read it: the reader goes on, dropping its data
    assert client.receive() == spdy.Ping(1)
