"""What `Cisco-IOS-XE-crypto-pki-oper` says about one trustpoint.

17.3.1 reports the bundle's flags only (enrolled, keys generated); later
releases list each certificate with subject, issuer, serial and MD5
fingerprint. `certificates` is empty when the release does not report them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from nornir_flexvpn.namespaces import CRYPTO_PKI_OPER, qn
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.pki.bundle import normalise_fingerprint

ROOT = "crypto-pki-oper-data"


@dataclass(frozen=True)
class OperCertificate:
    subject: str
    issuer: str
    serial: str
    md5: str
    usage: str

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer


@dataclass(frozen=True)
class OperTrustpoint:
    label: str
    enrolled: bool
    certificates: list[OperCertificate] = field(default_factory=list)

    def holds(self, md5: str) -> OperCertificate | None:
        wanted = normalise_fingerprint(md5)
        for cert in self.certificates:
            if cert.md5 == wanted:
                return cert
        return None


def trustpoint_filter(label: str) -> etree._Element:
    root = etree.Element(qn(CRYPTO_PKI_OPER, ROOT), nsmap={"pki": CRYPTO_PKI_OPER})
    bundle = etree.SubElement(root, qn(CRYPTO_PKI_OPER, "crypto-pki-bundle"))
    etree.SubElement(bundle, qn(CRYPTO_PKI_OPER, "label")).text = label
    return root


def _text(parent: etree._Element, name: str) -> str:
    return (parent.findtext(qn(CRYPTO_PKI_OPER, name)) or "").strip()


def parse_trustpoint(data: etree._Element, label: str) -> OperTrustpoint | None:
    """The bundle `label` in a <data> reply (None: the device has no such trustpoint)."""
    for bundle in data.iter(qn(CRYPTO_PKI_OPER, "crypto-pki-bundle")):
        if _text(bundle, "label") != label:
            continue
        certs = [
            OperCertificate(
                subject=_text(c, "subject-name"),
                issuer=_text(c, "issuer-name"),
                serial=_text(c, "serial-number").upper(),
                md5=normalise_fingerprint(_text(c, "md5-fp")),
                usage=_text(c, "cert-usage"),
            )
            for c in bundle.findall(qn(CRYPTO_PKI_OPER, "cert"))
        ]
        return OperTrustpoint(label, _text(bundle, "tp-enrolled") == "true", certs)
    return None


def read_trustpoint(conn: NetconfConnection, label: str) -> OperTrustpoint | None:
    return parse_trustpoint(conn.get(trustpoint_filter(label)), label)
