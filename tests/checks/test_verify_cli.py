"""`flexvpn verify` against lab headends: JSON, the check table, the show format, exit codes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.cli.main import app
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.inventory import write_inventory
from nornir_flexvpn.lab.server import ThreadedLab
from nornir_flexvpn.namespaces import NATIVE
from nornir_flexvpn.releases import Release
from tests.checks.support import connect, deploy, edit_running, install_trustpoint


@pytest.fixture(autouse=True)
def _ncclient_log_level() -> Iterator[None]:
    """The CLI quiets ncclient's logger for the process; later tests expect it as it was."""
    logger = logging.getLogger("ncclient")
    level = logger.level
    yield
    logger.setLevel(level)


def test_verify_cli_json_table_and_show(
    lab: LabFactory, lab_server: ThreadedLab, tmp_path: Path
) -> None:
    good, bad = lab(Release.V17_15_1, candidate=True, n=2)
    folder = write_inventory(lab_server.server, tmp_path / "inv", [good, bad])
    nr = open_nornir(folder)
    for headend in (good, bad):
        assert not deploy(nr.filter(name=headend.name)).failed
        install_trustpoint(lab_server, headend)
        connect(lab_server, headend, 1)
    nr.close_connections()
    edit_running(
        bad,
        f'<native xmlns="{NATIVE}"><interface><Loopback><name>100</name><shutdown/>'
        "</Loopback></interface></native>",
    )
    runner = CliRunner()

    result = runner.invoke(app, ["verify", "--inventory", str(folder), "--json"])
    assert result.exit_code == 1, result.output
    hosts = {h["host"]: h for h in json.loads(result.stdout)["hosts"]}
    assert hosts[good.name]["ok"] is True
    assert hosts[bad.name]["ok"] is False
    failed = [c for c in hosts[bad.name]["checks"] if c["status"] == "fail"]
    assert {c["id"] for c in failed} == {"loopback", "config-readback"}

    table = runner.invoke(app, ["verify", "-i", str(folder), "--host", good.name])
    assert table.exit_code == 0, table.output
    assert "sessions" in table.output and "verify" in table.output

    show = runner.invoke(
        app, ["verify", "-i", str(folder), "--host", good.name, "--format", "show"]
    )
    assert show.exit_code == 0, show.output
    assert f"{good.name}#show crypto ikev2 sa detailed" in show.output
    assert "Session status: UP-ACTIVE" in show.output
    assert "show derived-config interface virtual-access 1" in show.output

    only = runner.invoke(
        app, ["verify", "-i", str(folder), "--check", "loopback", "--check", "pool", "--json"]
    )
    assert only.exit_code == 1
    for host in json.loads(only.stdout)["hosts"]:
        assert [c["id"] for c in host["checks"]] == ["loopback", "pool"]

    unknown = runner.invoke(app, ["verify", "-i", str(folder), "--check", "vibes"])
    assert unknown.exit_code != 0


def test_deploy_cli_chooses_the_gate_checks(
    lab: LabFactory, lab_server: ThreadedLab, tmp_path: Path
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    folder = write_inventory(lab_server.server, tmp_path / "inv", [headend])
    runner = CliRunner()
    refused = runner.invoke(app, ["deploy", "-i", str(folder), "--gate-check", "vibes"])
    assert refused.exit_code != 0

    result = runner.invoke(app, ["deploy", "-i", str(folder), "--json", "--gate-check", "loopback"])
    assert result.exit_code == 0, result.output
    (host,) = json.loads(result.stdout)["hosts"]
    gate_notes = [n for n in host["notes"] if n.startswith("gate ")]
    assert gate_notes == ["gate loopback: pass: Loopback100 up (10.0.0.1)"]

    edit_running(
        headend,
        f'<native xmlns="{NATIVE}"><interface><Loopback><name>100</name>'
        "<description>hand-made</description></Loopback></interface></native>",
    )
    again = runner.invoke(app, ["deploy", "-i", str(folder), "--json", "--gate-check", "none"])
    assert again.exit_code == 0, again.output
    (host,) = json.loads(again.stdout)["hosts"]
    assert host["changed"] and not [n for n in host["notes"] if n.startswith("gate ")]
