"""What the simulated AnyConnect flow needs from a headend's running config.

`read_headend_config(device)` reads the running datastore (XML, through the
lab's own datastore) into plain dataclasses. Where releases moved a node
(key-id leaf vs key-ids leaf-list, pki trustpoint leaf vs trust-points list,
anyconnect profile-container vs profile list, authorization list vs list-v2,
ikev2 policy proposal leaf vs list, transform-set esp spellings, VT tunnel
protection `profile` vs `profile-option/name`) every known spelling is read.
`ip nat inside` on a Virtual-Template exists in no model: it comes from the
device's CLI overlay (config-mode CLI RPC).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.lab.xmlutil import elements, qname
from nornir_flexvpn.namespaces import AAA, CRYPTO, NAT, NATIVE, TUNNEL

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

_VT_SECTION = re.compile(r"interface\s+Virtual-Template\s*(\d+)\b", re.IGNORECASE)
DH_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "five": 5,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "nineteen": 19,
    "twenty": 20,
    "twenty-one": 21,
    "twenty-four": 24,
}


@dataclass(frozen=True)
class LocalUser:
    name: str
    password: str | None = field(default=None, repr=False)  # type 0 (clear)
    secret: str | None = field(default=None, repr=False)  # "$9$..." (type 9)
    secret_type: str = ""


@dataclass(frozen=True)
class IkeProposal:
    name: str
    encryption: tuple[str, ...]
    integrity: tuple[str, ...]
    groups: tuple[int, ...]


@dataclass(frozen=True)
class AuthorizationPolicy:
    name: str
    pool: str | None
    dns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ikev2Profile:
    name: str
    key_ids: tuple[str, ...] = ()
    local_auth: tuple[str, ...] = ()
    remote_anyconnect_eap: bool = False
    trustpoints: tuple[str, ...] = ()
    eap_authen_list: str | None = None
    eap_author_list: str | None = None
    eap_author_user: str | None = None
    virtual_template: int | None = None
    anyconnect_profile: str | None = None


@dataclass(frozen=True)
class TransformSet:
    tag: str
    cipher: str  # "aes-cbc", "aes-gcm", "3des", ...
    key_bits: int
    hmac: str | None  # "esp-sha256-hmac", ...


@dataclass(frozen=True)
class IpsecProfile:
    name: str
    transform_sets: tuple[str, ...]
    ikev2_profile: str | None


@dataclass(frozen=True)
class VirtualTemplate:
    number: int
    unnumbered: str | None
    mtu: int | None
    protection_profile: str | None
    nat_inside: bool


@dataclass(frozen=True)
class AddressedInterface:
    name: str
    address: str | None
    mask: str | None
    shutdown: bool = False  # `shutdown` configured: admin down (added for post-checks)


@dataclass
class HeadendConfig:
    users: dict[str, LocalUser] = field(default_factory=dict)
    login_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    network_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pools: dict[str, tuple[str, str]] = field(default_factory=dict)
    authorization_policies: dict[str, AuthorizationPolicy] = field(default_factory=dict)
    proposals: dict[str, IkeProposal] = field(default_factory=dict)
    policy_proposals: list[str] = field(default_factory=list)
    profiles: dict[str, Ikev2Profile] = field(default_factory=dict)
    anyconnect_profiles: dict[str, str] = field(default_factory=dict)
    trustpoints: set[str] = field(default_factory=set)
    transform_sets: dict[str, TransformSet] = field(default_factory=dict)
    ipsec_profiles: dict[str, IpsecProfile] = field(default_factory=dict)
    virtual_templates: dict[int, VirtualTemplate] = field(default_factory=dict)
    loopbacks: dict[str, AddressedInterface] = field(default_factory=dict)
    physical: dict[str, AddressedInterface] = field(default_factory=dict)

    def pool_addresses(self, name: str) -> list[str]:
        start, last = self.pools[name]
        first, end = int(ipaddress.IPv4Address(start)), int(ipaddress.IPv4Address(last))
        return [str(ipaddress.IPv4Address(n)) for n in range(first, end + 1)]


# --- small XML helpers ------------------------------------------------------------------
def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def _find(node: etree._Element | None, *steps: tuple[str, str]) -> etree._Element | None:
    for ns, local in steps:
        if node is None:
            return None
        node = node.find(_q(ns, local))
    return node


def _text(node: etree._Element | None, *steps: tuple[str, str]) -> str | None:
    found = _find(node, *steps) if steps else node
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def _all(node: etree._Element | None, ns: str, local: str) -> list[etree._Element]:
    return [] if node is None else list(node.findall(_q(ns, local)))


def _names(node: etree._Element | None) -> tuple[str, ...]:
    return () if node is None else tuple(qname(c)[1] for c in elements(node))


def _n(local: str) -> tuple[str, str]:
    return (NATIVE, local)


def _c(local: str) -> tuple[str, str]:
    return (CRYPTO, local)


def _a(local: str) -> tuple[str, str]:
    return (AAA, local)


# --- reading ------------------------------------------------------------------------------
def read_headend_config(device: LabDevice) -> HeadendConfig:
    """The running configuration, as the AnyConnect flow sees it."""
    roots = device.datastore("running")
    native = next((r for r in roots if r.tag == _q(NATIVE, "native")), None)
    config = HeadendConfig()
    if native is None:
        return config
    _read_aaa(native, config)
    _read_pools(native, config)
    crypto = _find(native, _n("crypto"))
    if crypto is not None:
        _read_ikev2(crypto, config)
        _read_ipsec(crypto, config)
        _read_vpn(crypto, config)
        for tp in _all(_find(crypto, _c("pki")), CRYPTO, "trustpoint"):
            tp_id = _text(tp, _c("id"))
            if tp_id:
                config.trustpoints.add(tp_id)
    _read_interfaces(native, config, device.cli_overlay)
    _read_overlay(config, device.cli_overlay)
    return config


def _read_overlay(config: HeadendConfig, overlay: dict[str, list[str]]) -> None:
    """Lines a release cannot model (16.9: authorization policy pool/dns, the profile's
    `anyconnect profile`, VT tunnel protection) live in the CLI overlay (lab.cli_config)."""
    for section, lines in overlay.items():
        words = section.split()
        values = {" ".join(x.split()[:-1]): x.split()[-1] for x in lines if len(x.split()) > 1}
        dns = next((x.split()[1:] for x in lines if x.split()[0] == "dns"), None)
        if words[:4] == ["crypto", "ikev2", "authorization", "policy"] and len(words) == 5:
            policy = config.authorization_policies.get(words[4])
            if policy is not None:
                config.authorization_policies[words[4]] = replace(
                    policy,
                    pool=policy.pool or values.get("pool"),
                    dns=policy.dns or tuple(dns or ()),
                )
        elif words[:3] == ["crypto", "ikev2", "profile"] and len(words) == 4:
            profile = config.profiles.get(words[3])
            if profile is not None and profile.anyconnect_profile is None:
                config.profiles[words[3]] = replace(
                    profile, anyconnect_profile=values.get("anyconnect profile")
                )
        elif (m := _VT_SECTION.match(section)) and int(m.group(1)) in config.virtual_templates:
            vt = config.virtual_templates[int(m.group(1))]
            if vt.protection_profile is None:
                config.virtual_templates[vt.number] = replace(
                    vt, protection_profile=values.get("tunnel protection ipsec profile")
                )


def _read_aaa(native: etree._Element, config: HeadendConfig) -> None:
    for user in _all(native, NATIVE, "username"):
        name = _text(user, _n("name"))
        if not name:
            continue
        password = _text(user, _n("password"), _n("password"))
        encryption = _text(user, _n("password"), _n("encryption")) or "0"
        secret = _text(user, _n("secret"), _n("secret"))
        secret_type = _text(user, _n("secret"), _n("encryption")) or ""
        config.users[name] = LocalUser(
            name,
            password=password if encryption == "0" else None,
            secret=secret,
            secret_type=secret_type,
        )
    aaa = _find(native, _n("aaa"))
    for login in _all(_find(aaa, _a("authentication")), AAA, "login"):
        name = _text(login, _a("name"))
        if name:
            config.login_lists[name] = _methods(login)
    for network in _all(_find(aaa, _a("authorization")), AAA, "network"):
        name = _text(network, _a("id"))
        if name:
            config.network_lists[name] = _methods(network)


def _methods(entry: etree._Element) -> tuple[str, ...]:
    """Method names in order: a1 `local` -> ("local",), a1 `group` -> ("group",) ..."""
    found: list[str] = []
    for slot in ("a1", "a2", "a3", "a4"):
        node = _find(entry, _a(slot))
        if node is not None:
            found.extend(_names(node))
    return tuple(found)


def _read_pools(native: etree._Element, config: HeadendConfig) -> None:
    for pool in _all(_find(native, _n("ip"), _n("local")), NATIVE, "pool"):
        name, start, last = (
            _text(pool, _n("id")),
            _text(pool, _n("start")),
            _text(pool, _n("last")),
        )
        if name and start and last:
            config.pools[name] = (start, last)


def _read_ikev2(crypto: etree._Element, config: HeadendConfig) -> None:
    ikev2 = _find(crypto, _c("ikev2"))
    if ikev2 is None:
        return
    for policy in _all(_find(ikev2, _c("authorization")), CRYPTO, "policy"):
        name = _text(policy, _c("policy-name"))
        if name:
            dns = tuple(
                v for v in (_text(policy, _c("dns"), _c(k)) for k in ("primary", "secondary")) if v
            )
            config.authorization_policies[name] = AuthorizationPolicy(
                name, _text(policy, _c("pool"), _c("pool-name")), dns
            )
    for proposal in _all(ikev2, CRYPTO, "proposal"):
        name = _text(proposal, _c("name"))
        if not name:
            continue
        groups = tuple(DH_WORDS[g] for g in _names(_find(proposal, _c("group"))) if g in DH_WORDS)
        config.proposals[name] = IkeProposal(
            name,
            _names(_find(proposal, _c("encryption"))),
            _names(_find(proposal, _c("integrity"))),
            groups,
        )
    for policy in _all(ikev2, CRYPTO, "policy"):
        for ref in _all(policy, CRYPTO, "proposal"):
            value = _text(ref, _c("proposals")) or _text(ref)
            if value and value not in config.policy_proposals:
                config.policy_proposals.append(value)
    for profile in _all(ikev2, CRYPTO, "profile"):
        parsed = _read_profile(profile)
        if parsed is not None:
            config.profiles[parsed.name] = parsed


def _read_profile(profile: etree._Element) -> Ikev2Profile | None:
    name = _text(profile, _c("name"))
    if not name:
        return None
    remote = _find(profile, _c("match"), _c("identity"), _c("remote"))
    key_ids = [*(_text(k) for k in _all(remote, CRYPTO, "key-ids"))]
    key_ids.append(_text(remote, _c("key-id")))
    auth = _find(profile, _c("authentication"))
    pki = _find(profile, _c("pki"))
    trustpoints = [_text(t, _c("name")) for t in _all(pki, CRYPTO, "trust-points")]
    trustpoints.append(_text(pki, _c("trustpoint")))
    aaa = _find(profile, _c("aaa"))
    group = _find(aaa, _c("authorization"), _c("group"), _c("anyconnect-eap"))
    author_list = author_user = None
    v2 = _find(group, _c("list-v2"))
    if v2 is not None:
        author_list = _text(v2, _c("name"))
        author_user = _text(v2, _c("aaa-config"), _c("username"), _c("username"))
    for entry in _all(group, CRYPTO, "list"):
        author_list = author_list or _text(entry, _c("name"))
        author_user = author_user or _text(entry, _c("username"))
    vt = _text(profile, _c("virtual-template"), _c("number"))
    return Ikev2Profile(
        name=name,
        key_ids=tuple(k for k in key_ids if k),
        local_auth=_names(_find(auth, _c("local"))),
        remote_anyconnect_eap=_find(auth, _c("remote"), _c("anyconnect-eap")) is not None,
        trustpoints=tuple(t for t in trustpoints if t),
        eap_authen_list=_text(aaa, _c("authentication"), _c("anyconnect-eap")),
        eap_author_list=author_list,
        eap_author_user=author_user,
        virtual_template=int(vt) if vt and vt.isdigit() else None,
        anyconnect_profile=_text(profile, _c("anyconnect"), _c("profile")),
    )


_ESP_CIPHERS: dict[str, tuple[str, int]] = {
    "esp-aes": ("aes-cbc", 128),
    "esp-192-aes": ("aes-cbc", 192),
    "esp-256-aes": ("aes-cbc", 256),
    "esp-gcm": ("aes-gcm", 128),
    "esp-gmac": ("aes-gmac", 128),
    "esp-3des": ("3des", 168),
    "esp-des": ("des", 56),
    "esp-null": ("null", 0),
    "esp-seal": ("seal", 160),
}


def _read_ipsec(crypto: etree._Element, config: HeadendConfig) -> None:
    ipsec = _find(crypto, _c("ipsec"))
    for ts in _all(ipsec, CRYPTO, "transform-set"):
        tag = _text(ts, _c("tag"))
        esp = _text(ts, _c("esp"))
        if not tag or not esp:
            continue
        cipher, bits = _ESP_CIPHERS.get(esp, (esp.removeprefix("esp-"), 0))
        key_bit = _text(ts, _c("key-bit"))
        if key_bit and key_bit.isdigit():
            bits = int(key_bit)
        config.transform_sets[tag] = TransformSet(tag, cipher, bits, _text(ts, _c("esp-hmac")))
    for profile in _all(ipsec, CRYPTO, "profile"):
        name = _text(profile, _c("name"))
        if not name:
            continue
        set_el = _find(profile, _c("set"))
        sets = [_text(t) for t in _all(set_el, CRYPTO, "transform-set")]
        config.ipsec_profiles[name] = IpsecProfile(
            name, tuple(s for s in sets if s), _text(set_el, _c("ikev2-profile"))
        )


def _read_vpn(crypto: etree._Element, config: HeadendConfig) -> None:
    anyconnect = _find(crypto, _c("vpn"), _c("anyconnect"))
    for entry in _all(anyconnect, CRYPTO, "profile"):
        name, url = _text(entry, _c("profile-name")), _text(entry, _c("file"))
        if name and url:
            config.anyconnect_profiles[name] = url
    container = _find(anyconnect, _c("profile-container"))
    name, url = _text(container, _c("profile")), _text(container, _c("filename"))
    if name and url:
        config.anyconnect_profiles[name] = url


def _read_interfaces(
    native: etree._Element, config: HeadendConfig, overlay: dict[str, list[str]]
) -> None:
    interfaces = _find(native, _n("interface"))
    for kind, target in (("Loopback", config.loopbacks), ("GigabitEthernet", config.physical)):
        for itf in _all(interfaces, NATIVE, kind):
            number = _text(itf, _n("name"))
            if number is None:
                continue
            primary = _find(itf, _n("ip"), _n("address"), _n("primary"))
            name = f"{kind}{number}"
            target[name] = AddressedInterface(
                name,
                _text(primary, _n("address")),
                _text(primary, _n("mask")),
                _find(itf, _n("shutdown")) is not None,
            )
    for vt in _all(interfaces, NATIVE, "Virtual-Template"):
        number = _text(vt, _n("name"))
        if number is None or not number.isdigit():
            continue
        ip = _find(vt, _n("ip"))
        protection = _find(vt, (TUNNEL, "tunnel"), (TUNNEL, "protection"), _c("ipsec"))
        profile = _text(protection, _c("profile-option"), _c("name")) or _text(
            protection, _c("profile")
        )
        mtu = _text(ip, _n("mtu"))
        nat_inside = _find(ip, (NAT, "nat"), (NAT, "inside")) is not None or any(
            line.strip() == "ip nat inside"
            for section, lines in overlay.items()
            if (m := _VT_SECTION.match(section)) and m.group(1) == number
            for line in lines
        )
        config.virtual_templates[int(number)] = VirtualTemplate(
            int(number),
            _text(ip, _n("unnumbered")),
            int(mtu) if mtu and mtu.isdigit() else None,
            profile,
            nat_inside,
        )
