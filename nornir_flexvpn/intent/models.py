"""The declarative intent of one FlexVPN AnyConnect-EAP headend.

Every default reproduces the source document (../shared/seed/DIGEST.md), so
`FlexVpnIntent()` *is* the document's headend. Objects are lists keyed by
name, so a headend can carry more than one of each; references between them
are by name and are checked by `intent.lint`, not here (the model only checks
shapes and types, so that every error names the YAML path it came from).

Secrets are never values here: `SecretRef` says where to read them.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ANYCONNECT_KEY_ID = "*$AnyConnectClient$*"


class Strict(BaseModel):
    """Base of every intent model: unknown keys are errors, nothing is guessed."""

    # Inputs stay out of error texts: a secret typed where a reference goes must not leak.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class SecretRef(Strict):
    """Where a secret comes from: an environment variable and/or a file.

    `demo: true` allows the document's documented demo value (`cisco123`) when
    neither source is set; lint warns whenever that fallback is possible.
    YAML shorthand: `env:NAME` or `file:PATH` (see intent.secrets).
    """

    env: str | None = None
    file: str | None = None
    demo: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return secret_ref_shorthand(data)
        return data

    @model_validator(mode="after")
    def _one_source(self) -> SecretRef:
        if not (self.env or self.file or self.demo):
            raise ValueError("a secret reference needs 'env', 'file' or 'demo: true'")
        return self


def secret_ref_shorthand(text: str) -> dict[str, str]:
    """`env:NAME` -> {"env": NAME}, `file:PATH` -> {"file": PATH}.

    Any other string is refused without repeating it: a plain string where a
    reference goes is most likely the secret itself, typed into the inventory.
    """
    kind, sep, rest = text.partition(":")
    if sep and kind in ("env", "file") and rest.strip() == rest and rest:
        return {kind: rest}
    raise ValueError(
        "a secret reference is a mapping (env/file/demo) or a string 'env:NAME' or "
        "'file:PATH'; plain values are not accepted (never put secrets in the inventory)"
    )


def demo_secret(env: str) -> SecretRef:
    return SecretRef(env=env, demo=True)


# --- 1. AAA -------------------------------------------------------------------
AaaMethod = Literal["local", "local-case", "none", "if-authenticated"]


_LOCAL: tuple[AaaMethod, ...] = ("local",)


class MethodList(Strict):
    name: Annotated[str, Field(min_length=1)]
    methods: list[AaaMethod] = Field(default_factory=lambda: list(_LOCAL), min_length=1)


class LocalUser(Strict):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    password: SecretRef
    # "none": `username U password 0 ...` as the document writes it (lint warns);
    # "scrypt": `username U secret 9 $9$...`, hashed locally, nothing type-0 on the wire.
    hash: Literal["none", "scrypt"] = "none"
    privilege: Annotated[int, Field(ge=0, le=15)] | None = None


class Aaa(Strict):
    new_model: bool = True
    authentication_login: list[MethodList] = Field(
        default_factory=lambda: [MethodList(name="a-eap-authen-local")]
    )
    authorization_network: list[MethodList] = Field(
        default_factory=lambda: [MethodList(name="a-eap-author-grp")]
    )
    users: list[LocalUser] = Field(
        default_factory=lambda: [
            LocalUser(name="test", password=demo_secret("FLEXVPN_USER_TEST_PASSWORD"))
        ]
    )


# --- 2. PKI -------------------------------------------------------------------
class Trustpoint(Strict):
    name: Annotated[str, Field(min_length=1)] = "IKEv2-TP"
    # Where the bundle sits on the device, as the import command names it.
    pkcs12_url: str = "bootflash:IKEv2-TP.p12"
    passphrase: SecretRef = Field(
        default_factory=lambda: demo_secret("FLEXVPN_TRUSTPOINT_PASSPHRASE")
    )
    # Local path of the bundle to deliver before import (None: already on the device).
    pkcs12_source: str | None = None


# --- 3. pool --------------------------------------------------------------------
class AddressPool(Strict):
    name: Annotated[str, Field(min_length=1)] = "ACPOOL"
    start: IPv4Address = IPv4Address("192.168.10.5")
    end: IPv4Address = IPv4Address("192.168.10.10")


# --- 4. / 13. IKEv2 authorization policy --------------------------------------
class AuthorizationPolicy(Strict):
    name: Annotated[str, Field(min_length=1)] = "ikev2-auth-policy"
    pool: str | None = "ACPOOL"
    dns: list[IPv4Address] = Field(default_factory=lambda: [IPv4Address("10.0.1.1")], max_length=2)
    # Split tunnel: `route set access-list <acl>`; None for full tunnel.
    route_set_acl: str | None = "split_tunnel"


# --- 5. proposal / policy ---------------------------------------------------------
Ikev2Encryption = Literal["aes-cbc-128", "aes-cbc-192", "aes-cbc-256", "aes-gcm-128", "aes-gcm-256"]
Ikev2Integrity = Literal["md5", "sha1", "sha256", "sha384", "sha512"]
DhGroup = Literal[1, 2, 5, 14, 15, 16, 19, 20, 21, 24]


_AES256: tuple[Ikev2Encryption, ...] = ("aes-cbc-256",)
_SHA256: tuple[Ikev2Integrity, ...] = ("sha256",)
_GROUP14: tuple[DhGroup, ...] = (14,)


class Ikev2Proposal(Strict):
    name: Annotated[str, Field(min_length=1)] = "IKEv2-prop1"
    encryption: list[Ikev2Encryption] = Field(default_factory=lambda: list(_AES256), min_length=1)
    integrity: list[Ikev2Integrity] = Field(default_factory=lambda: list(_SHA256), min_length=1)
    group: list[DhGroup] = Field(default_factory=lambda: list(_GROUP14), min_length=1)


class Ikev2Policy(Strict):
    name: Annotated[str, Field(min_length=1)] = "IKEv2-pol"
    proposals: list[str] = Field(default_factory=lambda: ["IKEv2-prop1"], min_length=1)


# --- 6. AnyConnect profile -----------------------------------------------------------
class HostEntry(Strict):
    """One `<HostEntry>` of the client profile: a headend, or a group's shared name."""

    # <HostName>: what the client's drop-down lists.
    name: Annotated[str, Field(min_length=1)] = "VPN IOS-XE"
    # <HostAddress>: the FQDN or address the client connects to.
    address: Annotated[str, Field(min_length=1)] = "vpn.example.com"
    # <IKEIdentity>: the key-id the client sends; None keeps AnyConnect's *$AnyConnectClient$*.
    ike_identity: str | None = None


ClientSetting = bool | int | str


class AnyConnectProfile(Strict):
    name: Annotated[str, Field(min_length=1)] = "acvpn"
    # Device URL as `crypto vpn anyconnect profile` writes it.
    url: str = "bootflash:/acvpn.xml"
    # The client profile XML delivered to `url` (anyconnect.client_profile renders it).
    host_entries: list[HostEntry] = Field(default_factory=lambda: [HostEntry()], min_length=1)
    # Overrides of the document's <ClientInitialization> settings, by element name.
    client_initialization: dict[str, ClientSetting] = Field(default_factory=dict)
    # False: the file is managed elsewhere; only the binding is configured.
    deliver: bool = True


class FileDelivery(Strict):
    """How files reach bootflash: SFTP on the NETCONF SSH connection, or the device's
    `copy` RPC from `copy_from` + file name (a URL the headend can reach)."""

    method: Literal["sftp", "copy"] = "sftp"
    copy_from: str | None = None


# --- 7. IKEv2 profile -------------------------------------------------------------------
class AuthorizationGroup(Strict):
    """`aaa authorization group anyconnect-eap list <list> <policy>`."""

    list: str = "a-eap-author-grp"
    policy: str = "ikev2-auth-policy"


class Ikev2Profile(Strict):
    name: Annotated[str, Field(min_length=1)] = "AnyConnect-EAP"
    match_key_ids: list[str] = Field(default_factory=lambda: [ANYCONNECT_KEY_ID], min_length=1)
    local_auth: Literal["rsa-sig"] = "rsa-sig"
    remote_auth: Literal["anyconnect-eap"] = "anyconnect-eap"
    aggregate: bool = True
    trustpoint: str | None = "IKEv2-TP"
    aaa_authentication_anyconnect_eap: str | None = "a-eap-authen-local"
    aaa_authorization_group: AuthorizationGroup | None = Field(default_factory=AuthorizationGroup)
    aaa_authorization_user_cached: bool = True
    virtual_template: Annotated[int, Field(ge=1, le=65535)] | None = 100
    anyconnect_profile: str | None = "acvpn"


# --- 9. / 10. IPsec -------------------------------------------------------------------------
EspEncryption = Literal["esp-aes", "esp-gcm", "esp-3des"]
EspIntegrity = Literal["esp-sha-hmac", "esp-sha256-hmac", "esp-sha384-hmac", "esp-sha512-hmac"]


class TransformSet(Strict):
    name: Annotated[str, Field(min_length=1)] = "TS"
    encryption: EspEncryption = "esp-aes"
    key_bits: Literal[128, 192, 256] | None = 256
    integrity: EspIntegrity | None = "esp-sha256-hmac"
    mode: Literal["tunnel", "transport"] = "tunnel"


class IpsecProfile(Strict):
    name: Annotated[str, Field(min_length=1)] = "AnyConnect-EAP"
    transform_set: str = "TS"
    ikev2_profile: str = "AnyConnect-EAP"


# --- 11. / 12. interfaces --------------------------------------------------------------------
class Loopback(Strict):
    number: Annotated[int, Field(ge=0, le=2147483647)] = 100
    address: IPv4Address = IPv4Address("10.0.0.1")
    mask: IPv4Address = IPv4Address("255.255.255.255")


class VirtualTemplate(Strict):
    number: Annotated[int, Field(ge=1, le=65535)] = 100
    unnumbered_loopback: int | None = 100
    mtu: Annotated[int, Field(ge=68, le=9216)] | None = 1400
    tunnel_mode: Literal["ipsec-ipv4"] = "ipsec-ipv4"
    ipsec_profile: str | None = "AnyConnect-EAP"
    nat_inside: bool = True


# --- 13. / 14. ACLs and NAT --------------------------------------------------------------------
class StandardAce(Strict):
    action: Literal["permit", "deny"] = "permit"
    prefix: IPv4Address
    wildcard: IPv4Address = IPv4Address("0.0.0.0")


class ExtendedAce(Strict):
    action: Literal["permit", "deny"] = "permit"
    protocol: Literal["ip", "tcp", "udp", "icmp"] = "ip"
    # Address forms: "any", "host A.B.C.D", or "A.B.C.D W.X.Y.Z" (address + wildcard).
    source: str = "any"
    destination: str = "any"


class StandardAcl(Strict):
    kind: Literal["standard"] = "standard"
    name: Annotated[str, Field(min_length=1)]
    entries: list[StandardAce] = Field(min_length=1)


class ExtendedAcl(Strict):
    kind: Literal["extended"] = "extended"
    name: Annotated[str, Field(min_length=1)]
    entries: list[ExtendedAce] = Field(min_length=1)


Acl = Annotated[StandardAcl | ExtendedAcl, Field(discriminator="kind")]


def _seed_acls() -> list[StandardAcl | ExtendedAcl]:
    return [
        StandardAcl(
            name="split_tunnel",
            entries=[
                StandardAce(prefix=IPv4Address("10.0.0.0"), wildcard=IPv4Address("0.255.255.255"))
            ],
        ),
        ExtendedAcl(
            name="NAT",
            entries=[ExtendedAce(source="192.168.10.0 0.0.0.255", destination="any")],
        ),
    ]


class NatInsideSource(Strict):
    """`ip nat inside source list <acl> interface <interface> [overload]`."""

    acl: str = "NAT"
    interface: str = "GigabitEthernet1"
    overload: bool = True


class Nat(Strict):
    inside_source: list[NatInsideSource] = Field(default_factory=lambda: [NatInsideSource()])
    outside_interfaces: list[str] = Field(default_factory=lambda: ["GigabitEthernet1"])


# --- the headend --------------------------------------------------------------------------------
class FlexVpnIntent(Strict):
    """One headend's FlexVPN intent; defaults are the source document's headend."""

    aaa: Aaa = Field(default_factory=Aaa)
    trustpoint: Trustpoint | None = Field(default_factory=Trustpoint)
    pools: list[AddressPool] = Field(default_factory=lambda: [AddressPool()])
    authorization_policies: list[AuthorizationPolicy] = Field(
        default_factory=lambda: [AuthorizationPolicy()]
    )
    # Empty lists: rely on IKEv2 smart defaults (the document's step 5 is optional).
    proposals: list[Ikev2Proposal] = Field(default_factory=lambda: [Ikev2Proposal()])
    policies: list[Ikev2Policy] = Field(default_factory=lambda: [Ikev2Policy()])
    anyconnect_profiles: list[AnyConnectProfile] = Field(
        default_factory=lambda: [AnyConnectProfile()]
    )
    ikev2_profiles: list[Ikev2Profile] = Field(
        default_factory=lambda: [Ikev2Profile()], min_length=1
    )
    # Step 8: the document turns all three off.
    http_url_cert: bool = False
    http_server: bool = False
    http_secure_server: bool = False
    transform_sets: list[TransformSet] = Field(default_factory=lambda: [TransformSet()])
    ipsec_profiles: list[IpsecProfile] = Field(default_factory=lambda: [IpsecProfile()])
    loopbacks: list[Loopback] = Field(default_factory=lambda: [Loopback()])
    virtual_templates: list[VirtualTemplate] = Field(default_factory=lambda: [VirtualTemplate()])
    acls: list[Acl] = Field(default_factory=_seed_acls)
    nat: Nat | None = Field(default_factory=Nat)
    # Steps 2 and 6's files (PKCS12 bundle, client profile): how they reach bootflash.
    file_delivery: FileDelivery = Field(default_factory=FileDelivery)
