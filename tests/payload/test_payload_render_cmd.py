"""`flexvpn render | validate | goldens` through the real command line app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nornir_flexvpn.cli.main import app
from nornir_flexvpn.intent.secrets import DEMO_SECRET
from nornir_flexvpn.payload.goldens import CLI_SUFFIX, XML_SUFFIX

from .payload_support import strict_parse, xp

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "inventory" / "seed"
runner = CliRunner()


def test_render_xml_is_the_golden_for_the_hosts_release() -> None:
    result = runner.invoke(app, ["render", "-i", str(SEED), "-H", "seed-headend"])
    assert result.exit_code == 0, result.output
    golden = (ROOT / "payloads" / "17.15.1" / f"seed-headend{XML_SUFFIX}").read_text()
    assert result.output.startswith(golden)
    assert DEMO_SECRET not in result.output
    root = strict_parse(result.output)
    assert xp(
        root, "n:native/n:interface/n:Virtual-Template/tun:tunnel/tun:mode/tun:ipsec/tun:ipv4-mode"
    )
    assert "CLI items" in result.output and "ip nat inside" in result.output


def test_render_cli_for_another_release() -> None:
    args = ["render", "-i", str(SEED), "-H", "seed-headend", "-r", "16.9.1", "-f", "cli"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for line in (
        "crypto ikev2 authorization policy ikev2-auth-policy",
        " pool ACPOOL",
        " tunnel protection ipsec profile AnyConnect-EAP",
        " ip nat inside",
        " anyconnect profile acvpn",
    ):
        assert line in lines
    assert "username test password 0 ********" in lines


def test_show_secrets_resolves_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEXVPN_USER_TEST_PASSWORD", "Zq-9-not-the-demo")
    base = ["render", "-i", str(SEED), "-H", "seed-headend", "-f", "cli"]
    hidden = runner.invoke(app, base)
    shown = runner.invoke(app, [*base, "--show-secrets"])
    assert hidden.exit_code == shown.exit_code == 0
    assert "Zq-9-not-the-demo" not in hidden.output
    assert "username test password 0 Zq-9-not-the-demo" in shown.output.splitlines()


def test_render_unknown_host_fails() -> None:
    result = runner.invoke(app, ["render", "-i", str(SEED), "-H", "nope"])
    assert result.exit_code != 0


def test_validate_seed_passes_on_every_release() -> None:
    for release in ("16.9.1", "17.3.1", "17.9.1", "17.12.1", "17.15.1", "17.18.1"):
        result = runner.invoke(app, ["validate", "-i", str(SEED), "-r", release])
        assert result.exit_code == 0, result.output
        assert "seed-headend" in result.output and release in result.output


def _broken_inventory(tmp_path: Path) -> Path:
    inventory = tmp_path / "inv"
    shutil.copytree(SEED, inventory)
    hosts = (inventory / "hosts.yaml").read_text()
    hosts += (
        "broken:\n"
        "  hostname: 127.0.0.2\n"
        "  groups: [flexvpn-seed]\n"
        "  data:\n"
        "    release: 17.15.1\n"
        "    model: c8000v\n"
        "    flexvpn:\n"
        "      authorization_policies:\n"
        "        - {name: ikev2-auth-policy, pool: NO-SUCH-POOL}\n"
    )
    (inventory / "hosts.yaml").write_text(hosts)
    return inventory


def test_validate_fails_on_a_lint_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-i", str(_broken_inventory(tmp_path))])
    assert result.exit_code == 1, result.output
    assert "broken" in result.output and "FAIL" in result.output
    assert "NO-SUCH-POOL" in result.output


def test_goldens_command_reproduces_the_repository_goldens(tmp_path: Path) -> None:
    out = tmp_path / "payloads"
    result = runner.invoke(app, ["goldens", "-i", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    stored = sorted(
        p.relative_to(ROOT / "payloads")
        for p in (ROOT / "payloads").rglob("*")
        if p.name.endswith((XML_SUFFIX, CLI_SUFFIX))
    )
    assert written == stored
    for rel in written:
        assert (out / rel).read_bytes() == (ROOT / "payloads" / rel).read_bytes()
