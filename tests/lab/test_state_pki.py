"""Bootflash, and `crypto pki import <tp> pkcs12 <url> password <pw>` on the lab headend."""

from __future__ import annotations

import pytest
from lxml import etree

from nornir_flexvpn.errors import BootflashError
from nornir_flexvpn.lab.bootflash import Bootflash, file_name
from nornir_flexvpn.lab.pki import make_test_pkcs12
from nornir_flexvpn.lab.state_testing import (
    P12_URL,
    PASSPHRASE,
    STATE_RELEASES,
    TRUSTPOINT,
    get_state,
    import_rpc,
)
from nornir_flexvpn.lab.testing import connect, make_device, native
from nornir_flexvpn.namespaces import CRYPTO, CRYPTO_PKI_OPER, XE_RPC
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import validate_oper

P = f"{{{CRYPTO_PKI_OPER}}}"


@pytest.fixture(scope="module")
def good_bundle() -> bytes:
    return make_test_pkcs12(PASSPHRASE)


def test_bootflash_urls_sizes_and_full() -> None:
    flash = Bootflash(capacity=100)
    assert file_name("bootflash:/acvpn.xml") == file_name("bootflash:acvpn.xml") == "acvpn.xml"
    assert file_name("flash:x.p12") == "x.p12"
    flash.write("bootflash:a", b"x" * 60)
    assert flash.exists("bootflash:/a") and flash.used == 60 and flash.free == 40
    with pytest.raises(BootflashError, match="No space left on device") as full:
        flash.write("bootflash:b", b"y" * 41)
    assert full.value.path == "bootflash:b"
    assert not flash.exists("b") and flash.used == 60
    flash.write("bootflash:a", b"z" * 100)  # overwriting counts the new size only
    assert [(f.name, f.size) for f in flash.listing()] == [("a", 100)]
    flash.delete("bootflash:/a")
    with pytest.raises(BootflashError, match="No such file"):
        flash.read("bootflash:a")
    for bad in ("nvram:x", "bootflash:", "bootflash:../etc/passwd"):
        with pytest.raises(BootflashError):
            flash.write(bad, b"")


def test_import_installs_trustpoint_and_reports_it(good_bundle: bytes) -> None:
    device, _ = make_device(Release.V17_15_1)
    client = connect(device)
    device.bootflash.write(P12_URL, good_bundle)
    reply = client.rpc(import_rpc())
    assert reply is not None and reply.tag == f"{{{XE_RPC}}}result"
    assert "Imported PKCS12 file successfully" in (reply.text or "")
    tp = device.runtime.trustpoints[TRUSTPOINT]
    assert tp.unfit_reason() is None and not tp.self_signed
    assert tp.subject == "CN=vpn.example.com" and tp.issuer == "CN=flexvpn-lab-ca"
    assert [c.subject.rfc4514_string() for c in tp.chain] == ["CN=flexvpn-lab-ca"]
    assert PASSPHRASE not in repr(tp)
    # a new trustpoint appears in the configuration, as IOS adds it
    config = client.get_config()
    assert (
        config.find(f".//{{{CRYPTO}}}pki/{{{CRYPTO}}}trustpoint[{{{CRYPTO}}}id='{TRUSTPOINT}']")
        is not None
    )

    data = get_state(client, f'<crypto-pki-oper-data xmlns="{CRYPTO_PKI_OPER}"/>')
    assert validate_oper(Release.V17_15_1, data) == []
    bundle = data.find(f"{P}crypto-pki-oper-data/{P}crypto-pki-bundle")
    assert bundle is not None and bundle.findtext(f"{P}label") == TRUSTPOINT
    certs = bundle.findall(f"{P}cert")
    assert [c.findtext(f"{P}subject-name") for c in certs] == [
        "CN=vpn.example.com",
        "CN=flexvpn-lab-ca",
    ]
    assert certs[0].findtext(f"{P}issuer-name") == "CN=flexvpn-lab-ca"
    start, end = certs[0].findtext(f"{P}validity-start"), certs[0].findtext(f"{P}validity-end")
    assert start == tp.not_before.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert end == tp.not_after.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _import_error(bundle: bytes, password: str = PASSPHRASE) -> tuple[str, str, str]:
    device, _ = make_device(Release.V17_12_1)
    client = connect(device)
    device.bootflash.write(P12_URL, bundle)
    error = client.error(import_rpc(password=password))
    assert device.runtime.trustpoints == {}
    return error.tag, error.message, str(error.path)


def test_configured_trustpoint_is_reported_unenrolled_until_imported() -> None:
    device, _ = make_device(Release.V17_9_1)
    client = connect(device)
    client.edit(
        native(
            f'<crypto><pki xmlns="{CRYPTO}"><trustpoint><id>{TRUSTPOINT}</id>'
            "</trustpoint></pki></crypto>"
        )
    )
    data = get_state(client, f'<crypto-pki-oper-data xmlns="{CRYPTO_PKI_OPER}"/>')
    assert validate_oper(Release.V17_9_1, data) == []
    bundle = data.find(f"{P}crypto-pki-oper-data/{P}crypto-pki-bundle")
    assert bundle is not None and bundle.findtext(f"{P}label") == TRUSTPOINT
    assert bundle.findtext(f"{P}tp-enrolled") == "false" and bundle.find(f"{P}cert") is None
    device.bootflash.write(P12_URL, make_test_pkcs12(PASSPHRASE))
    client.rpc(import_rpc())
    data = get_state(client, f'<crypto-pki-oper-data xmlns="{CRYPTO_PKI_OPER}"/>')
    bundles = data.findall(f"{P}crypto-pki-oper-data/{P}crypto-pki-bundle")
    assert [b.findtext(f"{P}tp-enrolled") for b in bundles] == ["true"]


def test_wrong_passphrase_fails_without_echoing_it(good_bundle: bytes) -> None:
    tag, message, path = _import_error(good_bundle, password="not-the-Passphrase-42")
    assert tag == "operation-failed"
    assert "wrong passphrase" in message and "bootflash:IKEv2-TP.p12" in message
    assert "not-the-Passphrase-42" not in message + path
    assert TRUSTPOINT in path


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b[: len(b) // 2],  # truncated upload
        lambda b: b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        lambda b: b"\x00" * 64,
    ],
    ids=["truncated", "pem-not-p12", "zeros"],
)
def test_corrupt_bundle_fails(good_bundle: bytes, mangle: object) -> None:
    assert callable(mangle)
    tag, message, _ = _import_error(mangle(good_bundle))
    assert tag == "operation-failed"
    assert "not a PKCS #12 bundle" in message


def test_missing_file_fails() -> None:
    device, _ = make_device(Release.V17_9_1)
    error = connect(device).error(import_rpc(url="bootflash:nope.p12"))
    assert error.tag == "operation-failed"
    assert "%Error opening bootflash:nope.p12 (No such file or directory)" in error.message


def test_self_signed_is_imported_but_unfit() -> None:
    device, _ = make_device(Release.V17_9_1)
    client = connect(device)
    device.bootflash.write(P12_URL, make_test_pkcs12(PASSPHRASE, self_signed=True))
    reply = client.rpc(import_rpc())
    assert reply is not None and "self-signed" in (reply.text or "")
    tp = device.runtime.trustpoints[TRUSTPOINT]
    assert tp.self_signed and tp.chain == []
    assert "self-signed" in (tp.unfit_reason() or "")


def test_expired_certificate_is_unfit() -> None:
    device, _ = make_device(Release.V17_9_1)
    device.bootflash.write(P12_URL, make_test_pkcs12(PASSPHRASE, expired=True))
    connect(device).rpc(import_rpc())
    assert "expired" in (device.runtime.trustpoints[TRUSTPOINT].unfit_reason() or "")


def test_release_without_the_rpc_refuses_it(good_bundle: bytes) -> None:
    device, _ = make_device(Release.V16_9_1)
    device.bootflash.write(P12_URL, good_bundle)
    error = connect(device).error(import_rpc())
    assert error.tag == "operation-not-supported"


def test_other_crypto_subcommands_are_refused() -> None:
    device, _ = make_device(Release.V17_15_1)
    error = connect(device).error(
        f'<crypto xmlns="{XE_RPC}"><pki><enroll><name-drop-node-name>X'
        "</name-drop-node-name></enroll></pki></crypto>"
    )
    assert error.tag == "operation-not-supported"


@pytest.mark.parametrize("release", STATE_RELEASES, ids=lambda r: r.value)
def test_pki_oper_fits_each_release(release: Release, good_bundle: bytes) -> None:
    device, _ = make_device(release)
    client = connect(device)
    device.bootflash.write(P12_URL, good_bundle)
    client.rpc(import_rpc())
    data = get_state(client, f'<crypto-pki-oper-data xmlns="{CRYPTO_PKI_OPER}"/>')
    assert validate_oper(release, data) == []
    bundle = data.find(f"{P}crypto-pki-oper-data/{P}crypto-pki-bundle")
    assert bundle is not None and bundle.findtext(f"{P}tp-enrolled") == "true"
    # 17.3.1's model has no certificate list; 17.9.1 on has subject, issuer, validity.
    has_certs = bundle.find(f"{P}cert") is not None
    assert has_certs == (release >= Release.V17_9_1), etree.tostring(bundle)
