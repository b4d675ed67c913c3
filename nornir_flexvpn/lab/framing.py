"""RFC 6242 message framing: end-of-message (base:1.0) and chunked (base:1.1).

`FrameDecoder` is incremental: bytes arrive in arbitrary pieces and messages
are taken out one at a time, so the session can switch from end-of-message to
chunked framing exactly after the <hello>, even when the peer's first rpc
arrived in the same packet. Any deviation from the grammar is a
`FramingError`; RFC 6242 section 4.2 says the session must then be closed.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final

from nornir_flexvpn.errors import LabError

EOM: Final = b"]]>]]>"
DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024
_MAX_CHUNK = 4294967295  # RFC 6242: chunk-size is 1..4294967295
_MAX_DIGITS = 10
_CHUNK_SIZE = re.compile(rb"[1-9][0-9]*")


class Framing(Enum):
    EOM = "1.0"
    CHUNKED = "1.1"


class FramingError(LabError):
    """The peer broke RFC 6242 framing (or sent an over-long message)."""


def encode(message: bytes, framing: Framing, *, chunk_size: int | None = None) -> bytes:
    """Frame one message; `chunk_size` splits a 1.1 message into several chunks."""
    if framing is Framing.EOM:
        return message + EOM
    if not message:
        raise FramingError("a chunked message needs at least one byte")
    size = chunk_size or len(message)
    parts = [
        b"\n#%d\n" % len(message[i : i + size]) + message[i : i + size]
        for i in range(0, len(message), size)
    ]
    return b"".join(parts) + b"\n##\n"


class FrameDecoder:
    """Buffer incoming bytes; `next_message()` yields complete messages in order."""

    def __init__(
        self, framing: Framing = Framing.EOM, *, max_message: int = DEFAULT_MAX_MESSAGE
    ) -> None:
        self.framing = framing
        self.max_message = max_message
        self._buf = bytearray()
        self._scan_from = 0  # EOM: where the delimiter search resumes
        self._chunks: list[bytes] = []  # chunked: body of the message being assembled
        self._assembled = 0
        self._need = 0  # chunked: bytes still due in the current chunk

    @property
    def buffered(self) -> int:
        return len(self._buf) + self._assembled

    def switch(self, framing: Framing) -> None:
        """Change framing between messages (after the hello exchange)."""
        if self._chunks or self._need:
            raise FramingError("cannot change framing in the middle of a message")
        self.framing = framing
        self._scan_from = 0

    def feed(self, data: bytes) -> None:
        self._buf += data

    def next_message(self) -> bytes | None:
        """The next complete message, or None until more bytes arrive."""
        if self.framing is Framing.EOM:
            return self._next_eom()
        return self._next_chunked()

    def _next_eom(self) -> bytes | None:
        at = self._buf.find(EOM, self._scan_from)
        if at < 0:
            if len(self._buf) > self.max_message + len(EOM):
                raise FramingError(f"message exceeds {self.max_message} bytes")
            # The delimiter may straddle two reads: rescan its possible start.
            self._scan_from = max(0, len(self._buf) - len(EOM) + 1)
            return None
        if at > self.max_message:
            raise FramingError(f"message exceeds {self.max_message} bytes")
        message = bytes(self._buf[:at])
        del self._buf[: at + len(EOM)]
        self._scan_from = 0
        return message

    def _next_chunked(self) -> bytes | None:
        while True:
            if self._need:
                take = min(self._need, len(self._buf))
                if not take:
                    return None
                self._chunks.append(bytes(self._buf[:take]))
                del self._buf[:take]
                self._need -= take
                continue
            header = self._read_header()
            if header is None:
                return None
            if header == 0:  # end-of-chunks
                message = b"".join(self._chunks)
                self._chunks.clear()
                self._assembled = 0
                return message
            if self._assembled + header > self.max_message:
                raise FramingError(f"message exceeds {self.max_message} bytes")
            self._assembled += header
            self._need = header

    def _read_header(self) -> int | None:
        """Parse `\\n#<size>\\n` (a chunk) or `\\n##\\n` (end); 0 means end-of-chunks."""
        buf = self._buf
        for i, expected in enumerate(b"\n#"[: len(buf)]):
            if buf[i] != expected:
                raise FramingError(f"bad chunk header: expected {bytes([expected])!r} at {i}")
        if len(buf) < 3:
            return None
        if buf[2] == ord("#"):
            if len(buf) < 4:
                return None
            if buf[3] != ord("\n"):
                raise FramingError("bad end-of-chunks marker")
            if not self._chunks:
                raise FramingError("end-of-chunks before any chunk")
            del buf[:4]
            return 0
        end = buf.find(b"\n", 2, 2 + _MAX_DIGITS + 1)
        if end < 0:
            if len(buf) > 2 + _MAX_DIGITS:
                raise FramingError("chunk size longer than 10 digits")
            if not buf[2:].isdigit():
                raise FramingError("chunk size is not a number")
            return None
        digits = bytes(buf[2:end])
        if not _CHUNK_SIZE.fullmatch(digits):
            raise FramingError(f"bad chunk size {digits[:16]!r}")
        size = int(digits)
        if size > _MAX_CHUNK:
            raise FramingError(f"chunk size {size} exceeds {_MAX_CHUNK}")
        del buf[: end + 1]
        return size
