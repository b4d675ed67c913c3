"""The lab device's operations through plain ncclient over SSH (the real transport)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError

from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.lab.testing import SEED_SAMPLE, loopback, native
from nornir_flexvpn.namespaces import CISCO_IA, CLI_RPC, CRYPTO, NATIVE, NC
from nornir_flexvpn.releases import Release

N = f"{{{NATIVE}}}"


def _config(inner: str) -> str:
    return f'<config xmlns="{NC}">{inner}</config>'


def _running(m: Any) -> bytes:
    return etree.tostring(m.get_config(source="running").data_ele)


def _loopbacks(m: Any, source: str = "running") -> list[str]:
    data = m.get_config(
        source=source,
        filter=("subtree", f'<native xmlns="{NATIVE}"><interface><Loopback/></interface></native>'),
    ).data_ele
    return [e.findtext(f"{N}name") or "" for e in data.iterfind(f".//{N}Loopback")]


def _wait(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def headend(lab: LabFactory) -> Headend:
    return lab(Release.V17_15_1)


@pytest.fixture
def m(headend: Headend) -> Iterator[Any]:
    with manager.connect(**headend.ncclient_args()) as session:
        yield session


@pytest.mark.parametrize("release", [Release.V16_9_1, Release.V17_18_1], ids=str)
def test_seed_edit_over_ssh(lab: LabFactory, release: Release) -> None:
    with manager.connect(**lab(release).ncclient_args()) as m:
        assert m.edit_config(target="running", config=_config(SEED_SAMPLE)).ok
        data = m.get_config(
            source="running",
            filter=("subtree", f'<native xmlns="{NATIVE}"><crypto/></native>'),
        ).data_ele
        assert data.find(f".//{{{CRYPTO}}}ipsec/{{{CRYPTO}}}profile") is not None


def test_model_errors_arrive_with_tag_path_and_info(m: Any) -> None:
    before = _running(m)
    with pytest.raises(RPCError) as caught:
        m.edit_config(target="running", config=_config(loopback(1, extra="<colour/>")))
    assert caught.value.tag == "unknown-element"
    assert caught.value.path == "/Cisco-IOS-XE-native:native/interface/Loopback[name='1']/colour"
    assert "<bad-element>colour</bad-element>" in caught.value.info
    with pytest.raises(RPCError) as must:
        m.edit_config(
            target="running",
            config=_config(loopback(1, extra="<vrf><forwarding>NOPE</forwarding></vrf>")),
        )
    assert must.value.tag == "operation-failed"
    assert must.value.app_tag == "must-violation"
    assert "VRF must be created" in (must.value.message or "")
    assert _running(m) == before


def test_locks_between_two_ncclient_sessions(headend: Headend, m: Any) -> None:
    with manager.connect(**headend.ncclient_args()) as other:
        assert m.lock("running").ok
        with pytest.raises(RPCError) as denied:
            other.lock("running")
        assert denied.value.tag == "lock-denied"
        assert f"<session-id>{m.session_id}</session-id>" in denied.value.info
        with pytest.raises(RPCError) as in_use:
            other.edit_config(target="running", config=_config(loopback(2)))
        assert in_use.value.tag == "in-use"
        assert m.unlock("running").ok
        assert other.edit_config(target="running", config=_config(loopback(2))).ok


def test_closed_session_releases_its_lock(headend: Headend) -> None:
    first = manager.connect(**headend.ncclient_args())
    first.lock("running")
    first.close_session()
    with manager.connect(**headend.ncclient_args()) as second:
        device = headend.device
        assert isinstance(device, LabDevice)
        assert _wait(lambda: device.locks.holder("running") is None)
        assert second.lock("running").ok


def test_candidate_validate_commit_discard(lab: LabFactory) -> None:
    with manager.connect(**lab(Release.V17_12_1, candidate=True).ncclient_args()) as m:
        m.edit_config(target="candidate", config=_config(loopback(3)))
        assert m.validate(source="candidate").ok
        assert m.discard_changes().ok
        assert _loopbacks(m, "candidate") == []
        m.edit_config(target="candidate", config=_config(loopback(4)))
        assert m.commit().ok
        assert _loopbacks(m) == ["4"]


def test_confirmed_commit_cancel_and_session_loss(lab: LabFactory) -> None:
    headend = lab(Release.V17_15_1, candidate=True, confirmed_commit=True)
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=_config(loopback(5)))
        m.commit(confirmed=True, timeout="300", persist="p1")
        assert _loopbacks(m) == ["5"]
        assert m.cancel_commit(persist_id="p1").ok
        assert _loopbacks(m) == []
        m.edit_config(target="candidate", config=_config(loopback(6)))
        m.commit(confirmed=True, timeout="300")
    with manager.connect(**headend.ncclient_args()) as again:
        assert _wait(lambda: _loopbacks(again) == [])


def test_confirmed_commit_times_out(lab: LabFactory) -> None:
    with manager.connect(**lab(candidate=True, confirmed_commit=True).ncclient_args()) as m:
        m.edit_config(target="candidate", config=_config(loopback(7)))
        m.commit(confirmed=True, timeout="1")
        assert _wait(lambda: _loopbacks(m) == [])


def test_cisco_ia_checkpoint_rollback_and_cli_rpc(m: Any) -> None:
    m.edit_config(
        target="running",
        config=_config(
            native(
                "<interface><Virtual-Template><name>100</name><type>tunnel</type>"
                "</Virtual-Template></interface>"
            )
        ),
    )
    reply = m.dispatch(etree.fromstring(f'<checkpoint xmlns="{CISCO_IA}"/>'))
    result = etree.fromstring(reply.xml.encode()).findtext(f".//{{{CISCO_IA}}}result")
    assert result is not None
    url = result.split(": ", 1)[1]
    m.edit_config(target="running", config=_config(loopback(8)))
    cli = etree.fromstring(
        f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>interface Virtual-Template100 '
        "type tunnel\n ip nat inside</config-clis></config-ios-cli-rpc>"
    )
    assert m.dispatch(cli).ok
    with pytest.raises(RPCError) as refused:
        m.dispatch(
            etree.fromstring(
                f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>crypto magic</config-clis>'
                "</config-ios-cli-rpc>"
            )
        )
    assert "Invalid input detected" in (refused.value.message or "")
    m.dispatch(
        etree.fromstring(f'<rollback xmlns="{CISCO_IA}"><target-url>{url}</target-url></rollback>')
    )
    assert _loopbacks(m) == []


def test_get_schema_over_ssh(m: Any) -> None:
    reply = m.get_schema("cisco-ia")
    assert reply.data.startswith("module cisco-ia")
    with pytest.raises(RPCError) as unknown:
        m.get_schema("no-such-module")
    assert unknown.value.tag == "invalid-value"


def test_kill_session_of_self_is_invalid(m: Any) -> None:
    with pytest.raises(RPCError) as caught:
        m.dispatch(
            etree.fromstring(
                f'<kill-session xmlns="{NC}"><session-id>{m.session_id}</session-id></kill-session>'
            )
        )
    assert caught.value.tag == "invalid-value"
