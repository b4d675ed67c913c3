"""FastSSHSession's inbound gate: every message is parsed strictly before ncclient sees it."""

from __future__ import annotations

import pytest
from ncclient import manager
from ncclient.transport.errors import TransportError
from ncclient.transport.session import SessionListener

from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.netconf.errors import MalformedReplyError
from nornir_flexvpn.netconf.fast_session import FastSSHSession


class Recorder(SessionListener):  # type: ignore[misc]
    def __init__(self) -> None:
        self.roots: list[tuple[str, dict[str, str]]] = []
        self.errors: list[Exception] = []

    def callback(self, root: tuple[str, dict[str, str]], raw: str) -> None:
        self.roots.append(root)

    def errback(self, ex: Exception) -> None:
        self.errors.append(ex)


def _session() -> tuple[FastSSHSession, Recorder]:
    session = FastSSHSession(manager.make_device_handler({"name": "default"}), None)
    recorder = Recorder()
    session.add_listener(recorder)
    return session, recorder


def test_well_formed_messages_reach_listeners() -> None:
    session, recorder = _session()
    session._dispatch_message(f'<rpc-reply xmlns="{NC}" message-id="m-1"><ok/></rpc-reply>')
    assert recorder.roots == [(qn(NC, "rpc-reply"), {"message-id": "m-1"})]
    assert recorder.errors == []


def test_doctype_or_garbage_fails_the_waiters_instead() -> None:
    session, recorder = _session()
    session._dispatch_message(
        f'<!DOCTYPE r [<!ENTITY x "y">]><rpc-reply xmlns="{NC}" message-id="m-2">&x;</rpc-reply>'
    )
    session._dispatch_message("<rpc-reply><unclosed></rpc-reply>")
    assert recorder.roots == []
    assert [type(e) for e in recorder.errors] == [MalformedReplyError, MalformedReplyError]


def test_send_before_connect_is_a_transport_error() -> None:
    session, _ = _session()
    with pytest.raises(TransportError, match="Not connected"):
        session.send("<rpc/>")
