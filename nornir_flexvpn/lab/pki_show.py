"""`show crypto pki certificates [verbose] [<tp>]` on the lab headend's CLI.

16.9.1 has no crypto-pki-oper, so the CLI is where a controller confirms an
import there. The text is rendered from the same runtime trustpoints that
`lab.pki_oper` reports (identity certificate first, then the CA chain), in
IOS's layout; `verbose` adds the MD5/SHA1 fingerprints a controller needs to
tell one certificate from another. A trustpoint that is unknown or holds no
certificate prints nothing, as IOS does.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from nornir_flexvpn.lab.pki import Trustpoint, fingerprint_md5

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice


def _name_lines(name: x509.Name) -> list[str]:
    """IOS prints one RDN per line, attribute names in lower case."""
    lines = []
    for rdn in name.rdns:
        key, _, value = rdn.rfc4514_string().partition("=")
        lines.append(f"{key.lower()}={value}")
    return lines


def _common_name(name: x509.Name) -> str | None:
    for attr in name:
        if attr.oid == x509.oid.NameOID.COMMON_NAME:
            return str(attr.value)
    return None


def _date(moment: x509.Certificate, end: bool) -> str:
    when = moment.not_valid_after_utc if end else moment.not_valid_before_utc
    return f"{when:%H:%M:%S} UTC {when:%b} {when.day} {when.year}"


def _grouped(hexdigest: str) -> str:
    return " ".join(hexdigest[i : i + 8] for i in range(0, len(hexdigest), 8))


def _sha1(cert: x509.Certificate) -> str:
    der = cert.public_bytes(serialization.Encoding.DER)
    return hashlib.sha1(der, usedforsecurity=False).hexdigest().upper()


def _block(tp: Trustpoint, cert: x509.Certificate, *, ca: bool, verbose: bool) -> str:
    serial = format(cert.serial_number, "X")
    if ca:
        title, usage = "CA Certificate", "Signature"
    elif cert.subject == cert.issuer:
        title, usage = "Router Self-Signed Certificate", "General Purpose"
    else:
        title, usage = "Certificate", "General Purpose"
    lines = [
        title,
        "  Status: Available",
        f"  Certificate Serial Number (hex): {serial}",
        f"  Certificate Usage: {usage}",
        "  Issuer: ",
        *(f"    {x}" for x in _name_lines(cert.issuer)),
        "  Subject: ",
    ]
    name = _common_name(cert.subject)
    if name is not None and not ca:
        lines.append(f"    Name: {name}")
    lines.extend(f"    {x}" for x in _name_lines(cert.subject))
    lines += [
        "  Validity Date: ",
        f"    start date: {_date(cert, False)}",
        f"    end   date: {_date(cert, True)}",
    ]
    if verbose:
        lines += [
            "  Subject Key Info: ",
            "    Public Key Algorithm: rsaEncryption",
            "  Signature Algorithm: SHA256 with RSA Encryption",
            f"  Fingerprint MD5: {_grouped(fingerprint_md5(cert))} ",
            f"  Fingerprint SHA1: {_grouped(_sha1(cert))} ",
        ]
    lines += [
        f"  Associated Trustpoints: {tp.name} ",
        f"  Storage: nvram:{tp.name[:10]}#{serial[-4:]}{'CA' if ca else ''}.cer",
    ]
    return "\n".join(lines) + "\n"


def show_certificates(device: LabDevice, args: list[str]) -> str | None:
    """The output for `show crypto pki certificates <args>`; None: args IOS would refuse."""
    verbose = bool(args) and args[0].lower() == "verbose"
    rest = args[1:] if verbose else args
    if len(rest) > 1:
        return None
    wanted = rest[0] if rest else None
    blocks: list[str] = []
    for name in sorted(device.runtime.trustpoints):
        if wanted is not None and name != wanted:
            continue
        tp = device.runtime.trustpoints[name]
        blocks.append(_block(tp, tp.certificate, ca=False, verbose=verbose))
        blocks.extend(_block(tp, ca, ca=True, verbose=verbose) for ca in tp.chain)
    return "\n".join(blocks)
