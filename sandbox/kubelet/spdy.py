"""SPDY/3.1 framing, as the API server speaks it to a kubelet for exec, attach and port-forward (the Go package
github.com/moby/spdystream/spdy is the implementation on the other end).

Written by hand: no Python library speaks SPDY (it was retired for HTTP/2, which Kubernetes' streaming does not use).
This module is pure: frames as values, `encode` to bytes, `decode` from bytes; header blocks are compressed with one
zlib stream per direction and connection (`HeaderCompressor`, `HeaderDecompressor`), primed with the SPDY/3
dictionary. The session that moves frames over a connection is spdy_session.py.

Frame layouts (big-endian):
    control: 1 | version(15) | type(16) || flags(8) | length(24) || payload
    data:    0 | stream id(31)           || flags(8) | length(24) || payload
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

VERSION = 3
HEAD_SIZE = 8
MAX_LENGTH = (1 << 24) - 1
MAX_STREAM_ID = (1 << 31) - 1

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN, FLAG_UNIDIRECTIONAL, FLAG_CLEAR_SETTINGS = 0x01, 0x02, 0x01

# RST_STREAM status codes.
PROTOCOL_ERROR, INVALID_STREAM, REFUSED_STREAM, UNSUPPORTED_VERSION, CANCEL, INTERNAL_ERROR = 1, 2, 3, 4, 5, 6

# The SPDY/3 header compression dictionary: 65 length-prefixed names and values, then literal text (1423 bytes).
_DICTIONARY_WORDS = (
    *"""options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges age
    allow authorization cache-control connection content-base content-encoding content-language content-length
    content-location content-md5 content-range content-type date etag expect expires from host if-match
    if-modified-since if-none-match if-range if-unmodified-since last-modified location max-forwards pragma
    proxy-authenticate proxy-authorization range referer retry-after server te trailer transfer-encoding upgrade
    user-agent vary via warning www-authenticate method get status""".split(),  # noqa: SIM905 - as the spec lists it
    "200 OK",
    *"version HTTP/1.1 url public set-cookie keep-alive origin".split(),  # noqa: SIM905
)
_DICTIONARY_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505203 "
    "Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden"
    "404 Not Found500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul "
    "Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,"
    "image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,"
    "sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)
DICTIONARY = (
    b"".join(struct.pack(">I", len(word)) + word.encode() for word in _DICTIONARY_WORDS) + _DICTIONARY_TAIL.encode()
)

Headers = dict[str, list[str]]  # lower-case names; several values of one name travel NUL-separated


class SpdyError(Exception):
    """A frame that breaks the protocol: the session answers with RST_STREAM or GOAWAY."""


@dataclass(frozen=True)
class Data:
    stream_id: int
    data: bytes
    fin: bool = False


@dataclass(frozen=True)
class SynStream:
    stream_id: int
    headers: Headers
    associated_to: int = 0
    priority: int = 0  # 0 (highest) to 7
    slot: int = 0
    fin: bool = False
    unidirectional: bool = False


@dataclass(frozen=True)
class SynReply:
    stream_id: int
    headers: Headers
    fin: bool = False


@dataclass(frozen=True)
class RstStream:
    stream_id: int
    status: int


@dataclass(frozen=True)
class Settings:
    entries: tuple[tuple[int, int, int], ...]  # (flags, id, value)
    clear: bool = False


@dataclass(frozen=True)
class Ping:
    ping_id: int


@dataclass(frozen=True)
class GoAway:
    last_good_stream_id: int
    status: int = 0


@dataclass(frozen=True)
class HeadersFrame:
    stream_id: int
    headers: Headers
    fin: bool = False


@dataclass(frozen=True)
class WindowUpdate:
    stream_id: int
    delta: int


Frame = Data | SynStream | SynReply | RstStream | Settings | Ping | GoAway | HeadersFrame | WindowUpdate


class HeaderCompressor:
    """The sending side's header block compressor: one zlib stream for the connection, flushed after each block."""

    def __init__(self):
        self._zlib = zlib.compressobj(zlib.Z_BEST_COMPRESSION, zdict=DICTIONARY)

    def pack(self, headers: Headers) -> bytes:
        block = [struct.pack(">I", len(headers))]
        for name, values in headers.items():
            if name != name.lower():
                raise SpdyError(f"header name {name!r} is not lower-case")
            value = "\0".join(values).encode()
            block += [struct.pack(">I", len(name)), name.encode(), struct.pack(">I", len(value)), value]
        return self._zlib.compress(b"".join(block)) + self._zlib.flush(zlib.Z_SYNC_FLUSH)


class HeaderDecompressor:
    """The receiving side's counterpart of HeaderCompressor."""

    def __init__(self):
        self._zlib = zlib.decompressobj(zdict=DICTIONARY)

    def unpack(self, compressed: bytes) -> Headers:
        try:
            block = self._zlib.decompress(compressed)
        except zlib.error as error:
            raise SpdyError(f"header block does not decompress: {error}") from error
        headers: Headers = {}
        try:
            (count,), offset = struct.unpack_from(">I", block), 4
            for _ in range(count):
                name, offset = _string(block, offset)
                value, offset = _string(block, offset)
                key = name.decode().lower()
                if key in headers:
                    raise SpdyError(f"header {key!r} appears twice")
                headers[key] = value.decode().split("\0")
        except (struct.error, UnicodeDecodeError) as error:
            raise SpdyError(f"malformed header block: {error}") from error
        if offset != len(block):
            raise SpdyError("header block has trailing bytes")
        return headers


def _string(block: bytes, offset: int) -> tuple[bytes, int]:
    (length,) = struct.unpack_from(">I", block, offset)
    start = offset + 4
    if start + length > len(block):
        raise SpdyError("header block ends inside a string")
    return block[start : start + length], start + length


def _control(kind: int, flags: int, payload: bytes) -> bytes:
    if len(payload) > MAX_LENGTH:
        raise SpdyError(f"control frame payload of {len(payload)} bytes is too long")
    return struct.pack(">HHI", 0x8000 | VERSION, kind, flags << 24 | len(payload)) + payload


def _stream_id(stream_id: int, allow_zero: bool = False) -> int:
    if not (0 if allow_zero else 1) <= stream_id <= MAX_STREAM_ID:
        raise SpdyError(f"invalid stream id {stream_id}")
    return stream_id


def encode(frame: Frame, compressor: HeaderCompressor) -> bytes:
    """The wire bytes of one frame; header blocks go through the connection's compressor, so frames that carry
    headers must be sent in the order they were encoded."""
    match frame:
        case Data(stream_id, data, fin):
            if len(data) > MAX_LENGTH:
                raise SpdyError(f"data frame of {len(data)} bytes is too long")
            return struct.pack(">II", _stream_id(stream_id), (FLAG_FIN if fin else 0) << 24 | len(data)) + data
        case SynStream(stream_id, headers, associated_to, priority, slot, fin, unidirectional):
            flags = (FLAG_FIN if fin else 0) | (FLAG_UNIDIRECTIONAL if unidirectional else 0)
            fixed = struct.pack(">IIBB", _stream_id(stream_id), _stream_id(associated_to, True), priority << 5, slot)
            return _control(SYN_STREAM, flags, fixed + compressor.pack(headers))
        case SynReply(stream_id, headers, fin):
            payload = struct.pack(">I", _stream_id(stream_id)) + compressor.pack(headers)
            return _control(SYN_REPLY, FLAG_FIN if fin else 0, payload)
        case RstStream(stream_id, status):
            return _control(RST_STREAM, 0, struct.pack(">II", _stream_id(stream_id), status))
        case Settings(entries, clear):
            body = b"".join(struct.pack(">II", flags << 24 | key, value) for flags, key, value in entries)
            return _control(SETTINGS, FLAG_CLEAR_SETTINGS if clear else 0, struct.pack(">I", len(entries)) + body)
        case Ping(ping_id):
            return _control(PING, 0, struct.pack(">I", ping_id))
        case GoAway(last_good_stream_id, status):
            return _control(GOAWAY, 0, struct.pack(">II", _stream_id(last_good_stream_id, True), status))
        case HeadersFrame(stream_id, headers, fin):
            payload = struct.pack(">I", _stream_id(stream_id)) + compressor.pack(headers)
            return _control(HEADERS, FLAG_FIN if fin else 0, payload)
        case WindowUpdate(stream_id, delta):
            return _control(WINDOW_UPDATE, 0, struct.pack(">II", _stream_id(stream_id, True), delta))
    raise TypeError(f"not a SPDY frame: {frame!r}")


def payload_length(head: bytes) -> int:
    """The payload length announced by a frame's first HEAD_SIZE bytes."""
    return struct.unpack(">I", head[4:8])[0] & MAX_LENGTH


def decode(head: bytes, payload: bytes, decompressor: HeaderDecompressor) -> Frame | None:
    """One frame from its head and payload; None for a control frame of a type SPDY/3.1 says to ignore."""
    first, flags_length = struct.unpack(">II", head)
    flags = flags_length >> 24
    if not first & 0x80000000:
        return Data(_stream_id(first & MAX_STREAM_ID), payload, bool(flags & FLAG_FIN))
    version, kind = first >> 16 & 0x7FFF, first & 0xFFFF
    if version != VERSION:
        raise SpdyError(f"unsupported SPDY version {version}")
    fin = bool(flags & FLAG_FIN)
    try:
        if kind == SYN_STREAM:
            stream_id, associated_to, priority, slot = struct.unpack_from(">IIBB", payload)
            return SynStream(
                _stream_id(stream_id & MAX_STREAM_ID),
                decompressor.unpack(payload[10:]),
                associated_to & MAX_STREAM_ID,
                priority >> 5,
                slot,
                fin,
                bool(flags & FLAG_UNIDIRECTIONAL),
            )
        if kind in (SYN_REPLY, HEADERS):
            (stream_id,) = struct.unpack_from(">I", payload)
            frame_class = SynReply if kind == SYN_REPLY else HeadersFrame
            return frame_class(_stream_id(stream_id & MAX_STREAM_ID), decompressor.unpack(payload[4:]), fin)
        if kind == SETTINGS:
            (count,) = struct.unpack_from(">I", payload)
            if len(payload) != 4 + 8 * count:
                raise SpdyError(f"SETTINGS announces {count} entries in {len(payload)} bytes")
            pairs = [struct.unpack_from(">II", payload, 4 + 8 * n) for n in range(count)]
            entries = tuple((flags_key >> 24, flags_key & 0xFFFFFF, value) for flags_key, value in pairs)
            return Settings(entries, bool(flags & FLAG_CLEAR_SETTINGS))
        fixed = {RST_STREAM: 8, PING: 4, GOAWAY: 8, WINDOW_UPDATE: 8}.get(kind)
        if fixed is None:
            return None
        if len(payload) != fixed:
            raise SpdyError(f"control frame of type {kind} has {len(payload)} bytes, not {fixed}")
        if kind == PING:
            return Ping(struct.unpack(">I", payload)[0])
        word, value = struct.unpack(">II", payload)
        if kind == RST_STREAM:
            return RstStream(_stream_id(word & MAX_STREAM_ID), value)
        if kind == GOAWAY:
            return GoAway(word & MAX_STREAM_ID, value)
        return WindowUpdate(word & MAX_STREAM_ID, value & 0x7FFFFFFF)
    except struct.error as error:
        raise SpdyError(f"control frame of type {kind} is too short") from error
