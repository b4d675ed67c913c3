"""The configuration lines the lab's CLI understands, and where they land.

The CLI shell (`lab.cli_shell`) and the cli-rpc (`lab.cli_rpc`) both need to
know which configuration-mode lines the lab accepts. The lab keeps what no
model of the release carries as a CLI overlay (`LabDevice.cli_overlay`,
section header -> lines), beside the modelled datastore the NETCONF side
sees; a section only holds overlay lines while its modelled object exists
(delete the IKEv2 profile over NETCONF and its `anyconnect profile` goes too).

A line the release's models do carry is refused with a pointer to NETCONF:
the lab never keeps modelled configuration in two places. Everything else is
refused the way IOS refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

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


@dataclass(frozen=True)
class SectionRule:
    header: re.Pattern[str]
    canonical: Callable[[re.Match[str]], str]
    exists: Callable[[list[etree._Element], re.Match[str]], bool]
    mode: str  # the IOS prompt's mode, e.g. "config-if"
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


SECTIONS: tuple[SectionRule, ...] = (
    SectionRule(
        re.compile(r"^crypto ikev2 authorization policy (\S+)$", re.I),
        lambda m: f"crypto ikev2 authorization policy {m.group(1)}",
        _auth_policy_exists,
        "config-ikev2-author-policy",
        (
            LineRule(
                re.compile(r"^pool \S+$", re.I), "pool", lambda s: s.authorization_policy_attributes
            ),
            LineRule(
                re.compile(r"^dns \S+( \S+)?$", re.I),
                "dns",
                lambda s: s.authorization_policy_attributes,
            ),
            LineRule(
                re.compile(r"^route set access-list \S+$", re.I),
                "route set access-list",
                lambda s: s.authorization_policy_attributes,
            ),
        ),
    ),
    SectionRule(
        re.compile(r"^crypto ikev2 profile (\S+)$", re.I),
        lambda m: f"crypto ikev2 profile {m.group(1)}",
        _ikev2_profile_exists,
        "config-ikev2-profile",
        (
            LineRule(
                re.compile(r"^anyconnect profile \S+$", re.I),
                "anyconnect profile",
                lambda s: s.profile_anyconnect,
            ),
        ),
    ),
    SectionRule(
        re.compile(r"^interface virtual-template\s*(\d+)(?: type tunnel)?$", re.I),
        lambda m: f"interface Virtual-Template{m.group(1)} type tunnel",
        _vt_exists,
        "config-if",
        (
            LineRule(
                re.compile(r"^ip nat inside$", re.I), "ip nat", lambda s: s.template_nat_inside
            ),
            LineRule(
                re.compile(r"^tunnel protection ipsec profile \S+$", re.I),
                "tunnel protection",
                lambda s: s.template_tunnel_protection,
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
) -> None:
    """Apply one line (or its `no` form) inside `section` to `overlay` in place."""
    hit = match_section(section)
    if hit is None:
        raise CliLineRejected()
    text = fold(line)
    negate = text.lower().startswith("no ")
    body = text[3:] if negate else text
    for rule in hit[0].lines:
        if not rule.pattern.match(body):
            continue
        if rule.modelled(shapes_for(device.release)):
            raise CliLineRejected(
                f"% lab: {device.release.value} models `{body}`; configure it over NETCONF"
            )
        lines = overlay.setdefault(section, [])
        kept = [x for x in lines if not x.lower().startswith(rule.key)]
        if not negate:
            kept.append(body)
        if kept:
            overlay[section] = kept
        else:
            overlay.pop(section, None)
        return
    raise CliLineRejected()
