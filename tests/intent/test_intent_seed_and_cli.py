"""The seed intent, the seed inventory, and the `schema` / `lint` commands."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from nornir_flexvpn.cli import intent_cmd
from nornir_flexvpn.intent.loader import load_hosts
from nornir_flexvpn.intent.models import FlexVpnIntent, SecretRef
from nornir_flexvpn.intent.schema_export import intent_json_schema
from nornir_flexvpn.intent.secrets import DEMO_SECRET
from nornir_flexvpn.intent.seed import seed_intent_data
from nornir_flexvpn.releases import Release

SEED_INVENTORY = Path(__file__).resolve().parents[2] / "inventory" / "seed"


def app() -> typer.Typer:
    root = typer.Typer()
    intent_cmd.register(root)
    return root


def test_seed_data_is_the_default_intent() -> None:
    data = seed_intent_data()
    assert FlexVpnIntent(**data) == FlexVpnIntent()
    # Plain YAML types only, and references rather than secret values.
    text = yaml.safe_dump(data)
    assert yaml.safe_load(text) == data
    assert DEMO_SECRET not in text
    assert data["aaa"]["users"][0]["password"] == {
        "env": "FLEXVPN_USER_TEST_PASSWORD",
        "demo": True,
    }


def test_seed_inventory_reproduces_the_document() -> None:
    hosts = load_hosts(SEED_INVENTORY)
    host = hosts["seed-headend"]
    assert host.intent == FlexVpnIntent()
    assert (host.hostname, host.release, host.model) == ("127.0.0.1", Release.V17_15_1, "c8000v")
    groups = yaml.safe_load((SEED_INVENTORY / "groups.yaml").read_text(encoding="utf-8"))
    assert groups["flexvpn-seed"]["data"]["flexvpn"] == seed_intent_data()
    for file in SEED_INVENTORY.glob("*.yaml"):
        assert DEMO_SECRET not in file.read_text(encoding="utf-8")


def test_schema_describes_intent_and_secret_shorthand(tmp_path: Path) -> None:
    schema = intent_json_schema()
    assert schema["additionalProperties"] is False
    assert "pools" in schema["properties"]
    secret = schema["$defs"]["SecretRef"]
    kinds = [alt.get("type") for alt in secret["anyOf"]]
    assert kinds == ["object", "string"]
    assert SecretRef.model_validate("env:X").env == "X"

    runner = CliRunner()
    out = tmp_path / "intent.schema.json"
    result = runner.invoke(app(), ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == schema
    printed = runner.invoke(app(), ["schema"])
    assert printed.exit_code == 0 and json.loads(printed.stdout) == schema


def test_lint_command(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app(), ["lint", "--inventory", str(SEED_INVENTORY)])
    assert ok.exit_code == 0, ok.output
    assert "seed-headend (17.15.1, c8000v): 0 error(s), 3 warning(s)" in ok.stdout

    (tmp_path / "hosts.yaml").write_text(
        "h1:\n  hostname: a\n  data:\n    flexvpn:\n"
        "      pools: [{name: P, start: 10.0.0.9, end: 10.0.0.1}]\n",
        encoding="utf-8",
    )
    bad = runner.invoke(app(), ["lint", "-i", str(tmp_path), "-H", "h1"])
    assert bad.exit_code == 1
    assert (
        "error: pools[0].end: pool P: end 10.0.0.1 is below start 10.0.0.9 [pool-range]"
        in bad.stdout
    )


def test_intent_from_host_inside_nornir() -> None:
    from nornir import InitNornir

    from nornir_flexvpn.intent.loader import intent_from_host

    nr = InitNornir(
        runner={"plugin": "serial"},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(SEED_INVENTORY / "hosts.yaml"),
                "group_file": str(SEED_INVENTORY / "groups.yaml"),
                "defaults_file": str(SEED_INVENTORY / "defaults.yaml"),
            },
        },
        logging={"enabled": False},
    )
    got = intent_from_host(nr.inventory.hosts["seed-headend"], inventory_dir=SEED_INVENTORY)
    loaded = load_hosts(SEED_INVENTORY)["seed-headend"]
    assert got.intent == loaded.intent == FlexVpnIntent()
    assert (got.hostname, got.port, got.username, got.release, got.model) == (
        loaded.hostname,
        loaded.port,
        loaded.username,
        loaded.release,
        loaded.model,
    )
    assert got.source == "hosts:seed-headend < groups:flexvpn-seed < defaults"
    assert list(load_hosts(SEED_INVENTORY, hosts="seed-headend")) == ["seed-headend"]
