"""The seam between the lab's SSH/NETCONF transport and its device model.

`lab.transport` (SSH server, framing, hello, message-ids) talks to a
`DeviceModel` only through this protocol; `lab.device` implements it
(datastores, edit-config, validation, cisco-ia, ...). Keeping the seam this
narrow lets each side be tested alone and lets later work (files, PKI,
clients, faults, RESTCONF, the CLI shell) attach to the device, not to SSH.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from nornir_flexvpn.errors import RpcError


@dataclass
class SessionInfo:
    """One NETCONF session as the device sees it."""

    session_id: int
    username: str
    peer: str = "127.0.0.1"
    base11: bool = False  # framing/capability negotiated (base:1.1 seen in both hellos)
    attrs: dict[str, str] = field(default_factory=dict)


class RpcErrorReply(RpcError):
    """Raised by the device to produce an <rpc-error>; the transport serialises it.

    `error_type` is one of transport|rpc|protocol|application; `tag` an RFC 6241
    error-tag; `path` an XPath of the offending node; `info` becomes <error-info>
    children (e.g. {"session-id": "7"} for lock-denied, {"bad-element": "foo"}).
    """


class DeviceModel(Protocol):
    """What the transport needs from a simulated headend."""

    def capabilities(self) -> list[str]:
        """The <hello> capability URIs, exactly as advertised."""

    def open_session(self, username: str, peer: str) -> SessionInfo:
        """Allocate a session-id (after authentication, before the hello is sent)."""

    def close_session(self, session_id: int) -> None:
        """The session ended for any reason: release its locks, revert its
        unconfirmed confirmed-commit, forget it. Idempotent."""

    def rpc(self, session: SessionInfo, operation: etree._Element) -> etree._Element | None:
        """Execute the single child of <rpc>. Return the reply body element
        (e.g. <data>) or None for <ok/>. Raise RpcErrorReply for an rpc-error.
        close-session and kill-session are handled here too; the device asks
        the transport to drop a killed session via `set_session_killer`."""

    def set_session_killer(self, killer: KillSession) -> None: ...


class KillSession(Protocol):
    def __call__(self, session_id: int) -> bool:
        """Drop the transport session with that id; False if it does not exist."""
