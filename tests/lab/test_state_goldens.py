"""The payload builders' seed goldens (payloads/<release>/seed-headend.xml) carry a
working AnyConnect headend: a client connects through exactly that config."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from nornir_flexvpn.lab.clients import connect_client
from nornir_flexvpn.lab.pki import make_test_pkcs12
from nornir_flexvpn.lab.state_testing import (
    P12_URL,
    PASSPHRASE,
    PROFILE_URL,
    PROFILE_XML,
    USER,
    USER_PASSWORD,
    import_rpc,
)
from nornir_flexvpn.lab.testing import connect, make_device
from nornir_flexvpn.lab.xmlutil import elements
from nornir_flexvpn.namespaces import CLI_RPC
from nornir_flexvpn.releases import Release

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
REDACTED = "********"


def _goldens() -> list[tuple[Release, Path]]:
    found = []
    for path in sorted(PAYLOADS.glob("*/seed-headend.xml")):
        release = Release.parse(path.parent.name)
        if release >= Release.V17_3_1:  # 16.9.1 cannot express the pool or profile binding
            found.append((release, path))
    return found


GOLDENS = _goldens()


def test_every_17x_release_has_a_golden() -> None:
    assert {r for r, _ in GOLDENS} == {r for r in Release if r >= Release.V17_3_1}


@pytest.mark.parametrize(("release", "golden"), GOLDENS, ids=lambda v: getattr(v, "value", ""))
def test_client_connects_through_the_golden(release: Release, golden: Path) -> None:
    text = golden.read_text(encoding="utf-8").replace(REDACTED, USER_PASSWORD)
    config = etree.fromstring(text.encode(), PARSER)
    device, _ = make_device(release)
    client = connect(device)
    client.edit("".join(etree.tostring(e).decode() for e in elements(config)))
    nat_inside = device.has_rpc("Cisco-IOS-XE-cli-rpc", "config-ios-cli-rpc")
    if nat_inside:
        client.rpc(
            f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>'
            "interface Virtual-Template100 type tunnel\n ip nat inside\n"
            "</config-clis></config-ios-cli-rpc>"
        )
    device.bootflash.write(PROFILE_URL, PROFILE_XML)
    device.bootflash.write(P12_URL, make_test_pkcs12(PASSPHRASE))
    client.rpc(import_rpc())
    session = connect_client(device, USER, USER_PASSWORD, "203.0.113.8")
    assert (session.ike_encryption, session.ike_integrity, session.dh_group) == (
        "aes-cbc-256",
        "sha256",
        14,
    )
    assert session.assigned_ip == "192.168.10.5"
    assert (" ip nat inside" in session.derived_config()) == nat_inside
