"""Step 6's binding, and binding again after the file under it changed.

`crypto vpn anyconnect profile <name> bootflash:/<file>` (and the IKEv2
profile's `anyconnect profile <name>`) are in the payload, in each release's
shape (`payload.anyconnect`, `payload.ikev2`). IOS reads the file when the
command is entered, so new content under an unchanged URL needs the command
entered again: `rebind_edit` re-sends those entries with operation="replace",
which the device applies as the command itself even though the value is the
same. `bound_profiles` reads which bindings running already has, so only a
file that was bound before it changed is re-bound (a new binding reads the
new file anyway).
"""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree

from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.namespaces import CRYPTO, NATIVE, NC, qn
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.payload.anyconnect import build_anyconnect_profiles
from nornir_flexvpn.payload.elements import default_nsmap
from nornir_flexvpn.releases import Release

OPERATION = qn(NC, "operation")


def vpn_filter() -> etree._Element:
    native = etree.Element(qn(NATIVE, "native"), nsmap=default_nsmap(NATIVE))
    crypto = etree.SubElement(native, qn(NATIVE, "crypto"))
    etree.SubElement(crypto, qn(CRYPTO, "vpn"), nsmap=default_nsmap(CRYPTO))
    return native


def parse_bindings(data: etree._Element) -> dict[str, str]:
    """Profile name -> file URL from running's `crypto vpn anyconnect` (either shape)."""
    found: dict[str, str] = {}
    for anyconnect in data.iter(qn(CRYPTO, "anyconnect")):
        parent = anyconnect.getparent()
        if parent is None or parent.tag != qn(CRYPTO, "vpn"):
            continue
        for entry in anyconnect.findall(qn(CRYPTO, "profile")):
            name = entry.findtext(qn(CRYPTO, "profile-name"))
            if name:
                found[name.strip()] = (entry.findtext(qn(CRYPTO, "file")) or "").strip()
        for container in anyconnect.findall(qn(CRYPTO, "profile-container")):
            name = container.findtext(qn(CRYPTO, "profile"))
            if name:
                found[name.strip()] = (container.findtext(qn(CRYPTO, "filename")) or "").strip()
    return found


def bound_profiles(conn: NetconfConnection) -> dict[str, str]:
    return parse_bindings(conn.get_config("running", filter=vpn_filter()))


def rebind_edit(
    intent: FlexVpnIntent, release: Release, names: Collection[str]
) -> etree._Element | None:
    """`<native>` re-entering the bindings of `names` (None when none of them is modelled)."""
    profiles = [p for p in intent.anyconnect_profiles if p.name in names]
    fragment = build_anyconnect_profiles(profiles, release)
    if not fragment.elements:
        return None
    native = etree.Element(qn(NATIVE, "native"), nsmap=default_nsmap(NATIVE))
    for node in fragment.elements:
        native.append(node)
    marked = 0
    for anyconnect in native.iter(qn(CRYPTO, "anyconnect")):
        for entry in anyconnect:
            if entry.tag in (qn(CRYPTO, "profile"), qn(CRYPTO, "profile-container")):
                entry.set(OPERATION, "replace")
                marked += 1
    return native if marked else None
