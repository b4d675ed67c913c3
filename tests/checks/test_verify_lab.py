"""Post-checks against lab headends over SSH, with connected AnyConnect clients.

Each test deploys the seed intent, installs the trustpoint and connects
clients, then breaks one thing the way it breaks in the field and expects
the named check (and only a check about that thing) to catch it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from nornir.core import Nornir
from nornir.core.task import Task

from nornir_flexvpn.checks.probe import LabDeviceProber
from nornir_flexvpn.checks.results import Status, VerifyReport
from nornir_flexvpn.checks.verify import ProbeSettings, verify
from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.errors import CheckError
from nornir_flexvpn.lab.control import start_control
from nornir_flexvpn.lab.control_client import control_socket
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.inventory import write_inventory
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.namespaces import CRYPTO, NATIVE, NC, TUNNEL
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import validate_oper
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets
from nornir_flexvpn.tasks.verify_flexvpn import managed_readback
from tests.checks.support import (
    USER_PASSWORD,
    RecordingSource,
    connect,
    deploy,
    device_of,
    edit_running,
    install_trustpoint,
    on_host,
    status,
    verify_report,
)

NornirFor = Callable[[list[Headend]], Nornir]
RunningOf = Callable[[Headend], bytes]
OP = f'xmlns:nc="{NC}"'


def _healthy(
    lab: LabFactory,
    lab_server: ThreadedLab,
    nornir_for: NornirFor,
    release: Release = Release.V17_15_1,
    clients: int = 2,
) -> tuple[Headend, Nornir]:
    headend = lab(release, candidate=True)
    nr = nornir_for([headend])
    outcome = deploy(nr)
    assert not outcome.failed, outcome.as_dict()
    install_trustpoint(lab_server, headend)
    connect(lab_server, headend, clients)
    return headend, nr


@pytest.mark.parametrize("release", [Release.V17_9_1, Release.V17_15_1], ids=lambda r: r.value)
def test_healthy_headend_passes_every_check_and_replies_validate(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor, release: Release
) -> None:
    headend, nr = _healthy(lab, lab_server, nornir_for, release)

    def run(task: Task) -> tuple[VerifyReport, RecordingSource]:
        host = host_intent(task)
        source = RecordingSource(connection(task))
        probe = ProbeSettings(LabDeviceProber(device_of(headend)), lambda _user: USER_PASSWORD)
        readback = managed_readback(source.inner, host, host_secrets(task, host))
        report = verify(
            source, host.name, host.release, host.intent, readback=readback, probe=probe
        )
        return report, source

    report, source = on_host(nr, run)
    assert [(r.id, r.status) for r in report.results if r.status is not Status.PASS] == []
    assert {r.id for r in report.results} >= {
        "trustpoint",
        "certificate",
        "loopback",
        "virtual-template",
        "pool",
        "sessions",
        "probe",
    }
    assert "in use 2, free 4" in report.get("pool").reason
    assert "2 IKEv2 SA(s) READY" in report.get("sessions").reason
    # Every operational reply the checks read is valid data of the release's models
    # (the fourth reply is a slice of running config, which no leafref can resolve).
    oper = [d for d in source.replies if d.find(f"{{{NATIVE}}}native") is None]
    assert len(source.replies) == 4 and len(oper) == 3
    for data in oper:
        assert validate_oper(release, data) == []
    # The probe's client is gone again: only the two users remain.
    assert len(device_of(headend).runtime.sessions) == 2


def test_verify_task_reads_like_the_document(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    _, nr = _healthy(lab, lab_server, nornir_for, Release.V17_12_1, clients=1)
    report = verify_report(nr)
    assert report.ok and status(report, "config-readback") is Status.PASS
    show = "\n".join(report.show)
    for expected in (
        "show crypto ikev2 sa detailed",
        "READY",
        "Encr: AES-CBC, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: RSA, "
        "Auth verify: AnyConnect-EAP",
        "Remote id: *$AnyConnectClient$*",
        "NAT-T is detected",
        "Assigned host addr: 192.168.10.5",
        "show crypto session detail",
        "Interface: Virtual-Access1",
        "Profile: AnyConnect-EAP",
        "Session status: UP-ACTIVE",
        "IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 host 192.168.10.5",
        "show derived-config interface virtual-access 1",
        " ip unnumbered Loopback100",
        " ip mtu 1400",
        " tunnel protection ipsec profile AnyConnect-EAP",
    ):
        assert expected in show, expected


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        pytest.param({"self_signed": True}, "self-signed", id="self-signed"),
        pytest.param({"expired": True}, "expired on", id="expired"),
    ],
)
def test_unfit_certificate_is_caught(
    lab: LabFactory,
    lab_server: ThreadedLab,
    nornir_for: NornirFor,
    kind: dict[str, bool],
    words: str,
) -> None:
    headend, nr = _healthy(lab, lab_server, nornir_for, clients=1)
    install_trustpoint(lab_server, headend, **kind)
    report = verify_report(nr)
    cert = report.get("certificate")
    assert cert.status is Status.FAIL and words in cert.reason, cert
    assert "CN=vpn.example.com" in cert.reason
    assert status(report, "trustpoint") is Status.PASS
    assert not report.ok


def test_loopback_down_is_caught(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend, nr = _healthy(lab, lab_server, nornir_for, clients=1)
    edit_running(
        headend,
        f'<native xmlns="{NATIVE}"><interface><Loopback><name>100</name><shutdown/>'
        "</Loopback></interface></native>",
    )
    report = verify_report(nr)
    loopback = report.get("loopback")
    assert loopback.status is Status.FAIL
    assert loopback.reason == "Loopback100 is administratively down"
    assert status(report, "virtual-template") is Status.PASS


def test_virtual_template_not_bound_is_caught(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend, nr = _healthy(lab, lab_server, nornir_for, clients=1)
    edit_running(
        headend,
        f'<native xmlns="{NATIVE}" {OP}><interface><Virtual-Template><name>100</name>'
        f'<tunnel xmlns="{TUNNEL}"><protection nc:operation="delete"/></tunnel>'
        "</Virtual-Template></interface></native>",
    )
    report = verify_report(nr)
    vt = report.get("virtual-template")
    assert vt.status is Status.FAIL
    assert "Virtual-Template100 is not bound to IPsec profile AnyConnect-EAP" in vt.reason
    assert "no tunnel protection" in vt.reason
    assert status(report, "loopback") is Status.PASS


def test_pool_exhausted_is_caught_and_the_probe_is_refused(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend, nr = _healthy(lab, lab_server, nornir_for, clients=6)
    report = verify_report(nr, prober=LabDeviceProber(device_of(headend)))
    pool = report.get("pool")
    assert pool.status is Status.FAIL
    assert pool.reason == "pool ACPOOL: size 6, in use 6, free 0 (exhausted)"
    probe = report.get("probe")
    assert probe.status is Status.FAIL and "exhausted" in probe.reason
    assert status(report, "sessions") is Status.PASS


def test_nearly_exhausted_pool_warns(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    _, nr = _healthy(lab, lab_server, nornir_for, clients=5)
    report = verify_report(nr)
    pool = report.get("pool")
    assert pool.status is Status.WARN and "nearly exhausted" in pool.reason
    assert report.ok  # a warning is not a failure


def test_sa_with_the_wrong_proposal_is_caught(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    assert not deploy(nr).failed
    install_trustpoint(lab_server, headend)
    # Someone removes the IKEv2 policy: clients now get the smart default.
    edit_running(
        headend,
        f'<native xmlns="{NATIVE}" {OP}><crypto><ikev2 xmlns="{CRYPTO}">'
        '<policy nc:operation="delete"><name>IKEv2-pol</name></policy>'
        "</ikev2></crypto></native>",
    )
    connect(lab_server, headend, 1)
    report = verify_report(nr)
    sessions = report.get("sessions")
    assert sessions.status is Status.FAIL
    assert "negotiated aes-cbc/sha512/group 5" in sessions.reason
    assert "intended aes-cbc/sha256/group 14" in sessions.reason
    assert status(report, "config-readback") is Status.FAIL

    # Deploying the fix is not rolled back for the session that predates it.
    fix = deploy(nr)
    assert not fix.failed and fix.changed, fix.as_dict()
    assert any(
        note.startswith("gate sessions: fail:") and note.endswith("not gating)")
        for note in fix.notes
    ), fix.notes
    assert verify_report(nr).get("config-readback").status is Status.PASS


def test_config_drift_is_caught_by_readback(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend, nr = _healthy(lab, lab_server, nornir_for, clients=1)
    edit_running(
        headend,
        f'<native xmlns="{NATIVE}"><interface><Loopback><name>100</name>'
        "<description>hand-made</description></Loopback></interface></native>",
    )
    report = verify_report(nr)
    readback = report.get("config-readback")
    assert readback.status is Status.FAIL
    assert "Loopback[name=100]" in readback.reason
    assert [r.id for r in report.failures] == ["config-readback"]


def _with_pool(folder: Path, start: str, end: str) -> None:
    hosts_file = folder / "hosts.yaml"
    hosts = yaml.safe_load(hosts_file.read_text())
    for data in hosts.values():
        data["data"]["flexvpn"] = {"pools": [{"name": "ACPOOL", "start": start, "end": end}]}
    hosts_file.write_text(yaml.safe_dump(hosts))


def test_change_that_drops_users_fails_the_gate_and_rolls_back(
    lab: LabFactory, lab_server: ThreadedLab, running_of: RunningOf, tmp_path: Path
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    folder = write_inventory(lab_server.server, tmp_path / "inv", [headend])
    nr = open_nornir(folder, workers=1)
    first = deploy(nr)
    assert not first.failed
    assert "gate users-dropped: pass: active sessions before 0, after 0" in first.notes
    install_trustpoint(lab_server, headend)
    connect(lab_server, headend, 2)
    before = running_of(headend)
    nr.close_connections()

    # The new pool no longer holds the users' addresses: the headend drops them.
    _with_pool(folder, "192.168.10.20", "192.168.10.25")
    nr = open_nornir(folder, workers=1)
    outcome = deploy(nr)
    nr.close_connections()
    assert outcome.failed
    tx = outcome.transaction
    assert tx is not None and tx.committed and tx.rolled_back
    assert isinstance(tx.error, CheckError)
    assert str(tx.error).startswith("checks/users-dropped: users-dropped: 2 user(s) dropped")
    assert "before 2, after 0" in str(tx.error)
    assert [p.name for p in tx.phases if p.outcome == "failed"] == ["post-checks"]
    assert running_of(headend) == before


def test_16_9_1_reports_what_it_cannot_check_as_not_available(
    lab: LabFactory, nornir_for: NornirFor
) -> None:
    headend = lab(Release.V16_9_1, candidate=True)
    edit_running(
        headend,
        f'<native xmlns="{NATIVE}"><ip><local><pool><id>ACPOOL</id><start>192.168.10.5</start>'
        "<last>192.168.10.10</last></pool></local></ip><interface><Virtual-Template>"
        "<name>100</name></Virtual-Template></interface></native>",
    )
    nr = nornir_for([headend])
    report = verify_report(nr)
    for check_id in ("trustpoint", "certificate", "pool", "sessions", "virtual-template"):
        result = report.get(check_id)
        assert result.status is Status.NOT_AVAILABLE, result
        assert "not available on 16.9.1" in result.reason
    assert "% not available on 16.9.1" in "\n".join(report.show)
    assert not any(
        r.status is Status.PASS for r in report.results if r.id in ("sessions", "certificate")
    )


def test_probe_through_a_running_labs_control_socket(
    lab: LabFactory, lab_server: ThreadedLab, tmp_path: Path
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    folder = write_inventory(lab_server.server, tmp_path / "inv", [headend])
    nr = open_nornir(folder, workers=1)
    assert not deploy(nr).failed
    install_trustpoint(lab_server, headend)
    connect(lab_server, headend, 1)

    without = verify_report(nr, probe=True)
    assert without.get("probe").status is Status.NOT_AVAILABLE

    with start_control(lab_server.headends, control_socket(folder)):
        report = verify_report(nr, probe=True)
    nr.close_connections()
    probe = report.get("probe")
    assert probe.status is Status.PASS, probe
    assert probe.reason.startswith("probe user test authenticated and got 192.168.10.6 from ACPOOL")
    assert report.ok
    assert len(device_of(headend).runtime.sessions) == 1  # the probe disconnected
    assert USER_PASSWORD not in json.dumps(report.as_dict()) + "\n".join(report.show)
