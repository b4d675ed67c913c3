"""crypto-oper and interfaces-oper for connected clients, exactly as each release's models say."""

from __future__ import annotations

import pytest
from lxml import etree

from nornir_flexvpn.lab.clients import connect_client, disconnect_client, simulate_traffic
from nornir_flexvpn.lab.state_testing import (
    STATE_RELEASES,
    USER,
    USER_PASSWORD,
    get_state,
    seeded_headend,
)
from nornir_flexvpn.lab.testing import SEED_SAMPLE, connect, make_device
from nornir_flexvpn.namespaces import CRYPTO_OPER, INTERFACES_OPER
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import validate_oper

C = f"{{{CRYPTO_OPER}}}"
IF = f"{{{INTERFACES_OPER}}}"
CRYPTO_FILTER = f'<crypto-oper-data xmlns="{CRYPTO_OPER}"/>'
INTERFACES_FILTER = f'<interfaces xmlns="{INTERFACES_OPER}"/>'


@pytest.mark.parametrize("release", STATE_RELEASES, ids=lambda r: r.value)
def test_connected_client_is_visible_and_valid(release: Release) -> None:
    device, client = seeded_headend(release)
    session = connect_client(device, USER, USER_PASSWORD, "203.0.113.50")
    simulate_traffic(device, session.session_id, packets=7, octets_per_packet=120)

    crypto = get_state(client, CRYPTO_FILTER)
    assert validate_oper(release, crypto) == []
    sa = crypto.find(f"{C}crypto-oper-data/{C}crypto-ikev2-sa[{C}sa-id='1']/{C}sa-data")
    assert sa is not None, etree.tostring(crypto)
    assert {
        leaf: sa.findtext(f"{C}{leaf}")
        for leaf in (
            "sa-status",
            "encr-alg",
            "hash-algo",
            "dh-group",
            "my-auth-method",
            "peer-auth-method",
            "remote-ip-addr",
            "remote-port",
        )
    } == {
        "sa-status": "crypto-sa-status-active",
        "encr-alg": "crypto-encr-alg-aes-cbc",
        "hash-algo": "crypto-hash-alg-auth-hmac-sha256",
        "dh-group": "crypto-dh-grouptype-group14",
        "my-auth-method": "crypto-ikev2-auth-rsa-sig",
        "peer-auth-method": "crypto-ikev2-auth-anyconnect-eap",
        "remote-ip-addr": "203.0.113.50",
        "remote-port": "4500",
    }
    ident = crypto.find(f"{C}crypto-oper-data/{C}crypto-ipsec-ident/{C}ident-data")
    assert ident is not None
    assert ident.findtext(f"{C}remote-ident-addr") == session.assigned_ip
    for direction in ("inbound", "outbound"):
        esp = ident.find(f"{C}{direction}-esp-sa")
        assert esp is not None and esp.findtext(f"{C}sa-status") == "crypto-sa-status-active"
        assert esp.findtext(f"{C}transform-set") == (
            "crypto-transform-esp-aes-cbc-256 crypto-transform-esp-hmac-sha256"
        )
    detail = crypto.find(f"{C}crypto-oper-data/{C}crypto-ikev2-sess-detail")
    # per-session detail exists in the models from 17.12 (DIGEST: "from 17.10")
    assert (detail is not None) == (release >= Release.V17_12_1)
    if detail is not None:
        assert detail.findtext(f"{C}sa/{C}remote-id") == "*$AnyConnectClient$*"
        assert detail.findtext(f"{C}sa-child/{C}keysize") == "256"
        assert detail.findtext(f"{C}sa-child/{C}remote/{C}start-addr") == session.assigned_ip

    interfaces = get_state(client, INTERFACES_FILTER)
    assert validate_oper(release, interfaces) == []
    by_name = {e.findtext(f"{IF}name"): e for e in interfaces.iter(f"{IF}interface")}
    assert {"Loopback100", "Virtual-Template100", "Virtual-Access1"} <= set(by_name)
    va = by_name["Virtual-Access1"]
    assert va.findtext(f"{IF}oper-status") == "if-oper-state-ready"
    assert va.findtext(f"{IF}ipv4") == "10.0.0.1"  # ip unnumbered Loopback100
    assert va.findtext(f"{IF}statistics/{IF}in-unicast-pkts") == "7"
    assert va.findtext(f"{IF}statistics/{IF}out-octets-64") == "840"
    assert by_name["Virtual-Template100"].findtext(f"{IF}oper-status") != "if-oper-state-ready"

    disconnect_client(device, user=USER)
    after = get_state(client, f"{CRYPTO_FILTER}{INTERFACES_FILTER}")
    assert after.find(f".//{C}crypto-ikev2-sa") is None
    assert "Virtual-Access1" not in etree.tostring(after).decode()


def test_16_9_1_has_interfaces_but_no_crypto_oper() -> None:
    device, _ = make_device(Release.V16_9_1)
    client = connect(device)
    client.edit(SEED_SAMPLE)
    data = get_state(client)
    assert data.find(f"{C}crypto-oper-data") is None
    interfaces = data.find(f"{IF}interfaces")
    assert interfaces is not None
    assert validate_oper(Release.V16_9_1, get_state(client, INTERFACES_FILTER)) == []


def test_validation_would_catch_a_wrong_shape() -> None:
    """The checks above are meaningful: a 17.12 leaf in a 17.9 reply is refused."""
    device, client = seeded_headend(Release.V17_12_1)
    connect_client(device, USER, USER_PASSWORD)
    newer = get_state(client, CRYPTO_FILTER)
    assert newer.find(f".//{C}crypto-ikev2-sess-detail") is not None
    issues = validate_oper(Release.V17_9_1, newer)
    assert issues and "not found as a child" in issues[0].message
