"""The configuration lines the lab's CLI understands, and where they land.

The CLI shell (`lab.cli_shell`) and the cli-rpc (`lab.cli_rpc`) both need to
know which configuration-mode lines the lab accepts. The lab keeps what no
model of the release carries as a CLI overlay (`LabDevice.cli_overlay`,
section header -> lines), beside the modelled datastore the NETCONF side
sees; a section only holds overlay lines while its modelled object exists
(delete the IKEv2 profile over NETCONF and its `anyconnect profile` goes too).

A line the release's models do carry becomes that modelled XML (an edit of
running, validated like any other), so the lab never keeps configuration in
two places. Everything else is refused the way IOS refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.namespaces import CRYPTO, NATIVE, NC, TUNNEL
from nornir_flexvpn.payload.shapes import Shapes, shapes_for

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

INVALID_INPUT = "% Invalid input detected at '^' marker."


class CliLineRejected(Exception):
    """IOS would print `message` for this line (the line itself is never in it)."""

    def __init__(self, message: str = INVALID_INPUT) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LineRule:
    """One overlay line a section accepts: `key` identifies the setting (a new
    value replaces the old), `modelled` says whether the release's models carry it."""

    pattern: re.Pattern[str]
    key: str
    modelled: Callable[[Shapes], bool]
    # The modelled form under the section's object: (parent, words after the key, negate).
    xml: Callable[[etree._Element, list[str], bool], None]


@dataclass(frozen=True)
class SectionRule:
    header: re.Pattern[str]
    canonical: Callable[[re.Match[str]], str]
    exists: Callable[[list[etree._Element], re.Match[str]], bool]
    mode: str  # the IOS prompt's mode, e.g. "config-if"
    # `<config>` down to the section's object (its keys filled in); returns that object.
    path: Callable[[etree._Element, re.Match[str]], etree._Element]
    lines: tuple[LineRule, ...]


def _local(*names: str) -> str:
    return "/".join(f"*[local-name()='{n}']" for n in names)


def _has(roots: list[etree._Element], path: str, value: str) -> bool:
    for root in roots:
        found = root.xpath(f"descendant-or-self::{path}")
        if isinstance(found, list):
            for node in found:
                if isinstance(node, etree._Element) and (node.text or "").strip() == value:
                    return True
    return False


def _auth_policy_exists(roots: list[etree._Element], m: re.Match[str]) -> bool:
    return _has(roots, _local("ikev2", "authorization", "policy", "policy-name"), m.group(1))


def _ikev2_profile_exists(roots: list[etree._Element], m: re.Match[str]) -> bool:
    return _has(roots, _local("ikev2", "profile", "name"), m.group(1))


def _vt_exists(roots: list[etree._Element], m: re.Match[str]) -> bool:
    return _has(roots, _local("interface", "Virtual-Template", "name"), m.group(1))


def _sub(parent: etree._Element, ns: str, name: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        node.text = text
    return node


def _removable(parent: etree._Element, ns: str, name: str, negate: bool) -> etree._Element:
    node = _sub(parent, ns, name)
    if negate:
        node.set(f"{{{NC}}}operation", "remove")
    return node


def _auth_policy_path(config: etree._Element, m: re.Match[str]) -> etree._Element:
    crypto = _sub(_sub(config, NATIVE, "native"), NATIVE, "crypto")
    policy = _sub(_sub(_sub(crypto, CRYPTO, "ikev2"), CRYPTO, "authorization"), CRYPTO, "policy")
    _sub(policy, CRYPTO, "policy-name", m.group(1))
    return policy


def _ikev2_profile_path(config: etree._Element, m: re.Match[str]) -> etree._Element:
    crypto = _sub(_sub(config, NATIVE, "native"), NATIVE, "crypto")
    profile = _sub(_sub(crypto, CRYPTO, "ikev2"), CRYPTO, "profile")
    _sub(profile, CRYPTO, "name", m.group(1))
    return profile


def _vt_path(config: etree._Element, m: re.Match[str]) -> etree._Element:
    vt = _sub(_sub(_sub(config, NATIVE, "native"), NATIVE, "interface"), NATIVE, "Virtual-Template")
    _sub(vt, NATIVE, "name", m.group(1))
    return vt


def _pool_xml(parent: etree._Element, args: list[str], negate: bool) -> None:
    node = _removable(parent, CRYPTO, "pool", negate)
    if not negate:
        _sub(node, CRYPTO, "pool-name", args[0])


def _dns_xml(parent: etree._Element, args: list[str], negate: bool) -> None:
    node = _removable(parent, CRYPTO, "dns", negate)
    if not negate:
        for name, value in zip(("primary", "secondary"), args, strict=False):
            _sub(node, CRYPTO, name, value)


def _route_set_xml(parent: etree._Element, args: list[str], negate: bool) -> None:
    access_list = _removable(
        _sub(_sub(parent, CRYPTO, "route"), CRYPTO, "set"), CRYPTO, "access-list", negate
    )
    if not negate:
        _sub(access_list, CRYPTO, "access-list-range", args[0])


def _anyconnect_xml(parent: etree._Element, args: list[str], negate: bool) -> None:
    node = _removable(parent, CRYPTO, "anyconnect", negate)
    if not negate:
        _sub(node, CRYPTO, "profile", args[0])


def _protection_xml(parent: etree._Element, args: list[str], negate: bool) -> None:
    protection = _removable(_sub(parent, TUNNEL, "tunnel"), TUNNEL, "protection", negate)
    if not negate:
        option = _sub(_sub(protection, CRYPTO, "ipsec"), CRYPTO, "profile-option")
        _sub(option, CRYPTO, "name", args[0])


def _no_xml(parent: etree._Element, args: list[str], negate: bool) -> None:
    raise CliLineRejected()  # never modelled: no release up to 17.18.1 carries it


SECTIONS: tuple[SectionRule, ...] = (
    SectionRule(
        re.compile(r"^crypto ikev2 authorization policy (\S+)$", re.I),
        lambda m: f"crypto ikev2 authorization policy {m.group(1)}",
        _auth_policy_exists,
        "config-ikev2-author-policy",
        _auth_policy_path,
        (
            LineRule(
                re.compile(r"^pool \S+$", re.I),
                "pool",
                lambda s: s.authorization_policy_attributes,
                _pool_xml,
            ),
            LineRule(
                re.compile(r"^dns \S+( \S+)?$", re.I),
                "dns",
                lambda s: s.authorization_policy_attributes,
                _dns_xml,
            ),
            LineRule(
                re.compile(r"^route set access-list \S+$", re.I),
                "route set access-list",
                lambda s: s.authorization_policy_attributes,
                _route_set_xml,
            ),
        ),
    ),
    SectionRule(
        re.compile(r"^crypto ikev2 profile (\S+)$", re.I),
        lambda m: f"crypto ikev2 profile {m.group(1)}",
        _ikev2_profile_exists,
        "config-ikev2-profile",
        _ikev2_profile_path,
        (
            LineRule(
                re.compile(r"^anyconnect profile \S+$", re.I),
                "anyconnect profile",
                lambda s: s.profile_anyconnect,
                _anyconnect_xml,
            ),
        ),
    ),
    SectionRule(
        re.compile(r"^interface virtual-template\s*(\d+)(?: type tunnel)?$", re.I),
        lambda m: f"interface Virtual-Template{m.group(1)} type tunnel",
        _vt_exists,
        "config-if",
        _vt_path,
        (
            LineRule(
                re.compile(r"^ip nat inside$", re.I),
                "ip nat inside",
                lambda s: s.template_nat_inside,
                _no_xml,
            ),
            LineRule(
                re.compile(r"^tunnel protection ipsec profile \S+$", re.I),
                "tunnel protection ipsec profile",
                lambda s: s.template_tunnel_protection,
                _protection_xml,
            ),
        ),
    ),
)


def fold(line: str) -> str:
    return " ".join(line.split())


def match_section(line: str) -> tuple[SectionRule, re.Match[str]] | None:
    for rule in SECTIONS:
        found = rule.header.match(fold(line))
        if found:
            return rule, found
    return None


def section_exists(device: LabDevice, section: str) -> bool:
    """Whether the modelled object behind an overlay section is in running."""
    hit = match_section(section)
    return hit is not None and hit[0].exists(device._stores["running"], hit[1])


def enter_section(device: LabDevice, line: str) -> tuple[str, str] | None:
    """(canonical header, prompt mode) when `line` opens a section the lab knows;
    None when it is no section header. Raises CliLineRejected when the object
    does not exist (the lab creates objects over NETCONF only)."""
    hit = match_section(line)
    if hit is None:
        return None
    rule, found = hit
    header = rule.canonical(found)
    if not rule.exists(device._stores["running"], found):
        raise CliLineRejected(f"% lab: `{header}` is not configured; create it over NETCONF")
    return header, rule.mode


def apply_in_section(
    device: LabDevice, overlay: dict[str, list[str]], section: str, line: str
) -> etree._Element | None:
    """Apply one line (or its `no` form) inside `section`: unmodelled lines change
    `overlay` in place (None returned); a line the release models comes back as
    the `<config>` edit that carries it."""
    hit = match_section(section)
    if hit is None:
        raise CliLineRejected()
    rule_set, header = hit
    text = fold(line)
    negate = text.lower().startswith("no ")
    body = text[3:] if negate else text
    for rule in rule_set.lines:
        if negate:
            if body.lower() != rule.key and not body.lower().startswith(rule.key + " "):
                continue
        elif not rule.pattern.match(body):
            continue
        if rule.modelled(shapes_for(device.release)):
            config = etree.Element(f"{{{NC}}}config")
            args = body.split()[len(rule.key.split()) :]
            rule.xml(rule_set.path(config, header), args, negate)
            return config
        lines = overlay.setdefault(section, [])
        kept = [x for x in lines if not x.lower().startswith(rule.key)]
        if not negate:
            kept.append(body)
        if kept:
            overlay[section] = kept
        else:
            overlay.pop(section, None)
        return None
    raise CliLineRejected()
