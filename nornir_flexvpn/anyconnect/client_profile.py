"""The AnyConnect client profile (`acvpn.xml`) generated from the intent.

`<ClientInitialization>` starts from the document's settings, in the
document's order; the intent's `client_initialization` overrides them by
element name (`AutoReconnect/AutoReconnectBehavior` reaches a nested one;
names the document does not have are appended, sorted). `<ServerList>` has
one `<HostEntry>` per intent entry: IPsec as the primary protocol with
standard authentication only and EAP-AnyConnect during IKE negotiation (what
the headend's `authentication remote anyconnect-eap aggregate` expects).
The output is stable byte for byte (see `anyconnect.xmltext`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from lxml import etree

from nornir_flexvpn.anyconnect.xmltext import check_name, serialise, setting_text
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.models import (
    ANYCONNECT_KEY_ID,
    AnyConnectProfile,
    ClientSetting,
    FlexVpnIntent,
    HostEntry,
)
from nornir_flexvpn.namespaces import ANYCONNECT_PROFILE, XSI, qn


@dataclass(frozen=True)
class Setting:
    """One element of <ClientInitialization>; `user_controllable` None: no attribute."""

    name: str
    value: str
    user_controllable: bool | None = None
    children: tuple[Setting, ...] = ()


def _s(
    name: str, value: str, uc: bool | None = None, children: tuple[Setting, ...] = ()
) -> Setting:
    return Setting(name, value, uc, children)


# The document's profile, setting by setting.
DOCUMENT_CLIENT_INITIALIZATION: tuple[Setting, ...] = (
    _s("UseStartBeforeLogon", "false", True),
    _s("AutomaticCertSelection", "false", True),
    _s("ShowPreConnectMessage", "false"),
    _s("CertificateStore", "All"),
    _s("CertificateStoreMac", "All"),
    _s("CertificateStoreOverride", "false"),
    _s("ProxySettings", "Native"),
    _s("AllowLocalProxyConnections", "true"),
    _s("AuthenticationTimeout", "12"),
    _s("AutoConnectOnStart", "false", True),
    _s("MinimizeOnConnect", "true", True),
    _s("LocalLanAccess", "false", True),
    _s("DisableCaptivePortalDetection", "false", True),
    _s("ClearSmartcardPin", "true", True),
    _s("IPProtocolSupport", "IPv4,IPv6"),
    _s(
        "AutoReconnect",
        "true",
        False,
        (_s("AutoReconnectBehavior", "ReconnectAfterResume", False),),
    ),
    _s("AutoUpdate", "true", False),
    _s("RSASecurIDIntegration", "Automatic", False),
    _s("WindowsLogonEnforcement", "SingleLocalLogon"),
    _s("WindowsVPNEstablishment", "LocalUsersOnly"),
    _s("AutomaticVPNPolicy", "false"),
    _s("PPPExclusion", "Disable", False, (_s("PPPExclusionServerIP", "", False),)),
    _s("EnableScripting", "false", False),
    _s(
        "EnableAutomaticServerSelection",
        "false",
        False,
        (_s("AutoServerSelectionImprovement", "20"), _s("AutoServerSelectionSuspendTime", "4")),
    ),
    _s("RetainVpnOnLogoff", "false"),
    _s("AllowManualHostInput", "true"),
)


def client_initialization(
    overrides: Mapping[str, ClientSetting], *, path: str = "client_initialization"
) -> tuple[Setting, ...]:
    """The document's settings with `overrides` applied (see the module docstring)."""
    settings = list(DOCUMENT_CLIENT_INITIALIZATION)
    by_name = {s.name: i for i, s in enumerate(settings)}
    extra: dict[str, str] = {}
    for key in sorted(overrides):
        where = f"{path}.{key}"
        value = setting_text(overrides[key])
        top, sep, nested = key.partition("/")
        check_name(top, path=where)
        if not sep:
            if top in by_name:
                old = settings[by_name[top]]
                settings[by_name[top]] = Setting(top, value, old.user_controllable, old.children)
            else:
                extra[top] = value
            continue
        check_name(nested, path=where)
        if top not in by_name or nested not in {c.name for c in settings[by_name[top]].children}:
            raise IntentError(
                f"the document's profile has no <{top}><{nested}> to override "
                "(nested overrides only change existing settings)",
                path=where,
            )
        old = settings[by_name[top]]
        children = tuple(
            Setting(c.name, value, c.user_controllable, c.children) if c.name == nested else c
            for c in old.children
        )
        settings[by_name[top]] = Setting(old.name, old.value, old.user_controllable, children)
    return (*settings, *(Setting(k, v) for k, v in extra.items()))


def _setting(parent: etree._Element, setting: Setting) -> None:
    element = etree.SubElement(parent, qn(ANYCONNECT_PROFILE, setting.name))
    if setting.user_controllable is not None:
        element.set("UserControllable", setting_text(setting.user_controllable))
    element.text = setting.value
    for child in setting.children:
        _setting(element, child)


def _sub(parent: etree._Element, name: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, qn(ANYCONNECT_PROFILE, name))
    element.text = text
    return element


def _host_entry(server_list: etree._Element, entry: HostEntry) -> None:
    host = etree.SubElement(server_list, qn(ANYCONNECT_PROFILE, "HostEntry"))
    _sub(host, "HostName", entry.name)
    _sub(host, "HostAddress", entry.address)
    primary = _sub(host, "PrimaryProtocol", "IPsec")
    standard = _sub(primary, "StandardAuthenticationOnly", "true")
    _sub(standard, "AuthMethodDuringIKENegotiation", "EAP-AnyConnect")
    if entry.ike_identity is not None:
        _sub(standard, "IKEIdentity", entry.ike_identity)


def render_client_profile(
    profile: AnyConnectProfile, *, path: str = "anyconnect_profiles[0]"
) -> bytes:
    """The profile's XML file, as `crypto vpn anyconnect profile` serves it to clients."""
    root = etree.Element(
        qn(ANYCONNECT_PROFILE, "AnyConnectProfile"),
        nsmap=cast(Any, {None: ANYCONNECT_PROFILE, "xsi": XSI}),
    )
    root.set(qn(XSI, "schemaLocation"), f"{ANYCONNECT_PROFILE} AnyConnectProfile.xsd")
    init = etree.SubElement(root, qn(ANYCONNECT_PROFILE, "ClientInitialization"))
    for setting in client_initialization(
        profile.client_initialization, path=f"{path}.client_initialization"
    ):
        _setting(init, setting)
    server_list = etree.SubElement(root, qn(ANYCONNECT_PROFILE, "ServerList"))
    for entry in profile.host_entries:
        _host_entry(server_list, entry)
    return serialise(root)


def file_name(profile: AnyConnectProfile) -> str:
    """`bootflash:/acvpn.xml` -> `acvpn.xml` (the name clients and exports use)."""
    _, _, rest = profile.url.rpartition(":")
    name = PurePosixPath(rest).name
    if not name:
        raise IntentError(f"{profile.url!r} names no file", path="anyconnect_profiles.url")
    return name


def check_identities(intent: FlexVpnIntent) -> None:
    """Every HostEntry's IKE identity must be one an IKEv2 profile matches, or the
    headend finds no profile for the client."""
    matched = {k for p in intent.ikev2_profiles for k in p.match_key_ids}
    for i, profile in enumerate(intent.anyconnect_profiles):
        for j, entry in enumerate(profile.host_entries):
            identity = entry.ike_identity or ANYCONNECT_KEY_ID
            if identity not in matched:
                raise IntentError(
                    f"IKE identity {identity!r} is matched by no IKEv2 profile "
                    f"(match identity remote key-id: {', '.join(sorted(matched))})",
                    path=f"anyconnect_profiles[{i}].host_entries[{j}].ike_identity",
                )


def client_profiles(intent: FlexVpnIntent) -> dict[str, bytes]:
    """Profile name -> its XML, for every profile the intent delivers."""
    check_identities(intent)
    return {
        p.name: render_client_profile(p, path=f"anyconnect_profiles[{i}]")
        for i, p in enumerate(intent.anyconnect_profiles)
        if p.deliver
    }
