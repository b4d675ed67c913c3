"""Confirmed commit (RFC 6241 §8.4) in standards mode, with hand-driven timers."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.testing import Client, connect, loopback, make_device
from nornir_flexvpn.lab.timers import ManualTimers
from nornir_flexvpn.namespaces import NATIVE, NC

N = f"{{{NATIVE}}}"


def _loopbacks(client: Client, source: str = "running") -> list[str]:
    data = client.get_config(source)
    return [e.findtext(f"{N}name") or "" for e in data.iterfind(f".//{N}interface/{N}Loopback")]


def _setup() -> tuple[LabDevice, ManualTimers, Client]:
    device, timers = make_device(confirmed_commit=True)
    client = connect(device)
    client.edit(loopback(1), target="candidate")
    return device, timers, client


def _commit(client: Client, inner: str = "") -> etree._Element | None:
    return client.rpc(f'<commit xmlns="{NC}">{inner}</commit>')


def test_confirmed_commit_reverts_on_timeout() -> None:
    device, timers, client = _setup()
    _commit(client, "<confirmed/><confirm-timeout>30</confirm-timeout>")
    assert _loopbacks(client) == ["1"]
    assert device.confirmed.pending
    assert timers.advance(29) == 0
    assert timers.advance(1) == 1
    assert _loopbacks(client) == []
    assert _loopbacks(client, "candidate") == []
    assert not device.confirmed.pending


def test_default_timeout_is_600_seconds() -> None:
    _device, timers, client = _setup()
    _commit(client, "<confirmed/>")
    assert timers.advance(599) == 0
    assert timers.advance(1) == 1
    assert _loopbacks(client) == []


def test_confirming_commit_keeps_the_change() -> None:
    device, timers, client = _setup()
    _commit(client, "<confirmed/>")
    _commit(client)
    assert not device.confirmed.pending
    assert timers.advance(3600) == 0
    assert _loopbacks(client) == ["1"]


def test_follow_up_confirmed_commit_extends_and_reverts_to_the_first_state() -> None:
    _device, timers, client = _setup()
    _commit(client, "<confirmed/><confirm-timeout>60</confirm-timeout>")
    client.edit(loopback(2), target="candidate")
    _commit(client, "<confirmed/><confirm-timeout>120</confirm-timeout>")
    assert _loopbacks(client) == ["1", "2"]
    assert timers.advance(60) == 0
    assert timers.advance(60) == 1
    assert _loopbacks(client) == []


def test_session_loss_reverts_unless_persisted() -> None:
    device, timers, client = _setup()
    _commit(client, "<confirmed/>")
    device.close_session(client.session.session_id)
    other = connect(device)
    assert _loopbacks(other) == []

    other.edit(loopback(3), target="candidate")
    _commit(other, "<confirmed/><persist>tok-1</persist>")
    device.close_session(other.session.session_id)
    third = connect(device)
    assert _loopbacks(third) == ["3"]
    assert third.error(f'<commit xmlns="{NC}"/>').tag == "in-use"
    wrong = third.error(f'<commit xmlns="{NC}"><persist-id>tok-2</persist-id></commit>')
    assert wrong.tag == "invalid-value"
    _commit(third, "<persist-id>tok-1</persist-id>")
    assert not device.confirmed.pending
    assert timers.advance(3600) == 0
    assert _loopbacks(third) == ["3"]


def test_only_the_committing_session_confirms_a_plain_confirmed_commit() -> None:
    device, _, client = _setup()
    other = connect(device)
    _commit(client, "<confirmed/>")
    error = other.error(f'<commit xmlns="{NC}"/>')
    assert error.tag == "in-use"
    assert error.info == {"session-id": str(client.session.session_id)}


def test_cancel_commit() -> None:
    device, timers, client = _setup()
    assert client.error(f'<cancel-commit xmlns="{NC}"/>').tag == "operation-failed"
    _commit(client, "<confirmed/><persist>p</persist>")
    other = connect(device)
    assert (
        other.error(f'<cancel-commit xmlns="{NC}"><persist-id>q</persist-id></cancel-commit>').tag
        == "invalid-value"
    )
    other.rpc(f'<cancel-commit xmlns="{NC}"><persist-id>p</persist-id></cancel-commit>')
    assert _loopbacks(other) == []
    assert timers.active() == 0


def test_confirmed_parameters_need_the_capability() -> None:
    device, _ = make_device(candidate=True)
    client = connect(device)
    error = client.error(f'<commit xmlns="{NC}"><confirmed/></commit>')
    assert error.tag == "unknown-element"
    assert client.error(f'<cancel-commit xmlns="{NC}"/>').tag == "operation-not-supported"


def test_bad_confirm_timeout() -> None:
    _, _, client = _setup()
    error = client.error(
        f'<commit xmlns="{NC}"><confirmed/><confirm-timeout>never</confirm-timeout></commit>'
    )
    assert error.tag == "invalid-value"
    assert _loopbacks(client) == []
