"""A minimal `DeviceModel`: enough NETCONF to exercise the transport alone.

It keeps one opaque running datastore, answers get-config/get, lock/unlock,
close-session and kill-session, and treats anything else as unsupported. The
transport's tests and the transport benchmark use it so that they measure
SSH and framing, not YANG validation; the real headend is `lab.device`.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from nornir_flexvpn.lab.contract import KillSession, RpcErrorReply, SessionInfo
from nornir_flexvpn.lab.identity import HeadendIdentity, hello_capabilities
from nornir_flexvpn.namespaces import NATIVE, NC, qn


@dataclass
class StubDevice:
    identity: HeadendIdentity
    caps: list[str]
    sessions: dict[int, SessionInfo] = field(default_factory=dict)
    closed: list[int] = field(default_factory=list)
    locks: dict[str, int] = field(default_factory=dict)
    running: etree._Element = field(default_factory=lambda: etree.Element(qn(NATIVE, "native")))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _killer: KillSession | None = None

    @classmethod
    def create(cls, identity: HeadendIdentity, models_dir: Path | None = None) -> StubDevice:
        """Same signature as a `server.DeviceFactory`."""
        return cls(identity, hello_capabilities(identity, models_dir))

    def capabilities(self) -> list[str]:
        return list(self.caps)

    def open_session(self, username: str, peer: str) -> SessionInfo:
        info = SessionInfo(session_id=next(self._ids), username=username, peer=peer)
        self.sessions[info.session_id] = info
        return info

    def close_session(self, session_id: int) -> None:
        if self.sessions.pop(session_id, None) is not None:
            self.closed.append(session_id)
        for store, owner in list(self.locks.items()):
            if owner == session_id:
                del self.locks[store]

    def set_session_killer(self, killer: KillSession) -> None:
        self._killer = killer

    def rpc(self, session: SessionInfo, operation: etree._Element) -> etree._Element | None:
        name = etree.QName(operation).localname
        if etree.QName(operation).namespace != NC:
            raise RpcErrorReply(
                f"unknown operation {name}",
                tag="operation-not-supported",
                error_type="protocol",
            )
        if name in ("get-config", "get"):
            data = etree.Element(qn(NC, "data"))
            data.append(_copy(self.running))
            return data
        if name in ("lock", "unlock"):
            return self._lock(session, name, operation)
        if name == "close-session":
            return None
        if name == "kill-session":
            self._kill(session, operation)
            return None
        raise RpcErrorReply(
            f"operation {name} is not supported",
            tag="operation-not-supported",
            error_type="protocol",
        )

    def _lock(
        self, session: SessionInfo, name: str, operation: etree._Element
    ) -> etree._Element | None:
        target = operation.find(f"{{{NC}}}target")
        store = etree.QName(target[0]).localname if target is not None and len(target) else ""
        if not store:
            raise RpcErrorReply(
                "missing target",
                tag="missing-element",
                error_type="protocol",
                info={"bad-element": "target"},
            )
        owner = self.locks.get(store)
        if name == "lock":
            if owner is not None:
                raise RpcErrorReply(
                    f"{store} is locked",
                    tag="lock-denied",
                    error_type="protocol",
                    info={"session-id": str(owner)},
                )
            self.locks[store] = session.session_id
        else:
            if owner != session.session_id:
                raise RpcErrorReply(
                    f"{store} is not locked by this session",
                    tag="operation-failed",
                    error_type="protocol",
                )
            del self.locks[store]
        return None

    def _kill(self, session: SessionInfo, operation: etree._Element) -> None:
        text = operation.findtext(f"{{{NC}}}session-id") or ""
        if not text.isdigit() or int(text) == session.session_id:
            raise RpcErrorReply(
                "session-id must name another session",
                tag="invalid-value",
                error_type="protocol",
                path="/rpc/kill-session/session-id",
            )
        victim = int(text)
        if self._killer is None or not self._killer(victim):
            raise RpcErrorReply(
                f"no session {victim}",
                tag="invalid-value",
                error_type="protocol",
                path="/rpc/kill-session/session-id",
            )
        self.close_session(victim)


def _copy(element: etree._Element) -> etree._Element:
    return copy.deepcopy(element)
