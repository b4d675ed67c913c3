"""`flexvpn plan|verify --json`: the same bytes over NETCONF and over RESTCONF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ncclient import manager
from typer.testing import CliRunner

from nornir_flexvpn.cli.main import app
from nornir_flexvpn.errors import ConnectError
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.namespaces import NATIVE, NC
from nornir_flexvpn.releases import Release
from nornir_flexvpn.restconf.client import RestconfClient
from tests.restconf.conftest import ClientFor, InventoryFor

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def _both(command: str, inventory: Path) -> tuple[str, str]:
    code_nc, over_netconf = _run(command, "-i", str(inventory), "--json")
    code_rc, over_restconf = _run(
        command, "-i", str(inventory), "--json", "--transport", "restconf"
    )
    assert code_nc == code_rc, (over_netconf, over_restconf)
    return over_netconf, over_restconf


def test_plan_and_verify_json_match_byte_for_byte(
    lab: LabFactory, inventory_for: InventoryFor
) -> None:
    fresh = lab(Release.V17_15_1, candidate=True)
    drifted = lab(Release.V17_15_1, candidate=True)
    # Something to find on the second: a pool of the intent's, with other addresses.
    partial = f"""<config xmlns="{NC}"><native xmlns="{NATIVE}"><ip><local><pool>
      <id>ACPOOL</id><start>192.168.10.5</start><last>192.168.10.6</last>
    </pool></local></ip></native></config>"""
    with manager.connect(**drifted.ncclient_args()) as m:
        m.edit_config(target="candidate", config=partial)
        m.commit()
    inventory = inventory_for([fresh, drifted])

    plan_nc, plan_rc = _both("plan", inventory)
    assert plan_nc == plan_rc
    hosts = json.loads(plan_nc)["hosts"]
    assert [h["changed"] for h in hosts] == [True, True]
    assert all(h.get("changes") for h in hosts), hosts
    pool_changes = [c for c in hosts[1]["changes"] if "pool" in c["path"]]
    assert pool_changes and pool_changes[0]["action"] != "create"

    verify_nc, verify_rc = _both("verify", inventory)
    assert verify_nc == verify_rc
    assert json.loads(verify_nc)["hosts"][0]["ok"] is False  # nothing deployed yet


def keep_https(inventory: Path) -> None:
    """Host-level intent override: keep `ip http secure-server` on."""
    hosts_file = inventory / "hosts.yaml"
    hosts = yaml.safe_load(hosts_file.read_text(encoding="utf-8"))
    for entry in hosts.values():
        entry["data"]["flexvpn"] = {"http_secure_server": True}
    hosts_file.write_text(yaml.safe_dump(hosts, sort_keys=False), encoding="utf-8")


def test_in_sync_after_deploy_over_both(lab: LabFactory, inventory_for: InventoryFor) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    inventory = inventory_for([headend])
    keep_https(inventory)
    code, out = _run("deploy", "-i", str(inventory), "--json")
    assert code == 0, out
    plan_nc, plan_rc = _both("plan", inventory)
    assert plan_nc == plan_rc
    assert json.loads(plan_nc)["hosts"][0]["changed"] is False
    verify_nc, verify_rc = _both("verify", inventory)
    assert verify_nc == verify_rc
    checks = {c["id"]: c["status"] for c in json.loads(verify_nc)["hosts"][0]["checks"]}
    assert checks["config-readback"] == "pass"


def test_secure_server_off_closes_the_listener(
    lab: LabFactory, inventory_for: InventoryFor, client_for: ClientFor
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    client = client_for(headend)
    assert client.get_data(content="config") is not None
    inventory = inventory_for([headend])
    code, out = _run("deploy", "-i", str(inventory), "--json")  # the seed: step 8 turns it off
    assert code == 0, out
    with pytest.raises(ConnectError, match="refused"):
        RestconfClient.open(client.params)
