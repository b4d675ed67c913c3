"""Faults on demand, each observed by a plain ncclient session."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ncclient import manager
from ncclient.manager import Manager
from ncclient.operations.errors import TimeoutExpiredError
from ncclient.operations.rpc import RPCError
from ncclient.transport.errors import TransportError
from typer.testing import CliRunner

from nornir_flexvpn.cli.main import app
from nornir_flexvpn.errors import ClientRejected, LabError
from nornir_flexvpn.lab.clients import connect_client
from nornir_flexvpn.lab.control import start_control
from nornir_flexvpn.lab.control_client import control_request
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.faults import COMMIT_FAILED, RELOAD_REASON, SYSTEM_USER, Fault, FaultPlan
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.lab.state_testing import USER, USER_PASSWORD, seeded_headend
from nornir_flexvpn.lab.timers import ManualTimers
from nornir_flexvpn.namespaces import NATIVE, NC
from nornir_flexvpn.releases import Release

PATIENCE = 30.0  # seconds to wait for something that will happen


def _hostname(name: str) -> str:
    native = f'<native xmlns="{NATIVE}"><hostname>{name}</hostname></native>'
    return f'<config xmlns="{NC}">{native}</config>'


def _device(headend: Headend) -> LabDevice:
    assert isinstance(headend.device, LabDevice)
    return headend.device


def _running_hostname(headend: Headend) -> str:
    with manager.connect(**headend.ncclient_args()) as m:
        return _hostname_of(m)


def _hostname_of(m: Manager) -> str:
    data = m.get_config(source="running").data_xml
    start = data.index("<hostname>") + len("<hostname>")
    return str(data[start : data.index("</hostname>")])


# --- per-RPC faults -----------------------------------------------------------------------------
def test_latency_delays_replies_until_cleared(lab: LabFactory) -> None:
    headend = lab()
    with manager.connect(**headend.ncclient_args()) as m:
        headend.faults.add(Fault.latency(1500, rpc="get-config"))
        m.timeout = 0.2
        with pytest.raises(TimeoutExpiredError):
            m.get_config(source="running")
        assert headend.faults.clear("latency") == 1
        m.timeout = PATIENCE
        assert _hostname_of(m)  # answered after the late reply: the session still works
    assert headend.faults.history == ["latency"]


def test_drop_before_the_rpc_does_not_execute_it(lab: LabFactory) -> None:
    headend = lab()
    before = _running_hostname(headend)
    headend.faults.add(Fault.drop("edit-config", "before"))
    m = manager.connect(**headend.ncclient_args())
    with pytest.raises(TransportError):
        m.edit_config(target="running", config=_hostname("dropped"))
    assert _running_hostname(headend) == before
    assert not headend.faults.active  # one-shot


def test_drop_after_the_rpc_executes_it_without_a_reply(lab: LabFactory) -> None:
    headend = lab()
    headend.faults.add(Fault.drop("edit-config", "after"))
    m = manager.connect(**headend.ncclient_args())
    with pytest.raises(TransportError):
        m.edit_config(target="running", config=_hostname("applied"))
    assert _running_hostname(headend) == "applied"


def test_commit_fails_once_and_keeps_the_candidate(lab: LabFactory) -> None:
    headend = lab(candidate=True)
    headend.faults.add(Fault.commit_failure())
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=_hostname("cand"))
        with pytest.raises(RPCError) as caught:
            m.commit()
        assert caught.value.message == COMMIT_FAILED
        assert caught.value.tag == "operation-failed"
        assert _hostname_of(m) != "cand"
        m.commit()  # the fault was one-shot
        assert _hostname_of(m) == "cand"


def test_validate_fails_for_count_then_passes(lab: LabFactory) -> None:
    headend = lab(candidate=True)
    headend.faults.add(Fault.validate_failure(count=2, message="% Invalid input detected"))
    with manager.connect(**headend.ncclient_args()) as m:
        for _ in range(2):
            with pytest.raises(RPCError) as caught:
                m.validate(source="candidate")
            assert caught.value.message == "% Invalid input detected"
        m.validate(source="candidate")


def test_slow_commit_applies_after_the_client_gave_up(lab: LabFactory) -> None:
    headend = lab(candidate=True)
    headend.faults.add(Fault.slow_commit(1000))
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=_hostname("slow"))
        m.timeout = 0.2
        with pytest.raises(TimeoutExpiredError):
            m.commit()
        m.timeout = PATIENCE
        # The next RPC is answered after the commit: one session, in order.
        assert _hostname_of(m) == "slow"


@pytest.mark.parametrize("tag", ["in-use", "resource-denied"])
def test_transient_busy_errors_for_the_next_n_rpcs(lab: LabFactory, tag: str) -> None:
    headend = lab()
    busy = Fault.busy("edit-config", count=2, tag="in-use")
    busy.tag = "resource-denied" if tag == "resource-denied" else "in-use"
    headend.faults.add(busy)
    with manager.connect(**headend.ncclient_args()) as m:
        assert _hostname_of(m)  # other operations are not affected
        for _ in range(2):
            with pytest.raises(RPCError) as caught:
                m.edit_config(target="running", config=_hostname("busy"))
            assert caught.value.tag == tag
        m.edit_config(target="running", config=_hostname("busy"))
        assert _hostname_of(m) == "busy"


# --- locks ----------------------------------------------------------------------------------------
def test_system_session_holds_the_lock_until_released(lab: LabFactory) -> None:
    timers = ManualTimers()

    def factory(identity: HeadendIdentity, models: Path) -> LabDevice:
        return LabDevice(identity, models_dir=models, timers=timers)

    headend = lab(device_factory=factory)
    headend.faults.add(Fault.lock("running", release_after=30))
    holder = headend.faults.held_locks()["running"]
    with manager.connect(**headend.ncclient_args()) as m:
        with pytest.raises(RPCError) as denied:
            m.lock("running")
        assert denied.value.tag == "lock-denied"
        assert denied.value.info is not None and f"<session-id>{holder}</session-id>" in (
            denied.value.info
        )
        assert f"locked by session {holder} {SYSTEM_USER}" in denied.value.message
        with pytest.raises(RPCError) as in_use:
            m.edit_config(target="running", config=_hostname("x"))
        assert in_use.value.tag == "in-use"
        timers.advance(30)
        m.lock("running")
        m.edit_config(target="running", config=_hostname("x"))
        m.unlock("running")
    assert headend.faults.held_locks() == {}


def test_lock_held_by_another_netconf_session(lab: LabFactory) -> None:
    headend = lab(candidate=True)
    headend.faults.add(Fault.lock("candidate", holder="session", session_id=4242))
    with manager.connect(**headend.ncclient_args()) as m:
        with pytest.raises(RPCError) as denied:
            m.lock("candidate")
        assert denied.value.tag == "lock-denied"
        assert "locked by session 4242" in denied.value.message
        headend.faults.clear()
        m.lock("candidate")
        m.unlock("candidate")


def test_a_fault_plan_refuses_nonsense() -> None:
    with pytest.raises(LabError):
        Fault.from_dict({"kind": "meteor"})
    with pytest.raises(LabError):
        Fault.from_dict({"kind": "latency"})  # no delay
    with pytest.raises(LabError):
        Fault.from_dict({"kind": "busy", "tag": "sleepy"})
    assert Fault.from_dict({"kind": "latency", "delay_ms": 5}).count is None
    assert Fault.from_dict({"kind": "busy"}).count == 1


# --- reboot ---------------------------------------------------------------------------------------
def test_reboot_loses_unsaved_running_keeps_startup_and_drops_sessions(lab: LabFactory) -> None:
    headend = lab(candidate=True)
    m = manager.connect(**headend.ncclient_args())
    m.edit_config(target="candidate", config=_hostname("saved"))
    m.commit()
    m.dispatch(_save_config())
    m.edit_config(target="candidate", config=_hostname("unsaved"))
    m.commit()
    m.edit_config(target="candidate", config=_hostname("uncommitted"))
    m.lock("running")
    headend.faults.add(Fault("reboot"))
    deadline = time.monotonic() + PATIENCE
    while m.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not m.connected
    with manager.connect(**headend.ncclient_args()) as again:
        assert _hostname_of(again) == "saved"
        candidate = again.get_config(source="candidate").data_xml
        assert "<hostname>saved</hostname>" in candidate
        again.lock("running")  # the old session's lock went with it
        again.unlock("running")
    assert headend.faults.reboots == 1
    assert b"<hostname>saved</hostname>" in _device(headend).datastore_xml("startup")


def test_reboot_with_downtime_refuses_connections_then_serves_startup(
    lab: LabFactory,
) -> None:
    headend = lab()
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="running", config=_hostname("unsaved"))
    headend.faults.add(Fault("reboot", delay_ms=1500))
    _wait_for(lambda: not headend.endpoint.listening)
    with pytest.raises(OSError):
        socket.create_connection((headend.host, headend.port), timeout=PATIENCE).close()
    _wait_for(lambda: headend.endpoint.listening)
    assert _running_hostname(headend) == headend.name  # the baseline's, from startup


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_reboot_drops_anyconnect_sessions_and_unsaved_config() -> None:
    device, client = seeded_headend(Release.V17_15_1)
    plan = FaultPlan(device)
    session = connect_client(device, USER, USER_PASSWORD, "203.0.113.20")
    plan.add(Fault("reboot"))
    assert device.runtime.sessions == {}
    assert [(d.session, d.reason) for d in device.runtime.dropped] == [(session, RELOAD_REASON)]
    assert device.datastore_xml("running") == device.datastore_xml("startup")
    assert client.session.session_id not in device.sessions
    with pytest.raises(ClientRejected):  # the seed was never saved: it is gone
        connect_client(device, USER, USER_PASSWORD, "203.0.113.21")


def _save_config() -> object:
    from lxml import etree

    from nornir_flexvpn.namespaces import CISCO_IA

    return etree.fromstring(f'<save-config xmlns="{CISCO_IA}"/>')


# --- from the shell -------------------------------------------------------------------------------
def test_faults_through_the_control_socket_and_cli(
    lab: LabFactory, lab_server: ThreadedLab, tmp_path: Path
) -> None:
    headend = lab()
    sock = tmp_path / "lab-control.sock"
    runner = CliRunner()
    with start_control(lab_server.headends, sock):
        args = ["lab", "fault", "--inventory", str(tmp_path), "--host", headend.name]
        armed = runner.invoke(app, [*args, "busy", "--rpc", "get-config", "--count", "1"])
        assert armed.exit_code == 0, armed.output
        assert "armed busy" in armed.output
        with manager.connect(**headend.ncclient_args()) as m:
            with pytest.raises(RPCError) as caught:
                m.get_config(source="running")
            assert caught.value.tag == "in-use"
            assert _hostname_of(m)
        runner.invoke(app, [*args, "lock"])
        listed = control_request(sock, {"op": "fault", "host": headend.name, "list": True})
        assert set(listed["locks"]) == {"running"}
        assert listed["fired"] == ["busy", "lock"]
        cleared = runner.invoke(app, [*args, "--clear"])
        assert cleared.exit_code == 0
        assert headend.faults.held_locks() == {}
        bad = runner.invoke(app, [*args, "latency"])
        assert bad.exit_code == 1
        assert "delay_ms" in bad.output
        elsewhere = ["lab", "fault", "--inventory", str(tmp_path), "--host", "nope", "reboot"]
        unknown = runner.invoke(app, elsewhere)
        assert unknown.exit_code == 1
        rebooted = runner.invoke(app, [*args, "reboot"])
        assert rebooted.exit_code == 0
        assert headend.faults.reboots == 1
