"""ncclient's SSH session without its 100 ms send latency, and with our checks.

Why stock ncclient is slow: `Session.send()` only puts the message on a
queue; the session thread writes it at the top of its loop, and it is parked
in `selector.select(timeout=TICK)` (TICK = 0.1 s) waiting for the *channel*
to become readable. An idle session therefore sends each request up to
100 ms late: ~101 ms per RPC on loopback where the exchange itself takes 1 ms.

Fix: the caller's thread writes the framed message to the channel itself
(under a lock, with `sendall`), so there is nothing to wake. The session
thread still owns all reading and dispatch, so ncclient's listeners, RPC
classes and Manager API are unchanged. paramiko channels allow one thread
sending while another receives.

The session also:
- verifies the host key (hostkeys.KnownHostKeys) after key exchange and
  before authentication, in place of ncclient's checks;
- parses every incoming message strictly before ncclient sees it (a
  malformed message or a DOCTYPE fails the pending RPCs);
- keeps NETCONF payloads out of ncclient's log records (they carry secrets).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Final

import paramiko
from ncclient.transport.errors import TransportError
from ncclient.transport.session import MSG_DELIM, NetconfBase
from ncclient.transport.ssh import SSHSession

from nornir_flexvpn.netconf.errors import MalformedReplyError
from nornir_flexvpn.netconf.hostkeys import KnownHostKeys, known_hosts_name
from nornir_flexvpn.netconf.replies import parse_message

# ncclient reads 4 KiB per select wake-up; a full headend config is ~100x that.
READ_SIZE: Final = 64 * 1024

_NCCLIENT_LOGGERS: Final = (
    "ncclient.transport.ssh",
    "ncclient.transport.session",
    "ncclient.transport.parser",
    "ncclient.operations.rpc",
)


class _WithholdPayloads(logging.Filter):
    """Replace message-sized arguments of ncclient log records by their size."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_withheld(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _withheld(v) for k, v in record.args.items()}
        if isinstance(record.msg, str | bytes) and _looks_like_xml(record.msg):
            record.msg = _withheld(record.msg)
            record.args = ()
        return True


def _looks_like_xml(value: str | bytes) -> bool:
    return (b"<" in value) if isinstance(value, bytes) else ("<" in value)


def _withheld(value: object) -> object:
    if isinstance(value, str | bytes) and _looks_like_xml(value):
        return f"[{len(value)} bytes of NETCONF message withheld]"
    return value


_FILTER: Final = _WithholdPayloads()


def install_log_filter() -> None:
    """Attach the payload filter to ncclient's loggers (idempotent)."""
    for name in _NCCLIENT_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


install_log_filter()


class FastSSHSession(SSHSession):  # type: ignore[misc]
    """An ncclient SSHSession that sends from the caller's thread and checks what it reads."""

    def __init__(self, device_handler: Any, host_keys: KnownHostKeys | None) -> None:
        super().__init__(device_handler)
        self._send_lock = threading.Lock()
        self._known = host_keys
        if host_keys is not None and host_keys.keys:
            # Seen by ncclient's connect(): it then offers these key types first.
            name = known_hosts_name(host_keys.host, host_keys.port)
            for key in host_keys.keys:
                self._host_keys.add(name, key.get_name(), key)

    def load_known_hosts(self, filename: str | None = None) -> None:
        """Never read ~/.ssh/known_hosts behind our back: only `host_keys` counts."""

    def _auth(self, *args: Any, **kwargs: Any) -> None:
        # Runs right after key exchange and before any credential leaves.
        if self._known is not None:
            self._known.verify(self._transport.get_remote_server_key())
        super()._auth(*args, **kwargs)

    def send(self, message: str) -> None:
        if not self.connected or self._channel is None:
            raise TransportError("Not connected to NETCONF server")
        body = message.encode("utf-8")
        if self._base == NetconfBase.BASE_11:
            frame = b"\n#%d\n%s\n##\n" % (len(body), body)
        else:
            frame = body + MSG_DELIM
        with self._send_lock:
            try:
                self._channel.sendall(frame)
            except (OSError, EOFError, paramiko.SSHException) as exc:
                raise TransportError(f"sending failed: {type(exc).__name__}") from None

    def _transport_read(self) -> bytes:
        data: bytes = self._channel.recv(READ_SIZE)
        return data

    def _dispatch_message(self, raw: str) -> None:
        try:
            root = parse_message(raw)
        except MalformedReplyError as exc:
            # Nobody can tell which RPC it answered: fail whoever waits, keep the session.
            self._dispatch_error(exc)
            return
        attrs = {str(k): str(v) for k, v in root.attrib.items()}
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.callback((root.tag, attrs), raw)
