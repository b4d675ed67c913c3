"""`AnyConnectLocalPolicy.xml`: the client-side file that stops the profile download.

Before IOS-XE 16.9.1 the headend cannot serve the client profile; the
document's remedy is `BypassDownloader` true in the client's local policy
(and the profile copied to the client by hand). Settings and order are the
document's.
"""

from __future__ import annotations

import re
from typing import Any, cast

from lxml import etree

from nornir_flexvpn.anyconnect.xmltext import serialise, setting_text
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.namespaces import ANYCONNECT_PROFILE, XSI, qn
from nornir_flexvpn.releases import Release

FILE_NAME = "AnyConnectLocalPolicy.xml"
DOCUMENT_ACVERSION = "4.6.03049"
FIRST_SERVING_RELEASE = (16, 9, 1)

_POLICY: tuple[tuple[str, bool], ...] = (
    ("EnableCRLCheck", False),
    ("ExcludeFirefoxNSSCertStore", False),
    ("ExcludeMacNativeCertStore", False),
    ("ExcludePemFileCertStore", False),
    ("ExcludeWinNativeCertStore", False),
    ("FipsMode", False),
    ("RestrictPreferenceCaching", False),
    ("RestrictTunnelProtocols", False),
    ("RestrictWebLaunch", False),
    ("StrictCertificateTrust", False),
)
_UPDATE_POLICY = (
    "AllowComplianceModuleUpdatesFromAnyServer",
    "AllowISEProfileUpdatesFromAnyServer",
    "AllowServiceProfileUpdatesFromAnyServer",
    "AllowSoftwareUpdatesFromAnyServer",
    "AllowVPNProfileUpdatesFromAnyServer",
)
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)[a-zA-Z]*")


def version_tuple(version: Release | str) -> tuple[int, int, int]:
    text = version.value if isinstance(version, Release) else version
    found = _VERSION.fullmatch(text.strip())
    if found is None:
        raise IntentError(f"{text!r} is not an IOS-XE version (like 16.8.1)", path="release")
    major, minor, patch = (int(g) for g in found.groups())
    return major, minor, patch


def needs_bypass_downloader(version: Release | str) -> bool:
    """True for headends older than 16.9.1, which cannot serve the profile."""
    return version_tuple(version) < FIRST_SERVING_RELEASE


def render_local_policy(
    *, bypass_downloader: bool = True, acversion: str = DOCUMENT_ACVERSION
) -> bytes:
    root = etree.Element(
        qn(ANYCONNECT_PROFILE, "AnyConnectLocalPolicy"),
        nsmap=cast(Any, {None: ANYCONNECT_PROFILE, "xsi": XSI}),
    )
    root.set(qn(XSI, "schemaLocation"), f"{ANYCONNECT_PROFILE} AnyConnectLocalPolicy.xsd")
    root.set("acversion", acversion)
    etree.SubElement(root, qn(ANYCONNECT_PROFILE, "BypassDownloader")).text = setting_text(
        bypass_downloader
    )
    for name, value in _POLICY:
        etree.SubElement(root, qn(ANYCONNECT_PROFILE, name)).text = setting_text(value)
    update = etree.SubElement(root, qn(ANYCONNECT_PROFILE, "UpdatePolicy"))
    for name in _UPDATE_POLICY:
        etree.SubElement(update, qn(ANYCONNECT_PROFILE, name)).text = "true"
    return serialise(root)
