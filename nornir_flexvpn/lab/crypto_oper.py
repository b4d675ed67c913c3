"""`Cisco-IOS-XE-crypto-oper` for the lab headend's AnyConnect sessions.

Per session: `crypto-ikev2-sa[sa-id]/sa-data` (status READY = sa-status
active, AES-CBC, SHA256, DH group, auth sign rsa-sig / verify
anyconnect-eap, addresses and NAT-T ports) and `crypto-ipsec-ident
[interface]` (the Virtual-Access, traffic selectors 0.0.0.0/0 <-> the
assigned host, an inbound and an outbound ESP SA). From 17.12 the model
also has per-session detail (`crypto-ikev2-sess-brief/-detail`, NAT
detection, child-SA selectors, key size) and AnyConnect peer counts
(`crypto-ikev2-stats-resp`). 16.9.1 has no crypto-oper: nothing is served.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.lab.clients import ClientSession
from nornir_flexvpn.lab.oper import OperBuilder, prune
from nornir_flexvpn.namespaces import CRYPTO_OPER

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

ROOT = "crypto-oper-data"
IKE_LIFETIME = 86400
SA_ACTIVE = "crypto-sa-status-active"

_ENCR: dict[str, str] = {
    "aes-cbc": "crypto-encr-alg-aes-cbc",
    "aes-gcm": "crypto-encr-alg-aes-gcm",
    "aes-gmac": "crypto-encr-alg-aes-gmac",
    "3des": "crypto-encr-alg-3des",
    "des": "crypto-encr-alg-des",
    "null": "crypto-encr-alg-null",
}
_HASH: dict[str, str] = {
    "md5": "crypto-hash-alg-auth-hmac-md5-96",
    "sha1": "crypto-hash-alg-auth-hmac-sha1-96",
    "sha256": "crypto-hash-alg-auth-hmac-sha256",
    "sha384": "crypto-hash-alg-auth-hmac-sha384",
    "sha512": "crypto-hash-alg-auth-hmac-sha512",
    "esp-md5-hmac": "crypto-hash-alg-auth-hmac-md5-96",
    "esp-sha-hmac": "crypto-hash-alg-auth-hmac-sha1-96",
    "esp-sha256-hmac": "crypto-hash-alg-auth-hmac-sha256",
    "esp-sha384-hmac": "crypto-hash-alg-auth-hmac-sha384",
    "esp-sha512-hmac": "crypto-hash-alg-auth-hmac-sha512",
}
# transform-set bits (crypto-transform-options)
_ESP_BITS: dict[tuple[str, int], str] = {
    ("aes-cbc", 128): "crypto-transform-esp-aes-cbc",
    ("aes-cbc", 192): "crypto-transform-esp-aes-cbc-192",
    ("aes-cbc", 256): "crypto-transform-esp-aes-cbc-256",
    ("aes-gcm", 128): "crypto-transform-esp-aes-gcm",
    ("aes-gcm", 192): "crypto-transform-esp-aes-gcm-192",
    ("aes-gcm", 256): "crypto-transform-esp-aes-gcm-256",
    ("3des", 168): "crypto-transform-esp-3-des",
}
_HMAC_BITS: dict[str, str] = {
    "esp-md5-hmac": "crypto-transform-esp-hmac-md5",
    "esp-sha-hmac": "crypto-transform-esp-hmac-sha",
    "esp-sha256-hmac": "crypto-transform-esp-hmac-sha256",
    "esp-sha384-hmac": "crypto-transform-esp-hmac-sha384",
    "esp-sha512-hmac": "crypto-transform-esp-hmac-sha512",
}

_B = OperBuilder(CRYPTO_OPER)


def crypto_oper_state(device: LabDevice) -> list[etree._Element]:
    """The state provider registered on every lab device."""
    if device.index.root(CRYPTO_OPER, ROOT) is None:
        return []
    runtime = device.runtime
    root = _B.root(ROOT)
    sessions = sorted(runtime.sessions.values(), key=lambda s: s.session_id)
    for session in sessions:
        _ipsec_ident(root, session)
    for session in sessions:
        entry = _B.node(root, "crypto-ikev2-sa")
        _B.leaf(entry, "sa-id", session.session_id)
        _sa_data(_B.node(entry, "sa-data"), session)
    stats = _B.node(root, "crypto-ikev2-stats-resp")
    _B.leaf(stats, "cur-in-sa", len(sessions))
    _B.leaf(stats, "cur-in-sa-active", len(sessions))
    _B.leaf(stats, "cur-in-sa-nego", 0)
    _B.leaf(stats, "cur-active-peer-ios-xe", 0)
    _B.leaf(stats, "cur-active-peer-anyconnect", len(sessions))
    _B.leaf(stats, "cur-active-peer-other", 0)
    for session in sessions:
        _session_brief(root, session)
    for session in sessions:
        _session_detail(root, session)
    pruned = prune(device.index, root)
    if pruned is None or len(pruned) == 0:
        return []
    return [pruned]


def transform_bits(session: ClientSession) -> str:
    esp = session.esp
    bits = [_ESP_BITS.get((esp.cipher, esp.key_bits), "")]
    if esp.hmac:
        bits.append(_HMAC_BITS.get(esp.hmac, ""))
    return " ".join(b for b in bits if b)


def _sa_data(parent: etree._Element, session: ClientSession) -> None:
    _B.leaf(parent, "sa-id", session.session_id)
    _B.leaf(parent, "sa-status", SA_ACTIVE)
    _B.leaf(parent, "local-ip-addr", session.local_ip)
    _B.leaf(parent, "local-port", 4500)
    _B.leaf(parent, "remote-ip-addr", session.public_ip)
    _B.leaf(parent, "remote-port", session.public_port)
    _B.leaf(parent, "dh-group", f"crypto-dh-grouptype-group{session.dh_group}")
    _B.leaf(parent, "init-spi", base64.b64encode(session.init_spi).decode())
    _B.leaf(parent, "resp-spi", base64.b64encode(session.resp_spi).decode())
    _B.leaf(parent, "ivrf", "")
    _B.leaf(parent, "fvrf", "")
    _B.leaf(parent, "lifetime", IKE_LIFETIME)
    _B.leaf(parent, "hash-algo", _HASH.get(session.ike_integrity, "crypto-hash-alg-auth-none"))
    _B.leaf(parent, "encr-alg", _ENCR.get(_cipher(session.ike_encryption), "crypto-encr-alg-none"))
    _B.leaf(parent, "my-auth-method", "crypto-ikev2-auth-rsa-sig")
    _B.leaf(parent, "peer-auth-method", "crypto-ikev2-auth-anyconnect-eap")


def _cipher(ike_encryption: str) -> str:
    """`aes-cbc-256` -> `aes-cbc` (the oper enum has no key size)."""
    if ike_encryption.startswith(("aes-cbc", "aes-gcm")):
        return ike_encryption[:7]
    return "3des" if "3des" in ike_encryption else ike_encryption


def _ipsec_ident(root: etree._Element, session: ClientSession) -> None:
    entry = _B.node(root, "crypto-ipsec-ident")
    _B.leaf(entry, "interface", session.interface)
    data = _B.node(entry, "ident-data")
    _B.leaf(data, "protected-vrf", 0)
    _B.leaf(data, "local-ident-addr", "0.0.0.0")
    _B.leaf(data, "local-ident-mask", "0.0.0.0")
    _B.leaf(data, "local-ident-protocol", 0)
    _B.leaf(data, "remote-ident-addr", session.assigned_ip)
    _B.leaf(data, "remote-ident-mask", "255.255.255.255")
    _B.leaf(data, "remote-ident-protocol", 0)
    _B.leaf(data, "plaintext-mtu", session.mtu or 1438)
    _B.leaf(data, "local-endpt-addr", session.local_ip)
    _B.leaf(data, "remote-endpt-addr", session.public_ip)
    _B.leaf(data, "dh-group", "crypto-dh-grouptype-none")
    for direction, spi, flow in (
        ("inbound", session.esp_spi_in, 2 * session.session_id - 1),
        ("outbound", session.esp_spi_out, 2 * session.session_id),
    ):
        sa = _B.node(data, f"{direction}-esp-sa")
        _B.leaf(sa, "spi", spi)
        _B.leaf(sa, "dir", f"crypto-dir-{direction}")
        _B.leaf(sa, "protocol", "crypto-prot-esp")
        _B.leaf(sa, "flow-id", flow)
        _B.leaf(sa, "sa-status", SA_ACTIVE)
        _B.leaf(sa, "transform-set", transform_bits(session))


def _session_brief(root: etree._Element, session: ClientSession) -> None:
    entry = _B.node(root, "crypto-ikev2-sess-brief")
    _B.leaf(entry, "sess-id", session.session_id)
    _sess(entry, session)
    _sa_data(_B.node(entry, "sa"), session)


def _sess(entry: etree._Element, session: ClientSession) -> None:
    sess = _B.node(entry, "sess")
    _B.leaf(sess, "id", session.session_id)
    _B.leaf(sess, "sess-status", "crypto-ikev2-sess-status-active")
    _B.leaf(sess, "ike-count", 1)
    _B.leaf(sess, "child-count", 1)


def _session_detail(root: etree._Element, session: ClientSession) -> None:
    entry = _B.node(root, "crypto-ikev2-sess-detail")
    _B.leaf(entry, "sess-id", session.session_id)
    _sess(entry, session)
    sa = _B.node(entry, "sa")
    _sa_data(_B.node(sa, "sa-data"), session)
    _B.leaf(sa, "status-desc", "READY")
    _B.leaf(sa, "local-id", session.local_ip)
    _B.leaf(sa, "remote-id", session.key_id)
    _B.leaf(sa, "init-spi", session.init_spi.hex().upper())
    _B.leaf(sa, "remote-spi", session.resp_spi.hex().upper())
    _B.leaf(sa, "dpd-interval", 0)
    _B.leaf(sa, "dpd-retry", 0)
    _B.leaf(sa, "extend-auth-configured", False)
    # The client sits behind NAT (the document's "NAT-T detected").
    _B.leaf(sa, "nat", "crypto-nat-dscvry-detect-out")
    child = _B.node(entry, "sa-child")
    local = _B.node(child, "local")
    _B.leaf(local, "start-addr", "0.0.0.0")
    _B.leaf(local, "start-port", 0)
    _B.leaf(local, "end-addr", "255.255.255.255")
    _B.leaf(local, "end-port", 65535)
    remote = _B.node(child, "remote")
    _B.leaf(remote, "start-addr", session.assigned_ip)
    _B.leaf(remote, "start-port", 0)
    _B.leaf(remote, "end-addr", session.assigned_ip)
    _B.leaf(remote, "end-port", 65535)
    _B.leaf(child, "esp-spi-in", session.esp_spi_in)
    _B.leaf(child, "esp-spi-out", session.esp_spi_out)
    _B.leaf(child, "encr-algo", _ENCR.get(session.esp.cipher, "crypto-encr-alg-none"))
    _B.leaf(child, "keysize", session.esp.key_bits)
    if session.esp.hmac:
        _B.leaf(child, "esp-hmac", _HASH.get(session.esp.hmac, "crypto-hash-alg-auth-none"))
    _B.leaf(child, "encap-type", "crypto-encap-type-tunnel")
