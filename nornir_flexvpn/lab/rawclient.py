"""A bare NETCONF-over-SSH client (asyncssh) that shows the wire as it is.

For conformance tests and benchmarks of the lab transport: it can send any
bytes (broken framing, rpcs without message-id), advertise any capabilities,
and has no polling delay of its own. Production code uses `nornir_flexvpn.netconf`.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from pathlib import Path

import asyncssh
from lxml import etree

from nornir_flexvpn.errors import ConnectError, DeviceError, HostKeyError
from nornir_flexvpn.lab.framing import FrameDecoder, Framing, encode
from nornir_flexvpn.lab.identity import BASE_10, BASE_11
from nornir_flexvpn.lab.xmlsafe import parse_xml
from nornir_flexvpn.namespaces import NC, qn

CLIENT_HELLO = (
    '<?xml version="1.0" encoding="UTF-8"?><hello xmlns="{nc}"><capabilities>{caps}'
    "</capabilities></hello>"
)


def client_hello(capabilities: Sequence[str]) -> bytes:
    caps = "".join(f"<capability>{c}</capability>" for c in capabilities)
    return CLIENT_HELLO.format(nc=NC, caps=caps).encode()


class RawNetconfClient:
    """One NETCONF session; `await RawNetconfClient.connect(...)`, then rpc()/recv()."""

    def __init__(
        self,
        conn: asyncssh.SSHClientConnection,
        writer: asyncssh.SSHWriter[bytes],
        reader: asyncssh.SSHReader[bytes],
    ) -> None:
        self.conn = conn
        self.writer = writer
        self.reader = reader
        self.decoder = FrameDecoder(Framing.EOM)
        self.framing = Framing.EOM
        self.server_hello: etree._Element | None = None
        self.session_id = 0
        self._ids = itertools.count(101)

    @classmethod
    async def connect(
        cls,
        host: str,
        port: int,
        username: str,
        password: str | None = None,
        *,
        known_hosts: Path | None = None,
        client_keys: Sequence[asyncssh.SSHKey] = (),
        capabilities: Sequence[str] = (BASE_10, BASE_11),
        send_hello: bool = True,
    ) -> RawNetconfClient:
        try:
            conn = await asyncssh.connect(
                host,
                port,
                username=username,
                password=password,
                known_hosts=str(known_hosts) if known_hosts else None,
                client_keys=list(client_keys) or None,
                agent_path=None,
                preferred_auth="publickey" if client_keys else "password",
                config=None,
            )
        except asyncssh.HostKeyNotVerifiable as exc:
            raise HostKeyError(f"{host}:{port}: {exc.reason}") from exc
        except (OSError, asyncssh.Error) as exc:
            raise ConnectError(f"{host}:{port}: {exc}") from exc
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        client = cls(conn, writer, reader)
        client.server_hello = parse_xml(await client.recv())
        client.session_id = int(client.server_hello.findtext(qn(NC, "session-id")) or 0)
        if send_hello:
            client.send_raw(encode(client_hello(capabilities), Framing.EOM))
            server_caps = {
                (c.text or "").strip() for c in client.server_hello.iter(qn(NC, "capability"))
            }
            if BASE_11 in capabilities and BASE_11 in server_caps:
                client.framing = Framing.CHUNKED
                client.decoder.switch(Framing.CHUNKED)
        return client

    def send_raw(self, data: bytes) -> None:
        self.writer.write(data)

    def send(self, message: bytes) -> None:
        self.writer.write(encode(message, self.framing))

    async def recv(self, timeout: float = 10.0) -> bytes:
        """The next whole message; EOFError when the server closed the session."""
        while True:
            message = self.decoder.next_message()
            if message is not None:
                return message
            data = await asyncio.wait_for(self.reader.read(1 << 16), timeout)
            if not data:
                raise EOFError("session closed by the server")
            self.decoder.feed(data)

    async def rpc(self, operation: str, *, message_id: str | None = None) -> etree._Element:
        """Send `<rpc message-id=..>operation</rpc>` and return the parsed <rpc-reply>."""
        mid = message_id or str(next(self._ids))
        self.send(f'<rpc xmlns="{NC}" message-id="{mid}">{operation}</rpc>'.encode())
        reply = parse_xml(await self.recv())
        if reply.get("message-id") != mid:
            raise DeviceError(f"reply message-id {reply.get('message-id')!r}, expected {mid!r}")
        return reply

    async def wait_closed(self, timeout: float = 10.0) -> bool:
        """True once the server has closed the session (remaining messages are dropped)."""
        try:
            while True:
                data = await asyncio.wait_for(self.reader.read(1 << 16), timeout)
                if not data:
                    return True
        except (TimeoutError, asyncssh.Error):
            return False
        except (ConnectionError, BrokenPipeError):
            return True

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()
