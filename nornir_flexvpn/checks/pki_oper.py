"""`Cisco-IOS-XE-crypto-pki-oper`, parsed: trustpoints and their certificates.

17.3.1 reports only a bundle's flags; from 17.9.1 each bundle lists its
certificates (subject, issuer, validity). `certificates_reported` tells the
checks which of the two they are looking at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from nornir_flexvpn.checks import xmlread as x
from nornir_flexvpn.namespaces import CRYPTO_PKI_OPER

NS = CRYPTO_PKI_OPER
ROOT = "crypto-pki-oper-data"

CERT_USAGE: dict[str, str | None] = {
    "crypto-pki-cert-usage-unset": None,
    "crypto-pki-cert-usage-signature": "signature",
    "crypto-pki-cert-usage-encryption": "encryption",
    "crypto-pki-cert-usage-usage-keys": "usage-keys",
    "crypto-pki-cert-general-purpose": "general-purpose",
}
# The identity certificate is listed with one of these; CA certificates with the others.
IDENTITY_USAGES = frozenset({"general-purpose", "usage-keys", "encryption"})


@dataclass(frozen=True)
class Certificate:
    subject: str | None
    issuer: str | None
    serial: str | None
    usage: str | None
    not_before: dt.datetime | None
    not_after: dt.datetime | None

    @property
    def self_signed(self) -> bool:
        return self.subject is not None and self.subject == self.issuer


@dataclass(frozen=True)
class TrustpointState:
    label: str
    authenticated: bool | None
    enrolled: bool | None
    certificates: tuple[Certificate, ...]
    certificates_reported: bool

    @property
    def identity(self) -> Certificate | None:
        """The headend's own certificate (the first one that is not a CA's)."""
        for cert in self.certificates:
            if cert.usage in IDENTITY_USAGES:
                return cert
        issuers = {c.subject for c in self.certificates if c.self_signed}
        for cert in self.certificates:
            if cert.subject not in issuers:
                return cert
        return self.certificates[0] if self.certificates else None


def parse_pki(data: etree._Element, *, with_certificates: bool) -> dict[str, TrustpointState]:
    """`<data>` of the filtered get -> trustpoints by label (empty: none installed)."""
    root = x.top(data, NS, ROOT)
    if root is None:
        return {}
    base = f"/{ROOT}"
    out: dict[str, TrustpointState] = {}
    for bundle in x.children(root, NS, "crypto-pki-bundle"):
        label = x.key(bundle, NS, "label", f"{base}/crypto-pki-bundle")
        where = x.keyed(base, "crypto-pki-bundle", "label", label)
        certs = tuple(_cert(c, f"{where}/cert") for c in x.children(bundle, NS, "cert"))
        out[label] = TrustpointState(
            label=label,
            authenticated=x.boolean(bundle, NS, "tp-authenticated", where),
            enrolled=x.boolean(bundle, NS, "tp-enrolled", where),
            certificates=certs,
            certificates_reported=with_certificates,
        )
    return out


def _cert(entry: etree._Element, where: str) -> Certificate:
    usage_text = x.text(entry, NS, "cert-usage", where)
    return Certificate(
        subject=x.text(entry, NS, "subject-name", where),
        issuer=x.text(entry, NS, "issuer-name", where),
        serial=x.text(entry, NS, "serial-number", where),
        usage=x.enum(entry, NS, "cert-usage", where, CERT_USAGE) if usage_text else None,
        not_before=x.timestamp(entry, NS, "validity-start", where),
        not_after=x.timestamp(entry, NS, "validity-end", where),
    )
