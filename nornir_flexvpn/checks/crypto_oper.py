"""`Cisco-IOS-XE-crypto-oper`, parsed: IKEv2 SAs, IPsec idents, session detail, peer counts.

The reply of a `<get>` filtered with `source.crypto_filter()` becomes one
`CryptoState`. 17.3.1 and 17.9.1 have SAs and idents only; from 17.12.1
the model adds session detail (remote id, NAT detection) and AnyConnect
peer counts, which are None where the release lacks them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from nornir_flexvpn.checks import xmlread as x
from nornir_flexvpn.errors import OperReplyError
from nornir_flexvpn.namespaces import CRYPTO_OPER

NS = CRYPTO_OPER
ROOT = "crypto-oper-data"

SA_STATUS = {
    "crypto-ipsec-sa-status-down": "down",
    "crypto-sa-status-active": "active",
    "crypto-sa-status-standby": "standby",
    "crypto-sa-status-pending": "pending",
}
_ENCR_NAMES = [
    "none",
    "des-iv64",
    "des",
    "3des",
    "rc5",
    "idea",
    "cast",
    "blowfish",
    "3idea",
    "iv32",
    "rc4",
    "null",
    "aes-cbc",
    "aes-ctr",
    "aes-gcm",
    "aes-gmac",
]
ENCRYPTION: dict[str, str | None] = {f"crypto-encr-alg-{n}": n for n in _ENCR_NAMES}
ENCRYPTION["crypto-encr-alg-none"] = None
HASH: dict[str, str | None] = {
    "crypto-hash-alg-auth-none": None,
    "crypto-hash-alg-auth-hmac-md5-96": "md5",
    "crypto-hash-alg-auth-hmac-sha1-96": "sha1",
    "crypto-hash-alg-auth-hmac-des": "des",
    "crypto-hash-alg-auth-kpdk-md5": "kpdk-md5",
    "crypto-hash-alg-auth-hmac-aes-xcbc-96": "aes-xcbc",
    "crypto-hash-alg-auth-hmac-sha256": "sha256",
    "crypto-hash-alg-auth-hmac-sha384": "sha384",
    "crypto-hash-alg-auth-hmac-sha512": "sha512",
}
DH_GROUP: dict[str, int | None] = {
    f"crypto-dh-grouptype-group{n}": n for n in (1, 2, 3, 4, 5, 14, 15, 16, 19, 20, 21, 24)
}
DH_GROUP["crypto-dh-grouptype-none"] = None
AUTH: dict[str, str | None] = {
    f"crypto-ikev2-auth-{n}": n
    for n in ("rsa-sig", "psk", "dss", "ecdsa-256", "ecdsa-384", "anyconnect-eap", "eap")
}
AUTH["crypto-auth-no-method"] = None
NAT: dict[str, bool | None] = {
    "crypto-nat-dscvry-detect-unknown": None,
    "crypto-nat-dscvry-detect": True,
    "crypto-nat-dscvry-detect-in": True,
    "crypto-nat-dscvry-detect-out": True,
    "crypto-nat-dscvry-detect-in-out": True,
    "crypto-nat-dscvry-not-detect": False,
}
TRANSFORM_PREFIX = "crypto-transform-"


@dataclass(frozen=True)
class Ikev2Sa:
    """One `crypto-ikev2-sa` (what `show crypto ikev2 sa detailed` prints per SA)."""

    sa_id: int
    status: str | None
    local_ip: str | None
    local_port: int | None
    remote_ip: str | None
    remote_port: int | None
    encryption: str | None  # the oper enum has no key size: "aes-cbc"
    integrity: str | None
    dh_group: int | None
    local_auth: str | None
    remote_auth: str | None
    lifetime: int | None
    # From the session detail (17.12.1 on), None where the release has none.
    remote_id: str | None = None
    local_id: str | None = None
    status_text: str | None = None
    nat_detected: bool | None = None

    @property
    def ready(self) -> bool:
        return self.status == "active"

    @property
    def proposal(self) -> str:
        group = f"group {self.dh_group}" if self.dh_group is not None else "no group"
        return f"{self.encryption or 'none'}/{self.integrity or 'none'}/{group}"


@dataclass(frozen=True)
class EspSa:
    spi: int | None
    status: str | None
    transforms: tuple[str, ...]  # "esp-aes-cbc-256", "esp-hmac-sha256"

    @property
    def up(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class IpsecIdent:
    """One `crypto-ipsec-ident`: the Virtual-Access, its selectors and ESP SA pair."""

    interface: str
    local_ident: tuple[str | None, str | None]
    remote_ident: tuple[str | None, str | None]
    local_endpoint: str | None
    remote_endpoint: str | None
    mtu: int | None
    inbound: EspSa | None
    outbound: EspSa | None

    @property
    def up(self) -> bool:
        return (
            self.inbound is not None
            and self.outbound is not None
            and self.inbound.up
            and self.outbound.up
        )


@dataclass(frozen=True)
class CryptoState:
    ikev2_sas: tuple[Ikev2Sa, ...] = ()
    ipsec: tuple[IpsecIdent, ...] = ()
    anyconnect_peers: int | None = None  # 17.12.1 on
    active_in_sas: int | None = None
    sessions_detailed: bool = False

    def ident_for(self, sa: Ikev2Sa) -> IpsecIdent | None:
        """The IPsec ident riding on `sa` (same peer address and port pair)."""
        for ident in self.ipsec:
            if ident.remote_endpoint == sa.remote_ip and ident.local_endpoint == sa.local_ip:
                return ident
        return None


def parse_crypto(data: etree._Element) -> CryptoState:
    """`<data>` of the filtered get -> CryptoState (no root: no SA at all)."""
    root = x.top(data, NS, ROOT)
    if root is None:
        return CryptoState()
    base = f"/{ROOT}"
    idents = tuple(_ident(e, base) for e in x.children(root, NS, "crypto-ipsec-ident"))
    sas = {sa.sa_id: sa for sa in (_sa(e, base) for e in x.children(root, NS, "crypto-ikev2-sa"))}
    details = x.children(root, NS, "crypto-ikev2-sess-detail")
    for entry in details:
        _merge_detail(entry, base, sas)
    peers = active = None
    stats = x.child(root, NS, "crypto-ikev2-stats-resp", base)
    if stats is not None:
        where = f"{base}/crypto-ikev2-stats-resp"
        peers = x.integer(stats, NS, "cur-active-peer-anyconnect", where)
        active = x.integer(stats, NS, "cur-in-sa-active", where)
    return CryptoState(
        ikev2_sas=tuple(sas[k] for k in sorted(sas)),
        ipsec=idents,
        anyconnect_peers=peers,
        active_in_sas=active,
        sessions_detailed=bool(details) or stats is not None,
    )


def _sa_fields(data: etree._Element, where: str) -> dict[str, object]:
    return {
        "status": x.enum(data, NS, "sa-status", where, SA_STATUS),
        "local_ip": x.address(data, NS, "local-ip-addr", where),
        "local_port": x.integer(data, NS, "local-port", where),
        "remote_ip": x.address(data, NS, "remote-ip-addr", where),
        "remote_port": x.integer(data, NS, "remote-port", where),
        "encryption": x.enum(data, NS, "encr-alg", where, ENCRYPTION),
        "integrity": x.enum(data, NS, "hash-algo", where, HASH),
        "dh_group": x.enum(data, NS, "dh-group", where, DH_GROUP),
        "local_auth": x.enum(data, NS, "my-auth-method", where, AUTH),
        "remote_auth": x.enum(data, NS, "peer-auth-method", where, AUTH),
        "lifetime": x.integer(data, NS, "lifetime", where),
    }


def _sa(entry: etree._Element, base: str) -> Ikev2Sa:
    sa_id = x.key(entry, NS, "sa-id", f"{base}/crypto-ikev2-sa")
    where = x.keyed(base, "crypto-ikev2-sa", "sa-id", sa_id)
    if not sa_id.isdigit():
        raise OperReplyError(f"sa-id {sa_id!r} is not a number", path=where)
    data = x.need(entry, NS, "sa-data", where)
    fields = _sa_fields(data, f"{where}/sa-data")
    return Ikev2Sa(sa_id=int(sa_id), **fields)  # type: ignore[arg-type]


def _merge_detail(entry: etree._Element, base: str, sas: dict[int, Ikev2Sa]) -> None:
    sess_id = x.key(entry, NS, "sess-id", f"{base}/crypto-ikev2-sess-detail")
    where = x.keyed(base, "crypto-ikev2-sess-detail", "sess-id", sess_id)
    for sa_el in x.children(entry, NS, "sa"):
        sa_where = f"{where}/sa"
        data = x.need(sa_el, NS, "sa-data", sa_where)
        sa_id = x.integer(data, NS, "sa-id", f"{sa_where}/sa-data")
        if sa_id is None:
            raise OperReplyError("session detail names no sa-id", path=f"{sa_where}/sa-data/sa-id")
        known = sas.get(sa_id)
        if known is None:
            # Detail for an SA the SA table lacks: take it from the detail itself.
            known = Ikev2Sa(sa_id=sa_id, **_sa_fields(data, f"{sa_where}/sa-data"))  # type: ignore[arg-type]
        sas[sa_id] = replace(
            known,
            remote_id=x.text(sa_el, NS, "remote-id", sa_where),
            local_id=x.text(sa_el, NS, "local-id", sa_where),
            status_text=x.text(sa_el, NS, "status-desc", sa_where),
            nat_detected=x.enum(sa_el, NS, "nat", sa_where, NAT),
        )


def _esp(parent: etree._Element, name: str, where: str) -> EspSa | None:
    element = x.child(parent, NS, name, where)
    if element is None:
        return None
    here = f"{where}/{name}"
    bits = x.text(element, NS, "transform-set", here) or ""
    transforms = []
    for bit in bits.split():
        if not bit.startswith(TRANSFORM_PREFIX):
            raise OperReplyError(f"unexpected transform bit {bit!r}", path=f"{here}/transform-set")
        transforms.append(bit[len(TRANSFORM_PREFIX) :])
    return EspSa(
        spi=x.integer(element, NS, "spi", here),
        status=x.enum(element, NS, "sa-status", here, SA_STATUS),
        transforms=tuple(transforms),
    )


def _ident(entry: etree._Element, base: str) -> IpsecIdent:
    interface = x.key(entry, NS, "interface", f"{base}/crypto-ipsec-ident")
    where = x.keyed(base, "crypto-ipsec-ident", "interface", interface)
    data = x.need(entry, NS, "ident-data", where)
    here = f"{where}/ident-data"
    return IpsecIdent(
        interface=interface,
        local_ident=(
            x.address(data, NS, "local-ident-addr", here),
            x.address(data, NS, "local-ident-mask", here),
        ),
        remote_ident=(
            x.address(data, NS, "remote-ident-addr", here),
            x.address(data, NS, "remote-ident-mask", here),
        ),
        local_endpoint=x.address(data, NS, "local-endpt-addr", here),
        remote_endpoint=x.address(data, NS, "remote-endpt-addr", here),
        mtu=x.integer(data, NS, "plaintext-mtu", here),
        inbound=_esp(data, "inbound-esp-sa", here),
        outbound=_esp(data, "outbound-esp-sa", here),
    )
