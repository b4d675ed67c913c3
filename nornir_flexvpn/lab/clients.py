"""Simulated AnyConnect 4.6 clients against a lab headend's running config.

`connect_client` walks the document's flow in the order a headend does:
IKE_SA_INIT (proposal from the configured IKEv2 policy, or the smart
default), IKE_AUTH (IKEv2 profile by remote key-id, local rsa-sig with a fit
certificate, AnyConnect-EAP against the local users through the profile's
login list), authorization (network list -> authorization policy -> pool),
the bound AnyConnect profile and its file on bootflash, an address from the
pool, then the child SA (transform set of the Virtual-Template's IPsec
profile). Each refusal raises `ClientRejected` with what the device would
log. Success creates an IKEv2 SA, an IPsec SA pair and a Virtual-Access
interface derived from the Virtual-Template; a configuration change that
breaks a session's path drops it (`revalidate_sessions`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nornir_flexvpn.errors import ClientRejected, LabError
from nornir_flexvpn.intent.secrets import verify_secret9
from nornir_flexvpn.lab.headend_config import (
    HeadendConfig,
    IkeProposal,
    Ikev2Profile,
    IpsecProfile,
    TransformSet,
    VirtualTemplate,
    read_headend_config,
)

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

log = logging.getLogger(__name__)

ANYCONNECT_KEY_ID = "*$AnyConnectClient$*"
NAT_T_PORT = 4500
DEFAULT_HEADEND_ADDRESS = "198.51.100.1"
_ABORT = "%IKEv2-3-NEG_ABORT: Negotiation aborted due to ERROR:"

# IOS's smart default proposal (used when no IKEv2 policy is configured).
SMART_DEFAULT = IkeProposal(
    "default",
    ("aes-cbc-256", "aes-cbc-192", "aes-cbc-128"),
    ("sha512", "sha384", "sha256", "sha1", "md5"),
    (5, 2),
)
# IOS's default transform sets (an IPsec profile without `set transform-set`).
DEFAULT_TRANSFORM_SETS = (
    TransformSet("#$!default_transform_set_1", "aes-cbc", 128, "esp-sha-hmac"),
    TransformSet("#$!default_transform_set_0", "3des", 168, "esp-sha-hmac"),
)


@dataclass(frozen=True)
class ClientOffer:
    """What the client proposes; the default is AnyConnect 4.6's offer."""

    key_id: str = ANYCONNECT_KEY_ID
    ike_encryption: tuple[str, ...] = (
        "aes-gcm-256",
        "aes-gcm-128",
        "aes-cbc-256",
        "aes-cbc-192",
        "aes-cbc-128",
        "en-3des",
    )
    ike_integrity: tuple[str, ...] = ("sha512", "sha384", "sha256", "sha1", "md5")
    dh_groups: tuple[int, ...] = (21, 20, 19, 24, 14, 5, 2, 1)
    esp_ciphers: tuple[tuple[str, int], ...] = (
        ("aes-gcm", 256),
        ("aes-gcm", 128),
        ("aes-cbc", 256),
        ("aes-cbc", 192),
        ("aes-cbc", 128),
        ("3des", 168),
    )
    esp_integrity: tuple[str, ...] = (
        "esp-sha512-hmac",
        "esp-sha384-hmac",
        "esp-sha256-hmac",
        "esp-sha-hmac",
        "esp-md5-hmac",
    )


@dataclass
class ClientSession:
    """One connected AnyConnect client: its IKEv2 SA, IPsec SA pair, Virtual-Access."""

    session_id: int
    user: str
    public_ip: str
    public_port: int
    local_ip: str
    assigned_ip: str
    pool: str
    profile: str
    ipsec_profile: str
    virtual_template: int
    virtual_access: int
    ike_encryption: str
    ike_integrity: str
    dh_group: int
    esp: TransformSet
    key_id: str
    init_spi: bytes
    resp_spi: bytes
    esp_spi_in: int
    esp_spi_out: int
    mtu: int | None
    unnumbered: str | None
    nat_inside: bool
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    packets_in: int = 0
    packets_out: int = 0
    octets_in: int = 0
    octets_out: int = 0

    @property
    def interface(self) -> str:
        return f"Virtual-Access{self.virtual_access}"

    def derived_config(self) -> list[str]:
        """`show derived-config interface virtual-access N` (the template's lines)."""
        lines = [f"interface {self.interface}"]
        if self.unnumbered:
            lines.append(f" ip unnumbered {self.unnumbered}")
        if self.mtu:
            lines.append(f" ip mtu {self.mtu}")
        if self.nat_inside:
            lines.append(" ip nat inside")
        lines.append(" tunnel mode ipsec ipv4")
        lines.append(f" tunnel protection ipsec profile {self.ipsec_profile}")
        lines.append(" no tunnel protection ipsec initiate")
        lines.append("end")
        return lines


@dataclass(frozen=True)
class DroppedSession:
    """A session a configuration change took down, and why."""

    session: ClientSession
    reason: str


def connect_client(
    device: LabDevice,
    user: str,
    password: str,
    public_ip: str = "203.0.113.10",
    *,
    offer: ClientOffer | None = None,
    public_port: int = NAT_T_PORT,
) -> ClientSession:
    """Run the AnyConnect-EAP flow; the new session, or `ClientRejected` with the reason."""
    client = offer or ClientOffer()
    try:
        ipaddress.IPv4Address(public_ip)
    except ValueError:
        raise LabError(
            f"public_ip {public_ip!r} is not an IPv4 address", path="public_ip"
        ) from None
    with device.lock:
        runtime = device.runtime
        try:
            session = _negotiate(device, user, password, public_ip, public_port, client)
        except ClientRejected as rejected:
            runtime.ikev2_stats["rejected"] += 1
            log.info(
                "lab %s: client %s@%s refused: %s",
                device.identity.name,
                user,
                public_ip,
                rejected.reason,
            )
            raise
        runtime.ikev2_stats["accepted"] += 1
        runtime.sessions[session.session_id] = session
        log.info(
            "lab %s: client %s@%s up on %s with %s",
            device.identity.name,
            user,
            public_ip,
            session.interface,
            session.assigned_ip,
        )
        return session


def disconnect_client(
    device: LabDevice,
    *,
    user: str | None = None,
    public_ip: str | None = None,
    session_id: int | None = None,
) -> list[ClientSession]:
    """Tear down the matching sessions (IKEv2 SA, IPsec SAs, Virtual-Access)."""
    with device.lock:
        sessions = device.runtime.sessions
        gone = [
            s
            for s in sessions.values()
            if (user is None or s.user == user)
            and (public_ip is None or s.public_ip == public_ip)
            and (session_id is None or s.session_id == session_id)
        ]
        if not gone:
            who = ", ".join(
                f"{k}={v}"
                for k, v in (("user", user), ("public_ip", public_ip), ("session_id", session_id))
                if v is not None
            )
            raise LabError(f"no client session matches {who or 'anything'}", path="session")
        for s in gone:
            del sessions[s.session_id]
        return gone


def drop_all_sessions(device: LabDevice, reason: str) -> list[ClientSession]:
    """Every session goes down at once (a reload, a crypto subsystem restart)."""
    with device.lock:
        runtime = device.runtime
        gone = sorted(runtime.sessions.values(), key=lambda s: s.session_id)
        runtime.sessions.clear()
        runtime.dropped.extend(DroppedSession(s, reason) for s in gone)
        return gone


def simulate_traffic(
    device: LabDevice, session_id: int, *, packets: int = 10, octets_per_packet: int = 100
) -> None:
    """Packets through the tunnel both ways (encrypted = out, decrypted = in)."""
    with device.lock:
        session = device.runtime.sessions.get(session_id)
        if session is None:
            raise LabError(f"no client session {session_id}", path="session_id")
        session.packets_in += packets
        session.packets_out += packets
        session.octets_in += packets * octets_per_packet
        session.octets_out += packets * octets_per_packet


def revalidate_sessions(device: LabDevice) -> None:
    """Running changed: drop every session whose path through the config broke."""
    runtime = device.runtime
    if not runtime.sessions:
        return
    config = read_headend_config(device)
    for session in list(runtime.sessions.values()):
        reason = _broken(device, config, session)
        if reason is not None:
            del runtime.sessions[session.session_id]
            runtime.dropped.append(DroppedSession(session, reason))
            log.info(
                "lab %s: %s (%s) dropped: %s",
                device.identity.name,
                session.interface,
                session.user,
                reason,
            )


# --- the flow -------------------------------------------------------------------------------
def _negotiate(
    device: LabDevice,
    user: str,
    password: str,
    public_ip: str,
    public_port: int,
    client: ClientOffer,
) -> ClientSession:
    config = read_headend_config(device)
    runtime = device.runtime
    encryption, integrity, group = _ike_proposal(config, client)
    profile = _profile_for(config, client.key_id)
    _check_local_auth(device, config, profile)
    _authenticate(config, profile, user, password)
    pool = _authorize(config, profile)
    _check_anyconnect_profile(device, config, profile)
    vt, ipsec = _template(config, profile)
    esp = _transform_set(config, ipsec, client)
    address = _allocate(config, runtime.sessions.values(), pool)
    return ClientSession(
        session_id=runtime.next_id(),
        user=user,
        public_ip=public_ip,
        public_port=public_port,
        local_ip=_local_address(config),
        assigned_ip=address,
        pool=pool,
        profile=profile.name,
        ipsec_profile=ipsec.name,
        virtual_template=vt.number,
        virtual_access=runtime.free_virtual_access(),
        ike_encryption=encryption,
        ike_integrity=integrity,
        dh_group=group,
        esp=esp,
        key_id=client.key_id,
        init_spi=secrets.token_bytes(8),
        resp_spi=secrets.token_bytes(8),
        esp_spi_in=secrets.randbits(31) | 0x100,
        esp_spi_out=secrets.randbits(31) | 0x100,
        mtu=vt.mtu,
        unnumbered=vt.unnumbered,
        nat_inside=vt.nat_inside,
    )


def _ike_proposal(config: HeadendConfig, client: ClientOffer) -> tuple[str, str, int]:
    proposals = [config.proposals[n] for n in config.policy_proposals if n in config.proposals]
    if not config.policy_proposals:
        proposals = [SMART_DEFAULT]
    for proposal in proposals:
        enc = next((e for e in proposal.encryption if e in client.ike_encryption), None)
        integ = next((i for i in proposal.integrity if i in client.ike_integrity), None)
        grp = next((g for g in proposal.groups if g in client.dh_groups), None)
        if enc and integ and grp:
            return enc, integ, grp
    mine = "; ".join(
        f"{p.name}: {','.join(p.encryption)}/{','.join(p.integrity)}/group "
        f"{','.join(str(g) for g in p.groups)}"
        for p in proposals
    )
    raise ClientRejected(
        f"{_ABORT} Failed to find a matching policy: NO_PROPOSAL_CHOSEN "
        f"(received {','.join(client.ike_encryption)}/{','.join(client.ike_integrity)}/group "
        f"{','.join(str(g) for g in client.dh_groups)}; configured {mine})",
        path="crypto/ikev2/proposal",
    )


def _profile_for(config: HeadendConfig, key_id: str) -> Ikev2Profile:
    for profile in config.profiles.values():
        if key_id in profile.key_ids:
            return profile
    raise ClientRejected(
        f"{_ABORT} Failed to locate an item in the database: no IKEv2 profile matches "
        f"remote identity key-id {key_id}",
        path="crypto/ikev2/profile/match/identity/remote/key-id",
    )


def _check_local_auth(device: LabDevice, config: HeadendConfig, profile: Ikev2Profile) -> None:
    where = f"crypto/ikev2/profile[{profile.name}]"
    if "rsa-sig" not in profile.local_auth:
        raise ClientRejected(
            f"{_ABORT} Auth exchange failed: profile {profile.name} has no "
            "'authentication local rsa-sig' (AnyConnect-EAP needs the headend's certificate)",
            path=f"{where}/authentication/local",
        )
    if not profile.trustpoints:
        raise ClientRejected(
            f"{_ABORT} Failed to get the certificate: profile {profile.name} names no "
            "pki trustpoint",
            path=f"{where}/pki",
        )
    name = profile.trustpoints[0]
    installed = device.runtime.trustpoints.get(name)
    if installed is None:
        raise ClientRejected(
            f"{_ABORT} Failed to get the certificate: trustpoint {name} has no "
            "certificate (crypto pki import it first)",
            path=f"{where}/pki/trustpoint",
        )
    unfit = installed.unfit_reason()
    if unfit is not None:
        raise ClientRejected(
            f"{_ABORT} Auth exchange failed: {unfit}; the client refuses the server certificate",
            path=f"{where}/pki/trustpoint",
        )
    if not profile.remote_anyconnect_eap:
        raise ClientRejected(
            f"{_ABORT} Auth exchange failed: profile {profile.name} does not allow "
            "'authentication remote anyconnect-eap aggregate'",
            path=f"{where}/authentication/remote",
        )


def _authenticate(config: HeadendConfig, profile: Ikev2Profile, user: str, password: str) -> None:
    where = f"crypto/ikev2/profile[{profile.name}]/aaa/authentication/anyconnect-eap"
    listname = profile.eap_authen_list
    if not listname:
        raise ClientRejected(
            f"{_ABORT} EAP authentication failed: profile {profile.name} has no "
            "'aaa authentication anyconnect-eap' list",
            path=where,
        )
    methods = config.login_lists.get(listname)
    if methods is None:
        raise ClientRejected(
            f"%AAA-3-BADMETHODERROR: method list '{listname}' is not defined "
            "(aaa authentication login)",
            path=where,
        )
    if not methods or methods[0] != "local":
        raise ClientRejected(
            f"%AAA-3-BADMETHODERROR: method list '{listname}' does not use the local "
            f"database (methods: {', '.join(methods) or 'none'}); the lab has no AAA server",
            path=where,
        )
    local = config.users.get(user)
    if local is None:
        raise ClientRejected(
            f"{_ABORT} EAP authentication failed for user '{user}': no such user in the "
            f"local database (list {listname})",
            path="username",
        )
    if local.secret is not None:
        if local.secret_type not in ("", "9") and not local.secret.startswith("$9$"):
            raise ClientRejected(
                f"{_ABORT} EAP authentication failed for user '{user}': secret type "
                f"{local.secret_type} is not simulated (use type 9)",
                path=f"username[{user}]/secret",
            )
        ok = verify_secret9(password, local.secret)
    else:
        ok = local.password is not None and secrets.compare_digest(
            local.password.encode(), password.encode()
        )
    if not ok:
        raise ClientRejected(
            f"{_ABORT} EAP authentication failed for user '{user}': wrong password "
            f"(local database, list {listname})",
            path=f"username[{user}]",
        )


def _authorize(config: HeadendConfig, profile: Ikev2Profile) -> str:
    where = f"crypto/ikev2/profile[{profile.name}]/aaa/authorization/group/anyconnect-eap"
    listname = profile.eap_author_list
    if not listname:
        raise ClientRejected(
            f"{_ABORT} Failed to get the authorization data: profile {profile.name} has no "
            "'aaa authorization group anyconnect-eap list'",
            path=where,
        )
    methods = config.network_lists.get(listname)
    if methods is None or not methods or methods[0] != "local":
        raise ClientRejected(
            f"%AAA-3-BADMETHODERROR: authorization network list '{listname}' is not "
            "defined with method local",
            path=where,
        )
    policy_name = profile.eap_author_user
    policy = config.authorization_policies.get(policy_name or "")
    if policy is None:
        raise ClientRejected(
            f"{_ABORT} Failed to get the authorization data: IKEv2 authorization policy "
            f"'{policy_name or '(none)'}' is not configured",
            path="crypto/ikev2/authorization/policy",
        )
    if policy.pool is None:
        raise ClientRejected(
            f"{_ABORT} Failed to allocate an address: authorization policy {policy.name} "
            "names no pool",
            path=f"crypto/ikev2/authorization/policy[{policy.name}]/pool",
        )
    if policy.pool not in config.pools:
        raise ClientRejected(
            f"{_ABORT} Failed to allocate an address: ip local pool {policy.pool} is not "
            "configured",
            path=f"ip/local/pool[{policy.pool}]",
        )
    return policy.pool


def _check_anyconnect_profile(
    device: LabDevice, config: HeadendConfig, profile: Ikev2Profile
) -> None:
    name = profile.anyconnect_profile
    if not name:
        raise ClientRejected(
            f"%IKEv2-3-NEG_ABORT: AnyConnect profile download failed: IKEv2 profile "
            f"{profile.name} binds no 'anyconnect profile' (the client has no profile "
            "and BypassDownloader is not set)",
            path=f"crypto/ikev2/profile[{profile.name}]/anyconnect/profile",
        )
    url = config.anyconnect_profiles.get(name)
    if url is None:
        raise ClientRejected(
            f"%IKEv2-3-NEG_ABORT: AnyConnect profile download failed: 'crypto vpn anyconnect "
            f"profile {name}' is not configured",
            path=f"crypto/vpn/anyconnect/profile[{name}]",
        )
    if not device.bootflash.exists(url):
        raise ClientRejected(
            f"%IKEv2-3-NEG_ABORT: AnyConnect profile download failed: %Error opening "
            f"{url} (No such file or directory)",
            path=f"crypto/vpn/anyconnect/profile[{name}]/file",
        )


def _template(config: HeadendConfig, profile: Ikev2Profile) -> tuple[VirtualTemplate, IpsecProfile]:
    where = f"crypto/ikev2/profile[{profile.name}]/virtual-template"
    number = profile.virtual_template
    vt = config.virtual_templates.get(number) if number is not None else None
    if vt is None:
        raise ClientRejected(
            f"{_ABORT} Failed to create the Virtual-Access interface: "
            + (
                f"interface Virtual-Template{number} does not exist"
                if number is not None
                else f"profile {profile.name} names no virtual-template"
            ),
            path=where,
        )
    ipsec = config.ipsec_profiles.get(vt.protection_profile or "")
    if ipsec is None:
        raise ClientRejected(
            f"{_ABORT} Failed to create the Virtual-Access interface: Virtual-Template"
            f"{vt.number} has no 'tunnel protection ipsec profile' that exists",
            path=f"interface/Virtual-Template[{vt.number}]/tunnel/protection",
        )
    if ipsec.ikev2_profile not in (None, profile.name):
        raise ClientRejected(
            f"{_ABORT} IPsec profile {ipsec.name} is bound to IKEv2 profile "
            f"{ipsec.ikev2_profile}, not {profile.name}",
            path=f"crypto/ipsec/profile[{ipsec.name}]/set/ikev2-profile",
        )
    return vt, ipsec


def _transform_set(config: HeadendConfig, ipsec: IpsecProfile, client: ClientOffer) -> TransformSet:
    sets = [config.transform_sets[t] for t in ipsec.transform_sets if t in config.transform_sets]
    if not ipsec.transform_sets:
        sets = list(DEFAULT_TRANSFORM_SETS)
    for ts in sets:
        cipher_ok = (ts.cipher, ts.key_bits) in client.esp_ciphers
        hmac_ok = ts.hmac is None or ts.hmac in client.esp_integrity
        if cipher_ok and hmac_ok:
            return ts
    mine = ", ".join(f"{t.tag}: {t.cipher}-{t.key_bits} {t.hmac or ''}".strip() for t in sets)
    raise ClientRejected(
        f"{_ABORT} Create child exchange failed: NO_PROPOSAL_CHOSEN: no transform set of "
        f"IPsec profile {ipsec.name} ({mine or 'none'}) matches the client's ESP proposals",
        path=f"crypto/ipsec/profile[{ipsec.name}]/set/transform-set",
    )


def _allocate(config: HeadendConfig, sessions: Iterable[ClientSession], pool: str) -> str:
    taken = {s.assigned_ip for s in sessions}
    for address in config.pool_addresses(pool):
        if address not in taken:
            return address
    raise ClientRejected(
        f"{_ABORT} Failed to allocate an address: ip local pool {pool} is exhausted "
        f"({len(taken)} in use)",
        path=f"ip/local/pool[{pool}]",
    )


def _local_address(config: HeadendConfig) -> str:
    for itf in config.physical.values():
        if itf.address:
            return itf.address
    return DEFAULT_HEADEND_ADDRESS


def _broken(device: LabDevice, config: HeadendConfig, session: ClientSession) -> str | None:
    """Why the running config no longer carries `session` (None when it still does)."""
    try:
        profile = config.profiles.get(session.profile)
        if profile is None or session.key_id not in profile.key_ids:
            raise ClientRejected(f"IKEv2 profile {session.profile} no longer matches the client")
        _check_local_auth(device, config, profile)
        pool = _authorize(config, profile)
        if session.assigned_ip not in config.pool_addresses(pool):
            raise ClientRejected(f"address {session.assigned_ip} is no longer in pool {pool}")
        _check_anyconnect_profile(device, config, profile)
        vt, ipsec = _template(config, profile)
        if vt.number != session.virtual_template or ipsec.name != session.ipsec_profile:
            raise ClientRejected(f"Virtual-Template{session.virtual_template} changed binding")
        offered = [config.transform_sets.get(t) for t in ipsec.transform_sets]
        if session.esp not in (offered if ipsec.transform_sets else DEFAULT_TRANSFORM_SETS):
            raise ClientRejected(f"transform set {session.esp.tag} is no longer offered")
    except ClientRejected as broken:
        return broken.reason
    return None
