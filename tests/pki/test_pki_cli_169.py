"""Step 2 on 16.9.1 (no crypto RPC, no pki-oper): the opt-in import over the NAPALM CLI channel."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from netmiko import ConnectHandler

from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.errors import PkiError, RefusedError
from nornir_flexvpn.files.material import MaterialReport
from nornir_flexvpn.lab.cli_exec import REPLACE_QUESTION
from nornir_flexvpn.lab.clients import connect_client
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.pki import LAB_CA_NAME, fingerprint_md5, make_test_pkcs12
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.pki.bundle import inspect_bundle
from nornir_flexvpn.pki.cli_import import CliPki, ExecSession, parse_certificates
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn
from tests.pki.conftest import PASSPHRASE, MaterialNornir, RunningOf

USER_PASSWORD = "cisco123"  # the seed user's demo password
P12 = "bootflash:IKEv2-TP.p12"
TP = "IKEv2-TP"


def _device(headend: Headend) -> LabDevice:
    assert isinstance(headend.device, LabDevice)
    return headend.device


def _deploy(material_nornir: MaterialNornir, headend: Headend, **kwargs: Any) -> Any:
    nr, _ = material_nornir([headend], bundle=kwargs.pop("bundle"))
    agg = nr.run(task=deploy_flexvpn, on_failed=True, checks=[], allow_running=True, **kwargs)
    return agg[headend.name][0]


@pytest.fixture
def shell(lab_server: ThreadedLab, lab: LabFactory) -> Iterator[tuple[Headend, Any]]:
    """A 16.9.1 headend and a netmiko session on its IOS CLI."""
    headend = lab(Release.V16_9_1)
    session = ConnectHandler(
        device_type="cisco_ios",
        host=headend.host,
        port=headend.port,
        username=headend.username,
        password=headend.password,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(headend.known_hosts),
        use_keys=False,
        allow_agent=False,
    )
    try:
        yield headend, session
    finally:
        session.disconnect()


def test_deploy_imports_over_cli_client_connects_second_run_imports_nothing(
    lab: LabFactory,
    lab_server: ThreadedLab,
    material_nornir: MaterialNornir,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    headend = lab(Release.V16_9_1)
    device = _device(headend)
    bundle = make_test_pkcs12(PASSPHRASE)
    nr, _ = material_nornir([headend], bundle=bundle)

    def deploy() -> tuple[DeployOutcome, MaterialReport]:
        agg = nr.run(
            task=deploy_flexvpn, on_failed=True, checks=[], allow_running=True, pki_via_cli=True
        )
        outcome = agg[headend.name][0].result
        assert isinstance(outcome, DeployOutcome), agg[headend.name][0].exception
        assert not outcome.failed, outcome.as_dict()
        assert isinstance(outcome.material, MaterialReport)
        return outcome, outcome.material

    first, material = deploy()
    assert material.pki is not None and material.pki.changed
    assert [d.url for d in material.transferred if d.url.endswith(".p12")] == [P12]
    installed = device.runtime.trustpoints[TP]
    assert installed.issuer == f"CN={LAB_CA_NAME}" and installed.unfit_reason() is None
    session = lab_server.call(lambda: connect_client(device, "test", USER_PASSWORD, "198.51.100.7"))
    assert session.assigned_ip.startswith("192.168.10.")

    second, again = deploy()
    assert again.pki is not None and not again.pki.changed
    assert again.transferred == [] and not again.changed
    assert not second.changed
    assert device.runtime.trustpoints[TP].certificate == installed.certificate

    out = capsys.readouterr()
    everything = "\n".join(
        [
            out.out,
            out.err,
            caplog.text,
            *(repr(r.__dict__) for r in caplog.records),
            repr(first.as_dict()),
            repr(second.as_dict()),
            *material.notes(),
        ]
    )
    assert TP in everything
    assert PASSPHRASE not in everything


def test_without_the_flag_16_9_refuses_naming_it(
    lab: LabFactory, material_nornir: MaterialNornir, running_of: RunningOf
) -> None:
    headend = lab(Release.V16_9_1)
    before = running_of(headend)
    result = _deploy(material_nornir, headend, bundle=make_test_pkcs12(PASSPHRASE))
    assert isinstance(result.exception, RefusedError), result.exception
    assert "--pki-via-cli" in str(result.exception)
    assert running_of(headend) == before


def test_wrong_passphrase_fails_clearly_with_no_change(
    lab: LabFactory, material_nornir: MaterialNornir, running_of: RunningOf
) -> None:
    headend = lab(Release.V16_9_1)
    before = running_of(headend)
    result = _deploy(
        material_nornir, headend, bundle=make_test_pkcs12("x" + PASSPHRASE), pki_via_cli=True
    )
    assert isinstance(result.exception, PkiError), result.exception
    assert "wrong passphrase" in str(result.exception)
    assert PASSPHRASE not in str(result.exception) and PASSPHRASE not in repr(result.result)
    assert running_of(headend) == before
    assert TP not in _device(headend).runtime.trustpoints


def test_device_side_refusal_and_replace_question(
    lab_server: ThreadedLab, shell: tuple[Headend, Any]
) -> None:
    headend, session = shell
    device = _device(headend)
    cli = CliPki(headend.name, lambda: session)
    first, second = make_test_pkcs12(PASSPHRASE), make_test_pkcs12(PASSPHRASE, common_name="b.x")
    lab_server.call(lambda: device.bootflash.write(P12, first))
    assert cli.read_trustpoint(TP) is None

    # The device itself refuses (the local check is what normally catches this).
    with pytest.raises(PkiError, match="wrong passphrase") as refused:
        cli.run_import(TP, P12, "Other-" + PASSPHRASE)
    assert PASSPHRASE not in str(refused.value)
    assert TP not in device.runtime.trustpoints

    cli.run_import(TP, P12, PASSPHRASE)
    read = cli.read_trustpoint(TP)
    info = inspect_bundle(first, PASSPHRASE, trustpoint=TP, source="first")
    assert read is not None and read.enrolled
    held = read.holds(info.md5)
    assert held is not None and not held.self_signed and held.issuer == f"cn={LAB_CA_NAME}"
    assert [c.usage for c in read.certificates] == ["general-purpose", "ca"]

    # An existing trustpoint: IOS asks before replacing its keys; the import answers yes.
    lab_server.call(lambda: device.bootflash.write(P12, second))
    cli.run_import(TP, P12, PASSPHRASE)
    assert fingerprint_md5(device.runtime.trustpoints[TP].certificate) == normalised_md5(second)
    asked = str(
        session.send_command(
            f"crypto pki import {TP} pkcs12 {P12} password {PASSPHRASE}",
            expect_string=r"\[yes/no\]",
            cmd_verify=False,
            strip_command=False,
        )
    )
    assert REPLACE_QUESTION.strip() in asked
    assert PASSPHRASE not in asked  # the lab shell echoes `*` for it
    # An explicit expect string: netmiko would otherwise send a newline to find the prompt.
    declined = session.send_command("no", expect_string=r"#\s*$", cmd_verify=False)
    assert "Aborted" in str(declined)
    assert fingerprint_md5(device.runtime.trustpoints[TP].certificate) == normalised_md5(second)


def normalised_md5(bundle: bytes) -> str:
    return inspect_bundle(bundle, PASSPHRASE, trustpoint=TP, source="b").md5


def test_show_output_is_parsed_strictly(shell: tuple[Headend, Any]) -> None:
    _, session = shell
    good: ExecSession = session
    assert (
        parse_certificates(str(good.send_command(f"show crypto pki certificates {TP}")), TP) is None
    )
    text = "Certificate\n  Status: Available\n  Certificate Serial Number (hex): 01\n"
    with pytest.raises(PkiError, match="no Fingerprint MD5, Subject, Issuer"):
        parse_certificates(text + f"  Associated Trustpoints: {TP}\n", TP)
    with pytest.raises(PkiError, match="not a certificate title"):
        parse_certificates("Trustpoint IKEv2-TP:\n  Subject Name:\n", TP)
    with pytest.raises(PkiError, match="failed on the device"):
        parse_certificates(str(good.send_command("show crypto pki bogus")), TP)


def test_cli_flags_import_then_deploy_and_print_no_passphrase(
    lab: LabFactory,
    material_nornir: MaterialNornir,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from typer.testing import CliRunner

    from nornir_flexvpn.cli.main import app

    caplog.set_level(logging.DEBUG)
    headend = lab(Release.V16_9_1)
    _, folder = material_nornir([headend], bundle=make_test_pkcs12(PASSPHRASE))
    runner = CliRunner()
    inv = ["--inventory", str(folder)]
    refused = runner.invoke(app, ["pki", "import", *inv])
    imported = runner.invoke(app, ["pki", "import", "--pki-via-cli", "--json", *inv])
    deployed = runner.invoke(
        app, ["deploy", "--pki-via-cli", "--allow-running", "--gate-check", "none", *inv]
    )
    assert refused.exit_code == 1 and "--pki-via-cli" in refused.output
    assert imported.exit_code == 0, imported.output
    assert '"imported": "IKEv2-TP"' in imported.output
    assert deployed.exit_code == 0, deployed.output
    assert TP in _device(headend).runtime.trustpoints
    out = capsys.readouterr()
    results = (refused, imported, deployed)
    everything = "\n".join(
        [
            *(r.output for r in results),
            *(repr(r.exception) for r in results),
            out.out,
            out.err,
            caplog.text,
            *(repr(r.__dict__) for r in caplog.records),
        ]
    )
    assert PASSPHRASE not in everything
