"""Reading a PKCS #12 bundle locally, before anything is sent to a headend.

A wrong passphrase, a damaged file, a bundle without key or certificate, a
self-signed or expired certificate: each is refused here, so a deploy stops
before it transfers or configures anything. The passphrase is used and
dropped; no message carries it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from nornir_flexvpn.errors import PkiError


@dataclass(frozen=True)
class BundleInfo:
    """The identity certificate of a bundle (no key material, no passphrase)."""

    subject: str
    issuer: str
    serial: str  # upper-case hex, as pki-oper writes it
    md5: str  # upper-case hex of the DER, no separators
    not_after: dt.datetime
    chain: int  # CA certificates in the bundle

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer

    def __str__(self) -> str:
        return f"subject {self.subject}, issuer {self.issuer}, serial {self.serial}"


def md5_fingerprint(cert: x509.Certificate) -> str:
    der = cert.public_bytes(serialization.Encoding.DER)
    return hashlib.md5(der, usedforsecurity=False).hexdigest().upper()


def normalise_fingerprint(text: str) -> str:
    """Devices print fingerprints grouped (`1A2B3C4D 5E6F...`) or with colons."""
    return "".join(c for c in text if c in "0123456789abcdefABCDEF").upper()


def _is_der_sequence(data: bytes) -> bool:
    """A DER SEQUENCE spanning the whole file (what every PKCS #12 file is)."""
    if len(data) < 4 or data[0] != 0x30:
        return False
    first = data[1]
    if first < 0x80:
        return 2 + first == len(data)
    count = first & 0x7F
    if not 0 < count <= 4 or len(data) < 2 + count:
        return False
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big") == len(data)


def inspect_bundle(
    data: bytes,
    passphrase: str,
    *,
    trustpoint: str,
    source: str,
    now: dt.datetime | None = None,
) -> BundleInfo:
    """The bundle's identity certificate, or PkiError saying why the bundle is unusable."""
    where = f"trustpoint[{trustpoint}].pkcs12_source"
    if not _is_der_sequence(data):
        raise PkiError(f"{source} is not a PKCS #12 bundle (corrupt or truncated file)", path=where)
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError:
        # The structure parsed above, so the MAC did not verify.
        raise PkiError(
            f"cannot open {source}: wrong passphrase (PKCS #12 MAC verification failed) "
            "or a damaged bundle; check trustpoint.passphrase",
            path=where,
        ) from None
    if key is None or cert is None:
        raise PkiError(f"{source} holds no private key and certificate", path=where)
    info = BundleInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "X"),
        md5=md5_fingerprint(cert),
        not_after=cert.not_valid_after_utc,
        chain=len(chain),
    )
    if info.self_signed:
        raise PkiError(
            f"the certificate in {source} is self-signed ({info.subject}): AnyConnect-EAP "
            "needs a CA-issued certificate on the headend (the client refuses it otherwise)",
            path=where,
        )
    moment = now or dt.datetime.now(dt.UTC)
    if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
        raise PkiError(
            f"the certificate in {source} is not valid now "
            f"({cert.not_valid_before_utc:%Y-%m-%d} .. {cert.not_valid_after_utc:%Y-%m-%d})",
            path=where,
        )
    return info


def read_bundle(path: Path, *, trustpoint: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PkiError(
            f"cannot read the PKCS #12 bundle {path} ({type(exc).__name__})",
            path=f"trustpoint[{trustpoint}].pkcs12_source",
        ) from None
