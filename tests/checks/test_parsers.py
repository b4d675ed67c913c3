"""The oper parsers on each release's real shapes (in-process lab device) and on bad replies."""

from __future__ import annotations

import pytest
from lxml import etree

from nornir_flexvpn.checks.crypto_oper import parse_crypto
from nornir_flexvpn.checks.interfaces_oper import parse_interfaces
from nornir_flexvpn.checks.pki_oper import parse_pki
from nornir_flexvpn.checks.source import crypto_filter, interfaces_filter, pki_filter
from nornir_flexvpn.checks.state import ReleaseModels, read_state
from nornir_flexvpn.checks.xmlread import parse_xml
from nornir_flexvpn.errors import OperReplyError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.lab.clients import connect_client, simulate_traffic
from nornir_flexvpn.lab.state_testing import (
    STATE_RELEASES,
    USER,
    USER_PASSWORD,
    get_state,
    seeded_headend,
)
from nornir_flexvpn.lab.testing import Client
from nornir_flexvpn.namespaces import CRYPTO_OPER, INTERFACES_OPER, NC
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import validate_oper


class InProcess:
    """An OperSource on an in-process lab session."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, filter: etree._Element) -> etree._Element:
        return get_state(self.client, etree.tostring(filter).decode())


@pytest.mark.parametrize("release", STATE_RELEASES, ids=lambda r: r.value)
def test_each_release_parses_and_its_replies_validate(release: Release) -> None:
    device, client = seeded_headend(release)
    session = connect_client(device, USER, USER_PASSWORD, "203.0.113.50")
    simulate_traffic(device, session.session_id, packets=7)
    models = ReleaseModels.of(release)
    source = InProcess(client)

    crypto_data = source.get(crypto_filter(models.crypto_parts))
    pki_data = source.get(pki_filter(["IKEv2-TP"]))
    if_data = source.get(interfaces_filter(["Loopback100", session.interface]))
    for data in (crypto_data, pki_data, if_data):
        assert validate_oper(release, data) == []

    crypto = parse_crypto(crypto_data)
    (sa,) = crypto.ikev2_sas
    assert (sa.ready, sa.encryption, sa.integrity, sa.dh_group) == (True, "aes-cbc", "sha256", 14)
    assert (sa.local_auth, sa.remote_auth) == ("rsa-sig", "anyconnect-eap")
    assert (sa.remote_ip, sa.remote_port) == ("203.0.113.50", 4500)
    ident = crypto.ident_for(sa)
    assert ident is not None and ident.up and ident.interface == "Virtual-Access1"
    assert ident.remote_ident == (session.assigned_ip, "255.255.255.255")
    assert ident.inbound is not None
    assert ident.inbound.transforms == ("esp-aes-cbc-256", "esp-hmac-sha256")
    detailed = release >= Release.V17_12_1
    assert crypto.sessions_detailed is detailed
    assert (sa.remote_id == "*$AnyConnectClient$*") is detailed
    assert (crypto.anyconnect_peers == 1) is detailed

    tp = parse_pki(pki_data, with_certificates=models.pki_certificates)["IKEv2-TP"]
    assert tp.enrolled is True
    if models.pki_certificates:
        assert tp.identity is not None and tp.identity.subject == "CN=vpn.example.com"
        assert not tp.identity.self_signed
    else:
        assert release == Release.V17_3_1 and tp.certificates == ()

    interfaces = parse_interfaces(if_data)
    assert interfaces["Loopback100"].up and interfaces["Loopback100"].address == "10.0.0.1"
    va = interfaces["Virtual-Access1"]
    assert va.template == "Virtual-Template100" and va.packets_in == 7


def test_release_without_crypto_oper_asks_nothing_of_it() -> None:
    models = ReleaseModels.of(Release.V16_9_1)
    assert not models.crypto and not models.pki and models.interfaces


def test_state_read_asks_for_the_virtual_access_of_each_session() -> None:
    device, client = seeded_headend(Release.V17_15_1)
    connect_client(device, USER, USER_PASSWORD, "203.0.113.50")
    connect_client(device, USER, USER_PASSWORD, "203.0.113.51")
    state = read_state(InProcess(client), Release.V17_15_1, FlexVpnIntent())
    assert sorted(state.interfaces) == [
        "Loopback100",
        "Virtual-Access1",
        "Virtual-Access2",
        "Virtual-Template100",
    ]
    assert state.session_count == 2
    assert state.running.pools["ACPOOL"].size == 6
    assert state.running.templates[100].ipsec_profile == "AnyConnect-EAP"


def _crypto(inner: str) -> etree._Element:
    return parse_xml(
        f'<data xmlns="{NC}"><crypto-oper-data xmlns="{CRYPTO_OPER}">{inner}</crypto-oper-data></data>'
    )


SA = (
    "<crypto-ikev2-sa><sa-id>7</sa-id><sa-data><sa-id>7</sa-id>"
    "<sa-status>crypto-sa-status-active</sa-status>{extra}</sa-data></crypto-ikev2-sa>"
)


@pytest.mark.parametrize(
    ("reply", "path", "words"),
    [
        pytest.param(
            SA.format(extra="<encr-alg>crypto-encr-alg-rot13</encr-alg>"),
            "/crypto-oper-data/crypto-ikev2-sa[sa-id='7']/sa-data/encr-alg",
            "unexpected value 'crypto-encr-alg-rot13'",
            id="unknown-enum",
        ),
        pytest.param(
            SA.format(extra="<remote-port>forty</remote-port>"),
            "/crypto-oper-data/crypto-ikev2-sa[sa-id='7']/sa-data/remote-port",
            "not an integer",
            id="bad-integer",
        ),
        pytest.param(
            SA.format(extra="<remote-ip-addr>203.0.113.300</remote-ip-addr>"),
            "/crypto-oper-data/crypto-ikev2-sa[sa-id='7']/sa-data/remote-ip-addr",
            "not an IP address",
            id="bad-address",
        ),
        pytest.param(
            "<crypto-ikev2-sa><sa-data/></crypto-ikev2-sa>",
            "/crypto-oper-data/crypto-ikev2-sa/sa-id",
            "list key <sa-id> is missing",
            id="missing-key",
        ),
        pytest.param(
            "<crypto-ikev2-sa><sa-id>7</sa-id></crypto-ikev2-sa>",
            "/crypto-oper-data/crypto-ikev2-sa[sa-id='7']/sa-data",
            "<sa-data> is missing",
            id="missing-container",
        ),
        pytest.param(
            SA.format(extra="<dh-group>crypto-dh-grouptype-group14</dh-group>" * 2),
            "/crypto-oper-data/crypto-ikev2-sa[sa-id='7']/sa-data/dh-group",
            "appears 2 times",
            id="duplicate-leaf",
        ),
        pytest.param(
            "<crypto-ipsec-ident><interface>Virtual-Access1</interface><ident-data>"
            "<inbound-esp-sa><transform-set>esp-aes</transform-set></inbound-esp-sa>"
            "</ident-data></crypto-ipsec-ident>",
            "/crypto-oper-data/crypto-ipsec-ident[interface='Virtual-Access1']/ident-data/"
            "inbound-esp-sa/transform-set",
            "unexpected transform bit 'esp-aes'",
            id="bad-bits",
        ),
    ],
)
def test_unexpected_crypto_reply_is_an_error_naming_the_path(
    reply: str, path: str, words: str
) -> None:
    with pytest.raises(OperReplyError) as caught:
        parse_crypto(_crypto(reply))
    assert caught.value.path == path
    assert words in caught.value.message


def test_reply_with_another_root_or_no_data_is_an_error() -> None:
    wrong = parse_xml(f'<data xmlns="{NC}"><interfaces xmlns="{INTERFACES_OPER}"/></data>')
    with pytest.raises(OperReplyError) as caught:
        parse_crypto(wrong)
    assert caught.value.path == "/interfaces"
    with pytest.raises(OperReplyError):
        parse_crypto(parse_xml(f'<rpc-reply xmlns="{NC}"/>'))
    with pytest.raises(OperReplyError):
        parse_xml("<data><unclosed></data>")


def test_entities_are_not_expanded() -> None:
    doc = '<!DOCTYPE d [<!ENTITY x "boom">]><data xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">&x;</data>'
    data = parse_xml(doc)
    assert "boom" not in etree.tostring(data).decode()


def test_empty_reply_means_nothing_there() -> None:
    empty = parse_xml(f'<data xmlns="{NC}"/>')
    assert parse_crypto(empty).ikev2_sas == ()
    assert parse_pki(empty, with_certificates=True) == {}
    assert parse_interfaces(empty) == {}
