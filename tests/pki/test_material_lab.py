"""Steps 2 and 6 inside `deploy_flexvpn`, against lab headends over SSH/SFTP/NETCONF."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nornir.core import Nornir
from nornir.core.task import Result

from nornir_flexvpn.anyconnect.client_profile import render_client_profile
from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.errors import PkiError, RefusedError, TransferError
from nornir_flexvpn.files.material import MaterialReport
from nornir_flexvpn.intent.models import AnyConnectProfile, HostEntry
from nornir_flexvpn.lab.clients import connect_client
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.pki import LAB_CA_NAME, make_test_pkcs12
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn
from nornir_flexvpn.tasks.import_pki import import_pki
from tests.pki.conftest import PASSPHRASE, MaterialNornir, RunningOf, set_intent

USER_PASSWORD = "cisco123"  # the seed user's demo password (the lab's client logs in with it)


def _device(headend: Headend) -> LabDevice:
    assert isinstance(headend.device, LabDevice)
    return headend.device


def _run(nr: Nornir, task: Callable[..., Result], **kwargs: Any) -> Result:
    agg = nr.run(task=task, on_failed=True, **kwargs)
    assert len(agg) == 1
    return next(iter(agg.values()))[0]


def _deploy(nr: Nornir) -> tuple[DeployOutcome, MaterialReport]:
    result = _run(nr, deploy_flexvpn)
    outcome = result.result
    assert isinstance(outcome, DeployOutcome), result.exception
    assert isinstance(outcome.material, MaterialReport), outcome.as_dict()
    return outcome, outcome.material


def _profile_bytes(headend: Headend, lab_server: ThreadedLab) -> bytes:
    flash = _device(headend).bootflash
    data: bytes = lab_server.call(lambda: flash.read("bootflash:/acvpn.xml"))
    return data


def test_deploy_imports_delivers_binds_then_converges_then_rebinds_a_changed_profile(
    lab: LabFactory,
    lab_server: ThreadedLab,
    material_nornir: MaterialNornir,
    running_of: RunningOf,
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    device = _device(headend)
    nr, folder = material_nornir([headend], bundle=make_test_pkcs12(PASSPHRASE))

    first, material = _deploy(nr)
    assert not first.failed, first.as_dict()
    assert first.changed and first.transaction is not None and first.transaction.committed
    assert sorted(d.url for d in material.transferred) == [
        "bootflash:/acvpn.xml",
        "bootflash:IKEv2-TP.p12",
    ]
    assert material.pki is not None and material.pki.changed
    assert material.rebind == []  # a new binding reads the new file anyway
    assert _profile_bytes(headend, lab_server) == render_client_profile(AnyConnectProfile())
    installed = device.runtime.trustpoints["IKEv2-TP"]
    assert installed.issuer == f"CN={LAB_CA_NAME}" and installed.unfit_reason() is None
    running = running_of(headend)
    assert b"<profile-name>acvpn</profile-name>" in running
    assert b"<file>bootflash:/acvpn.xml</file>" in running
    session = lab_server.call(lambda: connect_client(device, "test", USER_PASSWORD, "198.51.100.7"))
    assert session.assigned_ip == "192.168.10.5"

    second, again = _deploy(nr)
    assert not second.failed and not second.changed, second.as_dict()
    assert second.transaction is None
    assert again.transferred == [] and again.pki is not None and not again.pki.changed
    assert all(not d.changed for d in again.deliveries)

    entry = {"name": "HQ", "address": "hq.example.com"}
    set_intent(
        folder,
        anyconnect_profiles=[
            {"name": "acvpn", "url": "bootflash:/acvpn.xml", "host_entries": [entry]}
        ],
    )
    changed_nr = open_nornir(folder, workers=1)
    try:
        third, rebound = _deploy(changed_nr)
    finally:
        changed_nr.close_connections(on_good=True, on_failed=True)
    assert not third.failed, third.as_dict()
    assert [d.url for d in rebound.transferred] == ["bootflash:/acvpn.xml"]
    assert rebound.rebind == ["acvpn"]
    assert rebound.rebound is not None and rebound.rebound.committed
    assert third.changed and third.transaction is None  # the config itself was in sync
    expected = render_client_profile(AnyConnectProfile(host_entries=[HostEntry(**entry)]))
    assert _profile_bytes(headend, lab_server) == expected
    assert running_of(headend) == running


FAILURES = [
    pytest.param(
        {"bundle": make_test_pkcs12("some-other-passphrase")},
        PkiError,
        "wrong passphrase",
        id="wrong-passphrase",
    ),
    pytest.param(
        {"bundle": make_test_pkcs12(PASSPHRASE, self_signed=True)},
        PkiError,
        "self-signed",
        id="self-signed",
    ),
    pytest.param(
        {"bundle": make_test_pkcs12(PASSPHRASE)[:-100]},
        PkiError,
        "corrupt or truncated",
        id="corrupt",
    ),
    pytest.param(
        {"bundle": make_test_pkcs12(PASSPHRASE), "capacity": 1000},
        TransferError,
        "bootflash is full",
        id="full-bootflash",
    ),
]


@pytest.mark.parametrize(("setup", "error", "message"), FAILURES)
def test_bad_material_stops_the_deploy_before_any_config_change(
    lab: LabFactory,
    lab_server: ThreadedLab,
    material_nornir: MaterialNornir,
    running_of: RunningOf,
    setup: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    device = _device(headend)
    if "capacity" in setup:
        device.bootflash.capacity = device.bootflash.used + setup["capacity"]
    nr, _ = material_nornir([headend], bundle=setup["bundle"])
    before = running_of(headend)
    result = _run(nr, deploy_flexvpn)
    assert result.failed
    assert isinstance(result.exception, error), result.exception
    assert message in str(result.exception)
    outcome = result.result
    assert isinstance(outcome, DeployOutcome) and outcome.transaction is None
    assert running_of(headend) == before
    assert "IKEv2-TP" not in device.runtime.trustpoints
    assert not device.bootflash.exists("bootflash:IKEv2-TP.p12")


def test_copy_rpc_delivery_is_verified_and_a_differing_source_is_caught(
    lab: LabFactory,
    material_nornir: MaterialNornir,
    running_of: RunningOf,
    tmp_path: Path,
) -> None:
    headend = lab(Release.V17_9_1, candidate=True)
    published = tmp_path / "published"
    published.mkdir()
    bundle = make_test_pkcs12(PASSPHRASE)
    (published / "IKEv2-TP.p12").write_bytes(bundle)
    (published / "acvpn.xml").write_bytes(b"<stale/>\n")
    delivery = {"method": "copy", "copy_from": published.as_uri() + "/"}
    nr, _ = material_nornir([headend], bundle=bundle, file_delivery=delivery)
    before = running_of(headend)
    failed = _run(nr, deploy_flexvpn)
    assert isinstance(failed.exception, TransferError), failed.exception
    assert "checksum mismatch after transfer" in str(failed.exception)
    assert running_of(headend) == before

    (published / "acvpn.xml").write_bytes(render_client_profile(AnyConnectProfile()))
    outcome, material = _deploy(nr)
    assert not outcome.failed, outcome.as_dict()
    assert sorted((d.url, d.method) for d in material.transferred) == [
        ("bootflash:/acvpn.xml", "copy"),
        ("bootflash:IKEv2-TP.p12", "copy"),
    ]
    assert _device(headend).runtime.trustpoints["IKEv2-TP"].unfit_reason() is None


def test_17_3_without_certificate_list_imports_once(
    lab: LabFactory, material_nornir: MaterialNornir
) -> None:
    headend = lab(Release.V17_3_1, candidate=True)
    nr, _ = material_nornir([headend], bundle=make_test_pkcs12(PASSPHRASE))
    first = _run(nr, import_pki)
    assert not first.failed, first.exception
    assert isinstance(first.result, MaterialReport) and first.result.pki is not None
    assert first.result.pki.changed and first.changed
    second = _run(nr, import_pki)
    assert isinstance(second.result, MaterialReport) and second.result.pki is not None
    assert not second.result.pki.changed and not second.changed


def test_16_9_has_no_import_rpc_and_says_so(
    lab: LabFactory, material_nornir: MaterialNornir, running_of: RunningOf
) -> None:
    headend = lab(Release.V16_9_1)
    nr, _ = material_nornir([headend], bundle=make_test_pkcs12(PASSPHRASE))
    before = running_of(headend)
    result = _run(nr, deploy_flexvpn, allow_running=True)
    assert isinstance(result.exception, RefusedError), result.exception
    assert "16.9.1 has no crypto pki import RPC" in str(result.exception)
    assert running_of(headend) == before


def test_no_output_carries_the_passphrase(
    lab: LabFactory,
    material_nornir: MaterialNornir,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from typer.testing import CliRunner

    from nornir_flexvpn.cli.main import app

    caplog.set_level(logging.DEBUG)
    headend = lab(Release.V17_12_1, candidate=True)
    runner = CliRunner()
    captured: list[str] = []
    # A bundle under another passphrase: the failure path's messages are checked too.
    _, wrong = material_nornir([headend], bundle=make_test_pkcs12("x" + PASSPHRASE))
    _, good = material_nornir([headend], bundle=make_test_pkcs12(PASSPHRASE))
    for folder, args in [
        (wrong, ["pki", "import"]),
        (good, ["pki", "import", "--json"]),
        (good, ["pki", "import"]),
        (good, ["profile", "push", "--json"]),
        (good, ["deploy"]),
        (good, ["deploy", "--json"]),
        (good, ["plan"]),
    ]:
        result = runner.invoke(app, [*args, "--inventory", str(folder)])
        captured.append(result.output)
        captured.append(repr(result.exception))
    assert "wrong passphrase" in captured[0]
    assert '"imported": "IKEv2-TP"' in captured[2]
    out = capsys.readouterr()
    captured.extend([out.out, out.err, caplog.text])
    captured.extend(repr(r.__dict__) for r in caplog.records)
    everything = "\n".join(captured)
    assert "IKEv2-TP" in everything
    assert PASSPHRASE not in everything
