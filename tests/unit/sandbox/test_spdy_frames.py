"""SPDY/3.1 framing (sandbox/kubelet/spdy.py): every frame type survives encode then decode, header blocks share one
zlib stream per direction, and malformed frames are refused."""

import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.kubelet import spdy

pytestmark = pytest.mark.unit

stream_ids = st.integers(1, spdy.MAX_STREAM_ID)
header_names = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)
header_values = st.lists(st.text(st.characters(blacklist_characters="\0", codec="utf-8"), max_size=30), min_size=1)
headers = st.dictionaries(header_names, header_values, max_size=6)
u32 = st.integers(0, 2**32 - 1)

frames = st.one_of(
    st.builds(spdy.Data, stream_ids, st.binary(max_size=2000), st.booleans()),
    st.builds(
        spdy.SynStream,
        stream_ids,
        headers,
        st.integers(0, spdy.MAX_STREAM_ID),
        st.integers(0, 7),
        st.integers(0, 255),
        st.booleans(),
        st.booleans(),
    ),
    st.builds(spdy.SynReply, stream_ids, headers, st.booleans()),
    st.builds(spdy.RstStream, stream_ids, u32),
    st.builds(
        spdy.Settings,
        st.lists(st.tuples(st.integers(0, 255), st.integers(0, 2**24 - 1), u32), max_size=5).map(tuple),
        st.booleans(),
    ),
    st.builds(spdy.Ping, u32),
    st.builds(spdy.GoAway, st.integers(0, spdy.MAX_STREAM_ID), u32),
    st.builds(spdy.HeadersFrame, stream_ids, headers, st.booleans()),
    st.builds(spdy.WindowUpdate, st.integers(0, spdy.MAX_STREAM_ID), st.integers(0, 2**31 - 1)),
)


def round_trip(sequence, compressor, decompressor):
    decoded = []
    for frame in sequence:
        wire = spdy.encode(frame, compressor)
        head, payload = wire[: spdy.HEAD_SIZE], wire[spdy.HEAD_SIZE :]
        assert spdy.payload_length(head) == len(payload)
        decoded.append(spdy.decode(head, payload, decompressor))
    return decoded


@given(frames)
def test_a_frame_decodes_to_itself(frame):
    assert round_trip([frame], spdy.HeaderCompressor(), spdy.HeaderDecompressor()) == [frame]


@given(st.lists(frames, max_size=12))
def test_a_sequence_of_frames_decodes_in_order_through_one_header_stream(sequence):
    assert round_trip(sequence, spdy.HeaderCompressor(), spdy.HeaderDecompressor()) == sequence


def test_header_blocks_depend_on_the_frames_before_them():
    """One zlib stream per direction: a block decoded out of order, or by a fresh decompressor, is refused."""
    compressor = spdy.HeaderCompressor()
    first = spdy.encode(spdy.SynReply(1, {"streamtype": ["error"]}), compressor)
    second = spdy.encode(spdy.SynReply(3, {"streamtype": ["error"]}), compressor)
    with pytest.raises(spdy.SpdyError):
        spdy.decode(second[:8], second[8:], spdy.HeaderDecompressor())
    decompressor = spdy.HeaderDecompressor()
    assert spdy.decode(first[:8], first[8:], decompressor).stream_id == 1
    assert spdy.decode(second[:8], second[8:], decompressor).stream_id == 3


def test_the_dictionary_is_spdy3s():
    # 1423 bytes; Adler-32 as of the dictionary in github.com/moby/spdystream/spdy/dictionary.go.
    assert len(spdy.DICTIONARY) == 1423
    assert zlib.adler32(spdy.DICTIONARY) == 0xE3C6A7C2


def test_wire_layout_of_a_data_frame_and_a_ping():
    assert (
        spdy.encode(spdy.Data(5, b"hi", fin=True), spdy.HeaderCompressor())
        == bytes.fromhex("00000005 01000002") + b"hi"
    )
    assert spdy.encode(spdy.Ping(7), spdy.HeaderCompressor()) == bytes.fromhex("80030006 00000004 00000007")


def control(kind: int, payload: bytes, version: int = 3, flags: int = 0) -> tuple[bytes, bytes]:
    return struct.pack(">HHI", 0x8000 | version, kind, flags << 24 | len(payload)), payload


@pytest.mark.parametrize(
    ("head_and_payload", "why"),
    [
        (control(spdy.PING, b"\0\0\0\1", version=2), "unsupported SPDY version"),
        (control(spdy.RST_STREAM, b"\0\0\0\1"), "has 4 bytes, not 8"),
        (control(spdy.RST_STREAM, struct.pack(">II", 0, 5)), "invalid stream id 0"),
        (control(spdy.SETTINGS, struct.pack(">I", 2) + b"\0" * 8), "announces 2 entries"),
        (control(spdy.SYN_REPLY, b"\0\0"), "too short"),
        (control(spdy.SYN_REPLY, struct.pack(">I", 1) + b"not zlib"), "does not decompress"),
        ((struct.pack(">II", 0, 0), b""), "invalid stream id 0"),
    ],
)
def test_malformed_frames_are_refused(head_and_payload, why):
    with pytest.raises(spdy.SpdyError, match=why):
        spdy.decode(*head_and_payload, spdy.HeaderDecompressor())


def test_control_frames_of_unknown_types_are_ignored():
    assert spdy.decode(*control(0x0F, b"whatever"), spdy.HeaderDecompressor()) is None


def test_header_names_must_be_lower_case():
    with pytest.raises(spdy.SpdyError, match="lower-case"):
        spdy.encode(spdy.SynReply(1, {"StreamType": ["data"]}), spdy.HeaderCompressor())
