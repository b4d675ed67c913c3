"""`flexvpn yang tree` and `flexvpn yang manifest`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nornir_flexvpn.cli.main import app
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.manifest import build_manifest

ROOT = Path(__file__).resolve().parents[2] / "yang"
runner = CliRunner()


def test_tree_of_one_module() -> None:
    result = runner.invoke(app, ["yang", "tree", "--release", "17.15.1", "--module", "cisco-ia"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("module: cisco-ia")
    assert "rpcs:" in result.output and "+---x rollback" in result.output


def test_tree_of_a_managed_subtree() -> None:
    args = ["yang", "tree", "-r", "16.9.1", "--path", "/native/ip/local", "--depth", "6"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# /native/ip/local\nmodule: Cisco-IOS-XE-native")
    assert "+--rw pool* [id]" in result.output
    assert "/native/crypto" not in result.output


def test_tree_of_unknown_module_fails() -> None:
    result = runner.invoke(app, ["yang", "tree", "-r", "16.9.1", "-m", "Cisco-IOS-XE-cli-rpc"])
    assert result.exit_code != 0


def test_manifest_prints_json() -> None:
    result = runner.invoke(app, ["yang", "manifest", "--release", "17.9.1"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == build_manifest(Release.V17_9_1)


def test_manifest_check_and_write(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["yang", "manifest", "-r", "17.3.1", "--check", str(ROOT)])
    assert ok.exit_code == 0, ok.output
    written = runner.invoke(app, ["yang", "manifest", "-r", "17.3.1", "--write", str(tmp_path)])
    assert written.exit_code == 0, written.output
    path = tmp_path / "17.3.1.json"
    assert path.read_text(encoding="utf-8") == (ROOT / "17.3.1.json").read_text(encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["absent"] = []
    path.write_text(json.dumps(data), encoding="utf-8")
    drift = runner.invoke(app, ["yang", "manifest", "-r", "17.3.1", "--check", str(tmp_path)])
    assert drift.exit_code == 1
