"""A bundle is checked locally before anything goes to the headend."""

from __future__ import annotations

import datetime as dt

import pytest

from nornir_flexvpn.errors import PkiError
from nornir_flexvpn.lab.pki import LAB_CA_NAME, make_test_pkcs12
from nornir_flexvpn.pki.bundle import inspect_bundle, normalise_fingerprint
from nornir_flexvpn.pki.importer import import_rpc
from nornir_flexvpn.pki.oper import parse_trustpoint
from tests.pki.conftest import PASSPHRASE


@pytest.fixture(scope="module")
def good() -> bytes:
    return make_test_pkcs12(PASSPHRASE)


def _inspect(data: bytes, passphrase: str = PASSPHRASE) -> None:
    inspect_bundle(data, passphrase, trustpoint="IKEv2-TP", source="b.p12")


def test_a_ca_issued_bundle_is_described(good: bytes) -> None:
    info = inspect_bundle(good, PASSPHRASE, trustpoint="IKEv2-TP", source="b.p12")
    assert info.subject == "CN=vpn.example.com" and info.issuer == f"CN={LAB_CA_NAME}"
    assert not info.self_signed and info.chain == 1
    assert len(info.md5) == 32 and info.md5 == info.md5.upper()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda g: g, "wrong passphrase"),
        (lambda g: g[:-40], "not a PKCS #12 bundle"),
        (lambda g: b"-----BEGIN CERTIFICATE-----\n", "not a PKCS #12 bundle"),
        (lambda g: make_test_pkcs12(PASSPHRASE, self_signed=True), "self-signed"),
        (lambda g: make_test_pkcs12(PASSPHRASE, expired=True), "not valid now"),
    ],
    ids=["wrong-passphrase", "truncated", "pem", "self-signed", "expired"],
)
def test_unusable_bundles_are_refused_without_the_passphrase(
    good: bytes, make: object, message: str
) -> None:
    assert callable(make)
    data = make(good)
    passphrase = "not-the-passphrase-123" if message == "wrong passphrase" else PASSPHRASE
    with pytest.raises(PkiError, match=message) as caught:
        _inspect(data, passphrase)
    assert caught.value.path == "trustpoint[IKEv2-TP].pkcs12_source"
    assert passphrase not in str(caught.value) and PASSPHRASE not in repr(caught.value)


def test_expiry_is_judged_at_the_given_moment(good: bytes) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4000)
    with pytest.raises(PkiError, match="not valid now"):
        inspect_bundle(good, PASSPHRASE, trustpoint="T", source="b", now=later)


def test_import_rpc_shape_and_oper_parsing() -> None:
    rpc = import_rpc("IKEv2-TP", "bootflash:IKEv2-TP.p12", "pw")
    assert [c.tag.split("}")[1] for c in rpc.iter()] == [
        "crypto",
        "pki",
        "import",
        "name-drop-node-name",
        "pkcs12",
        "password",
    ]
    assert normalise_fingerprint("1a2b:3C4D 5e6f") == "1A2B3C4D5E6F"
    from lxml import etree

    from nornir_flexvpn.namespaces import CRYPTO_PKI_OPER

    data = etree.fromstring(
        f'<data><crypto-pki-oper-data xmlns="{CRYPTO_PKI_OPER}"><crypto-pki-bundle>'
        "<label>TP</label><tp-enrolled>true</tp-enrolled><cert><subject-name>CN=a</subject-name>"
        "<issuer-name>CN=a</issuer-name><md5-fp>ab cd</md5-fp></cert></crypto-pki-bundle>"
        "</crypto-pki-oper-data></data>"
    )
    tp = parse_trustpoint(data, "TP")
    assert tp is not None and tp.enrolled
    cert = tp.holds("ABCD")
    assert cert is not None and cert.self_signed
    assert parse_trustpoint(data, "other") is None
