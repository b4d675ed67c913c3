"""PKI on the lab headend: `crypto pki import <tp> pkcs12 <url> password <pw>`.

The `Cisco-IOS-XE-rpc` `crypto` RPC (17.x; `Cisco-IOS-XE-crypto-rpc` adds
`pki/import`) reads a real PKCS #12 bundle from the device's bootflash with
`cryptography`, and installs the trustpoint: identity certificate, private
key and CA chain. A wrong passphrase and a corrupt file fail the way IOS
reports them (rpc-error operation-failed); a self-signed certificate is
imported but marked unfit for AnyConnect-EAP, which refuses it. The
passphrase never appears in an error, a log line or a repr.

`make_test_pkcs12` builds bundles for tests and the demo, signed by a
throwaway lab CA created once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lxml import etree

from nornir_flexvpn.errors import BootflashError
from nornir_flexvpn.lab.contract import SessionInfo
from nornir_flexvpn.lab.headend_config import read_headend_config
from nornir_flexvpn.lab.replies import LabRpcError, missing_element, rpc_error
from nornir_flexvpn.lab.xmlutil import default_nsmap, elements, qname, text_of
from nornir_flexvpn.namespaces import CRYPTO, NATIVE, NC, XE_RPC

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

log = logging.getLogger(__name__)

PrivateKey = rsa.RSAPrivateKey
LAB_CA_NAME = "flexvpn-lab-ca"


@dataclass
class Trustpoint:
    """An installed trustpoint: what `show crypto pki certificates <tp>` would list."""

    name: str
    certificate: x509.Certificate
    key: PrivateKey = field(repr=False)
    chain: list[x509.Certificate] = field(default_factory=list)
    source: str = ""

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string()

    @property
    def not_before(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    @property
    def self_signed(self) -> bool:
        return self.certificate.subject == self.certificate.issuer

    def expired(self, now: dt.datetime | None = None) -> bool:
        moment = now or dt.datetime.now(dt.UTC)
        return not (self.not_before <= moment <= self.not_after)

    def unfit_reason(self, now: dt.datetime | None = None) -> str | None:
        """Why AnyConnect-EAP cannot use this certificate (None when it can)."""
        if self.self_signed:
            return (
                f"the certificate of trustpoint {self.name} is self-signed "
                "(AnyConnect-EAP needs a CA-issued certificate)"
            )
        if self.expired(now):
            return f"the certificate of trustpoint {self.name} is not valid now (expired)"
        return None


# --- the RPC ---------------------------------------------------------------------------
def crypto_rpc(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    """`Cisco-IOS-XE-rpc:crypto`: only `pki/import ... pkcs12` is simulated."""
    pki_el = _only_child(op, "pki")
    command = _only_child(pki_el, "import", allowed=_PKI_SUBCOMMANDS)
    params = {qname(c)[1]: c for c in elements(command)}
    unknown = set(params) - {"name-drop-node-name", "certificate", "pkcs12", "password"}
    if unknown:
        name = sorted(unknown)[0]
        raise rpc_error(
            f"<{name}> is not a parameter of crypto pki import",
            "unknown-element",
            error_type="protocol",
            info={"bad-element": name},
        )
    if "certificate" in params:
        raise rpc_error(
            "crypto pki import <tp> certificate is not simulated by the lab",
            "operation-not-supported",
            error_type="protocol",
        )
    for required in ("name-drop-node-name", "pkcs12", "password"):
        if required not in params:
            raise missing_element(required)
    trustpoint = text_of(params["name-drop-node-name"])
    url = text_of(params["pkcs12"])
    passphrase = params["password"].text or ""
    installed = import_pkcs12(device, trustpoint, url, passphrase)
    result = etree.Element(f"{{{XE_RPC}}}result", nsmap=default_nsmap(XE_RPC))
    note = "" if installed.unfit_reason() is None else f"\n% Warning: {installed.unfit_reason()}"
    result.text = (
        f"% Importing pkcs12...\nSource filename [{url}]?\n"
        f"CRYPTO_PKI: Imported PKCS12 file successfully.{note}"
    )
    return result


_PKI_SUBCOMMANDS = (
    "benchmark",
    "crl",
    "authenticate",
    "enroll",
    "export",
    "import",
    "certificate",
    "server",
)


def _only_child(
    parent: etree._Element, wanted: str, *, allowed: tuple[str, ...] = ()
) -> etree._Element:
    children = elements(parent)
    if len(children) != 1 or qname(children[0])[0] != XE_RPC:
        raise rpc_error(
            f"<{qname(parent)[1]}> needs exactly one <{wanted}>",
            "bad-element",
            error_type="protocol",
            info={"bad-element": qname(parent)[1]},
        )
    name = qname(children[0])[1]
    if name != wanted:
        if name in allowed:
            raise rpc_error(
                f"crypto pki {name} is not simulated by the lab",
                "operation-not-supported",
                error_type="protocol",
            )
        raise rpc_error(
            f"<{name}> is not expected in <{qname(parent)[1]}>",
            "unknown-element",
            error_type="protocol",
            info={"bad-element": name},
        )
    return children[0]


def import_pkcs12(device: LabDevice, trustpoint: str, url: str, passphrase: str) -> Trustpoint:
    """Read `url` from bootflash and install it as `trustpoint` (rpc-error on failure)."""
    if not trustpoint:
        raise _failed("% Trustpoint name must be given", trustpoint)
    try:
        data = device.bootflash.read(url)
    except BootflashError as exc:
        raise _failed(exc.message, trustpoint) from None
    installed = load_bundle(data, passphrase, trustpoint=trustpoint, url=url)
    with device.lock:
        _ensure_configured(device, trustpoint)
        device.runtime.trustpoints[trustpoint] = installed
    log.info("lab %s: trustpoint %s imported from %s", device.identity.name, trustpoint, url)
    return installed


def _ensure_configured(device: LabDevice, trustpoint: str) -> None:
    """IOS creates `crypto pki trustpoint <tp>` when an import names a new one."""
    if trustpoint in read_headend_config(device).trustpoints:
        return
    config = etree.Element(f"{{{NC}}}config", nsmap=default_nsmap(NC))
    native = etree.SubElement(config, f"{{{NATIVE}}}native", nsmap=default_nsmap(NATIVE))
    crypto = etree.SubElement(native, f"{{{NATIVE}}}crypto")
    pki_el = etree.SubElement(crypto, f"{{{CRYPTO}}}pki", nsmap=default_nsmap(CRYPTO))
    entry = etree.SubElement(pki_el, f"{{{CRYPTO}}}trustpoint")
    etree.SubElement(entry, f"{{{CRYPTO}}}id").text = trustpoint
    device._set_running(device._edit("running", config, "merge", full=True))


def load_bundle(data: bytes, passphrase: str, *, trustpoint: str, url: str) -> Trustpoint:
    if not _looks_like_pkcs12(data):
        raise _failed(
            f"% Importing pkcs12 from {url} failed: the file is not a PKCS #12 bundle "
            "(corrupt or truncated)",
            trustpoint,
        )
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except ValueError:
        # cryptography says "Invalid password or PKCS12 data"; the structure
        # parsed above, so the MAC did not verify: the passphrase is wrong.
        raise _failed(
            f"% Importing pkcs12 from {url} failed: wrong passphrase "
            "(PKCS12 MAC verification failed)",
            trustpoint,
        ) from None
    if cert is None or key is None:
        raise _failed(
            f"% Importing pkcs12 from {url} failed: the bundle holds no certificate and key",
            trustpoint,
        )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise _failed(
            f"% Importing pkcs12 from {url} failed: only RSA keys are simulated", trustpoint
        )
    return Trustpoint(trustpoint, cert, key, list(chain), source=url)


def _looks_like_pkcs12(data: bytes) -> bool:
    """A DER SEQUENCE spanning the whole file whose first element is INTEGER 3."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    first = data[1]
    if first < 0x80:
        length, offset = first, 2
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or len(data) < 2 + count:
            return False
        length, offset = int.from_bytes(data[2 : 2 + count], "big"), 2 + count
    if offset + length != len(data):
        return False
    return data[offset : offset + 3] == b"\x02\x01\x03"


def _failed(message: str, trustpoint: str) -> LabRpcError:
    return rpc_error(
        message,
        "operation-failed",
        error_type="application",
        path=f"/Cisco-IOS-XE-rpc:crypto/pki/import[name-drop-node-name='{trustpoint}']",
    )


def fingerprint_md5(cert: x509.Certificate) -> str:
    return (
        hashlib.md5(cert.public_bytes(serialization.Encoding.DER), usedforsecurity=False)
        .hexdigest()
        .upper()
    )


# --- test bundles --------------------------------------------------------------------
@dataclass(frozen=True)
class LabCa:
    key: PrivateKey = field(repr=False)
    certificate: x509.Certificate


def _new_key() -> PrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def lab_ca() -> LabCa:
    """A throwaway CA for the lab's test bundles (created once per process)."""
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LAB_CA_NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return LabCa(key, cert)


@functools.cache
def _identity_key() -> PrivateKey:
    # RSA generation dominates; one identity key serves every test bundle.
    return _new_key()


def make_test_pkcs12(
    passphrase: str,
    *,
    common_name: str = "vpn.example.com",
    self_signed: bool = False,
    expired: bool = False,
    friendly_name: str = "IKEv2-TP",
) -> bytes:
    """A PKCS #12 bundle (key, certificate, CA chain) like the document's IKEv2-TP.p12."""
    key = _identity_key()
    now = dt.datetime.now(dt.UTC)
    start, end = (
        (now - dt.timedelta(days=400), now - dt.timedelta(days=35))
        if expired
        else (now - dt.timedelta(days=1), now + dt.timedelta(days=365))
    )
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    ca = lab_ca()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if self_signed else ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.IPSEC_IKE]),
            critical=False,
        )
    )
    cert = builder.sign(key if self_signed else ca.key, hashes.SHA256())
    chain = [] if self_signed else [ca.certificate]
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(),
        key,
        cert,
        chain,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
