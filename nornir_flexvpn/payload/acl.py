"""Steps 13 and 14's access lists: standard (split tunnel) and extended (NAT)."""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import Final

from lxml import etree

from nornir_flexvpn.errors import PayloadError
from nornir_flexvpn.intent.models import ExtendedAcl, StandardAcl
from nornir_flexvpn.namespaces import ACL, NATIVE
from nornir_flexvpn.payload.elements import chain, child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.shapes import Shapes, shapes_for
from nornir_flexvpn.releases import Release

# IOS numbers entries 10, 20, ... when the CLI gives none; the payload does the same.
SEQUENCE_STEP: Final = 10
_HOST_WILDCARD: Final = IPv4Address("0.0.0.0")

# Leaf names of an extended ACE's source and destination, per ACL address shape.
_EXTENDED_LEAVES: Final[dict[str, dict[str, tuple[str, str, str, str]]]] = {
    # (address, mask, any, host)
    "prefix": {
        "source": ("ipv4-address", "mask", "any", "host"),
        "destination": ("dest-ipv4-address", "dest-mask", "dst-any", "dst-host"),
    },
    "address": {
        "source": ("ipv4-address", "mask", "any", "host-address"),
        "destination": ("dest-ipv4-address", "dest-mask", "dst-any", "dst-host-address"),
    },
}


def _address(text: str, path: str) -> IPv4Address:
    try:
        return IPv4Address(text)
    except ValueError:
        raise PayloadError(f"{text!r} is not an IPv4 address", path=path) from None


def _standard(holder: etree._Element, acl: StandardAcl, shapes: Shapes) -> None:
    entry = child(holder, ACL, "standard")
    leaf(entry, "name", acl.name)
    for position, ace in enumerate(acl.entries, start=1):
        rule = leaf(entry, "access-list-seq-rule")
        leaf(rule, "sequence", str(position * SEQUENCE_STEP))
        std_ace = chain(rule, ace.action, "std-ace")
        if ace.wildcard == _HOST_WILDCARD:
            host = "host-address" if shapes.acl_address == "address" else "host"
            leaf(std_ace, host, str(ace.prefix))
        else:
            prefix = "ipv4-address-prefix" if shapes.acl_address == "address" else "ipv4-prefix"
            leaf(std_ace, prefix, str(ace.prefix))
            leaf(std_ace, "mask", str(ace.wildcard))


def _endpoint(rule: etree._Element, text: str, names: tuple[str, str, str, str], path: str) -> None:
    address, mask, any_, host = names
    words = text.split()
    if words == ["any"]:
        leaf(rule, any_)
    elif len(words) == 2 and words[0] == "host":
        leaf(rule, host, str(_address(words[1], path)))
    elif len(words) == 2:
        leaf(rule, address, str(_address(words[0], path)))
        leaf(rule, mask, str(_address(words[1], path)))
    else:
        raise PayloadError(
            f"{text!r} is none of 'any', 'host A.B.C.D', 'A.B.C.D W.X.Y.Z'", path=path
        )


def _extended(holder: etree._Element, acl: ExtendedAcl, index: int, shapes: Shapes) -> None:
    leaves = _EXTENDED_LEAVES[shapes.acl_address]
    entry = child(holder, ACL, "extended")
    leaf(entry, "name", acl.name)
    for position, ace in enumerate(acl.entries, start=1):
        rule = leaf(entry, "access-list-seq-rule")
        leaf(rule, "sequence", str(position * SEQUENCE_STEP))
        ace_rule = leaf(rule, "ace-rule")
        leaf(ace_rule, "action", ace.action)
        leaf(ace_rule, "protocol", ace.protocol)
        where = f"acls[{index}].entries[{position - 1}]"
        _endpoint(ace_rule, ace.source, leaves["source"], f"{where}.source")
        _endpoint(ace_rule, ace.destination, leaves["destination"], f"{where}.destination")


def build_acls(acls: list[StandardAcl | ExtendedAcl], release: Release) -> Fragment:
    """`<ip><access-list>`: `standard[name]` and `extended[name]`, entries numbered 10, 20..."""
    shapes = shapes_for(release)
    fragment = Fragment("acl")
    if not acls:
        return fragment
    holder = chain(fragment.add(element(NATIVE, "ip")), "access-list")
    for index, acl in enumerate(acls):
        if isinstance(acl, StandardAcl):
            _standard(holder, acl, shapes)
        else:
            _extended(holder, acl, index, shapes)
    return fragment
