"""`Cisco-IOS-XE-crypto-pki-oper`: the lab headend's imported trustpoints.

17.3.1 reports only the bundle flags (label, mode, authenticated, keys,
enrolled); from 17.9.1 each bundle lists its certificates with subject,
issuer, serial, MD5 fingerprint and validity, which `prune` keeps or drops
per release. A trustpoint configured but not yet imported is reported
with nothing enrolled, as a device shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography import x509
from lxml import etree

from nornir_flexvpn.lab.headend_config import read_headend_config
from nornir_flexvpn.lab.oper import OperBuilder, date_and_time, prune
from nornir_flexvpn.lab.pki import Trustpoint, fingerprint_md5
from nornir_flexvpn.namespaces import CRYPTO_PKI_OPER

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

ROOT = "crypto-pki-oper-data"
_B = OperBuilder(CRYPTO_PKI_OPER)


def pki_oper_state(device: LabDevice) -> list[etree._Element]:
    if device.index.root(CRYPTO_PKI_OPER, ROOT) is None:
        return []
    trustpoints = device.runtime.trustpoints
    configured = read_headend_config(device).trustpoints
    if not trustpoints and not configured:
        return []
    root = _B.root(ROOT)
    for name in sorted(set(trustpoints) | configured):
        if name in trustpoints:
            _bundle(root, trustpoints[name])
        else:
            _empty_bundle(root, name)
    pruned = prune(device.index, root)
    return [] if pruned is None else [pruned]


def _bundle(root: etree._Element, tp: Trustpoint) -> None:
    bundle = _B.node(root, "crypto-pki-bundle")
    _B.leaf(bundle, "label", tp.name)
    _B.leaf(bundle, "mode", "crypto-pki-mode-none")
    _B.leaf(bundle, "tp-authenticated", bool(tp.chain) or tp.self_signed)
    _B.leaf(bundle, "tp-keys-generated", True)
    _B.leaf(bundle, "tp-enrolled", True)
    _B.leaf(bundle, "tp-scep-enrollment-in-progress", False)
    _B.leaf(bundle, "key-export", "crypto-pki-key-not-exportable")
    _cert(bundle, tp.name, tp.certificate, "crypto-pki-cert-general-purpose", "nvram")
    for ca in tp.chain:
        _cert(bundle, tp.name, ca, "crypto-pki-cert-usage-signature", "nvram")


def _empty_bundle(root: etree._Element, name: str) -> None:
    """A trustpoint that is configured but holds no certificate yet (not imported)."""
    bundle = _B.node(root, "crypto-pki-bundle")
    _B.leaf(bundle, "label", name)
    _B.leaf(bundle, "mode", "crypto-pki-mode-none")
    _B.leaf(bundle, "tp-authenticated", False)
    _B.leaf(bundle, "tp-keys-generated", False)
    _B.leaf(bundle, "tp-enrolled", False)
    _B.leaf(bundle, "tp-scep-enrollment-in-progress", False)


def _cert(
    bundle: etree._Element, tp_name: str, cert: x509.Certificate, usage: str, storage: str
) -> None:
    entry = _B.node(bundle, "cert")
    _B.leaf(entry, "cert-avail", "crypto-pki-cert-available")
    _B.leaf(entry, "cert-usage", usage)
    _B.leaf(entry, "cert-key-type", "crypto-pki-cert-key-rsa")
    _B.leaf(entry, "serial-number", format(cert.serial_number, "X"))
    _B.leaf(entry, "subject-name", cert.subject.rfc4514_string())
    _B.leaf(entry, "issuer-name", cert.issuer.rfc4514_string())
    _B.leaf(entry, "storage", f"{storage}:{tp_name}#{format(cert.serial_number, 'X')[-4:]}.cer")
    _B.leaf(entry, "md5-fp", fingerprint_md5(cert))
    _B.leaf(entry, "validity-start", date_and_time(cert.not_valid_before_utc))
    _B.leaf(entry, "validity-end", date_and_time(cert.not_valid_after_utc))
    asc = _B.node(entry, "asc-tp")
    _B.leaf(asc, "tp-name", tp_name)
