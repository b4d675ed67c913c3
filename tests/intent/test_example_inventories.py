"""Every example inventory under inventory/ loads, lints clean and validates."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_flexvpn.intent.lint import lint
from nornir_flexvpn.intent.loader import load_hosts
from nornir_flexvpn.intent.secrets import resolve_secrets
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.schema.validate import validate_config

ROOT = Path(__file__).resolve().parents[2] / "inventory"
INVENTORIES = sorted(p.parent for p in ROOT.glob("*/hosts.yaml"))


def test_there_are_example_inventories() -> None:
    assert {p.name for p in INVENTORIES} >= {"seed", "demo-fleet"}


@pytest.mark.parametrize("folder", INVENTORIES, ids=lambda p: p.name)
def test_every_host_lints_clean_and_validates(folder: Path) -> None:
    hosts = load_hosts(folder)
    assert hosts
    for host in hosts.values():
        errors = [f for f in lint(host.intent, host.release) if f.severity == "error"]
        assert not errors, (host.name, errors)
        payload = build_payload(
            host.intent, host.release, resolve_secrets(host.intent, base_dir=folder)
        )
        assert validate_config(host.release, payload.config) == [], host.name


def test_demo_fleet_sites_override_only_what_differs() -> None:
    hosts = load_hosts(ROOT / "demo-fleet")
    fra, ams = hosts["fra-hub1"].intent, hosts["ams-hub1"].intent
    assert str(fra.pools[0].start) == "192.168.20.5"
    assert str(ams.pools[0].start) == "192.168.10.5"
    assert [str(d) for d in fra.authorization_policies[0].dns] == ["10.0.2.1"]
    # Everything else is the document's headend.
    assert fra.ikev2_profiles == ams.ikev2_profiles
    assert fra.ikev2_profiles[0].name == "AnyConnect-EAP"
