"""RFC 6242 framing: both encodings, arbitrary split points, strictness."""

from __future__ import annotations

import random

import pytest

from nornir_flexvpn.lab.framing import EOM, FrameDecoder, Framing, FramingError, encode

MESSAGES = [b"<rpc/>", b"x" * 5000, "<a>\u00e9\u4e2d</a>".encode(), b"]]>]]" + b"y" * 3, b"#\n##"]


def _decode_all(data: bytes, framing: Framing, cuts: list[int]) -> list[bytes]:
    decoder = FrameDecoder(framing)
    out: list[bytes] = []
    last = 0
    for cut in [*cuts, len(data)]:
        decoder.feed(data[last:cut])
        last = cut
        while (message := decoder.next_message()) is not None:
            out.append(message)
    return out


@pytest.mark.parametrize("framing", list(Framing))
@pytest.mark.parametrize("chunk_size", [None, 1, 7, 4096])
def test_every_split_point_yields_the_same_messages(
    framing: Framing, chunk_size: int | None
) -> None:
    data = b"".join(encode(m, framing, chunk_size=chunk_size) for m in MESSAGES)
    rng = random.Random(len(data))
    for _ in range(30):
        cuts = sorted(rng.sample(range(1, len(data)), k=min(40, len(data) - 1)))
        assert _decode_all(data, framing, cuts) == MESSAGES
    assert _decode_all(data, framing, list(range(1, len(data)))) == MESSAGES


def test_chunked_wire_format_is_rfc6242() -> None:
    assert encode(b"<rpc/>", Framing.CHUNKED) == b"\n#6\n<rpc/>\n##\n"
    assert encode(b"abcd", Framing.CHUNKED, chunk_size=3) == b"\n#3\nabc\n#1\nd\n##\n"
    assert encode(b"<rpc/>", Framing.EOM) == b"<rpc/>" + EOM


@pytest.mark.parametrize(
    "wire",
    [
        b"\n#0\n\n##\n",  # zero-size chunk
        b"\n#07\n1234567\n##\n",  # leading zero
        b"\n#-1\n",
        b"\n#abc\n",
        b"\n#4294967296\n",  # above 2^32-1
        b"\n#12345678901\n",  # more than 10 digits
        b"\n##\n",  # end-of-chunks before any chunk
        b"#4\nabcd\n##\n",  # header without leading LF
        b"\n#4\nabcd\n#",  # then garbage
        b"\n#4\nabcdX##\n",
        b"\n#4\nabcd\n#\n",
        b"\n#4 \nabcd\n##\n",
    ],
)
def test_malformed_chunk_headers_are_errors(wire: bytes) -> None:
    decoder = FrameDecoder(Framing.CHUNKED)
    with pytest.raises(FramingError):
        for byte in wire:
            decoder.feed(bytes([byte]))
            while decoder.next_message() is not None:
                pass
        decoder.feed(b"\n#1\nz\n##\n")  # anything after a bad header must not resync
        while decoder.next_message() is not None:
            pass


def test_max_message_size_applies_to_both_framings() -> None:
    eom = FrameDecoder(Framing.EOM, max_message=100)
    eom.feed(b"a" * 200)
    with pytest.raises(FramingError, match="exceeds 100"):
        eom.next_message()
    chunked = FrameDecoder(Framing.CHUNKED, max_message=100)
    chunked.feed(b"\n#60\n" + b"a" * 60 + b"\n#60\n")
    with pytest.raises(FramingError, match="exceeds 100"):
        while chunked.next_message() is not None:
            pass
    ok = FrameDecoder(Framing.CHUNKED, max_message=100)
    ok.feed(encode(b"a" * 100, Framing.CHUNKED, chunk_size=30))
    assert ok.next_message() == b"a" * 100


def test_switch_after_hello_keeps_bytes_already_received() -> None:
    decoder = FrameDecoder(Framing.EOM)
    decoder.feed(b"<hello/>" + EOM + encode(b"<rpc/>", Framing.CHUNKED))
    assert decoder.next_message() == b"<hello/>"
    decoder.switch(Framing.CHUNKED)
    assert decoder.next_message() == b"<rpc/>"
    assert decoder.next_message() is None


def test_switch_in_the_middle_of_a_chunked_message_is_refused() -> None:
    decoder = FrameDecoder(Framing.CHUNKED)
    decoder.feed(b"\n#4\nab")
    assert decoder.next_message() is None
    with pytest.raises(FramingError):
        decoder.switch(Framing.EOM)
