"""The rendered configuration as blocks, and the order the document writes them in.

A block is one top-level line (a command or a mode line) with the indented
lines of its mode. Blocks are placed by the section their first words name
(the order of ../shared/seed/DIGEST.md), and the lines inside a mode by the
order the document (or IOS, where the document is silent) writes them, so
the text does not depend on the order of the XML and CLI items slot in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nornir_flexvpn.payload.types import CliItem

UNRENDERED = "! unrendered:"


@dataclass
class Block:
    """One top-level line and the lines of its mode (each with its own indentation)."""

    header: str
    children: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return block_key(self.header)

    def lines(self) -> list[str]:
        return [self.header, *self.children]


# --- interface names ------------------------------------------------------------------
_IF_TYPES: dict[str, str] = {
    name.lower(): name
    for name in (
        "GigabitEthernet",
        "TenGigabitEthernet",
        "FastEthernet",
        "Ethernet",
        "Loopback",
        "Virtual-Template",
        "Tunnel",
        "Port-channel",
        "Vlan",
        "BDI",
        "Dialer",
        "Serial",
        "Cellular",
        "VirtualPortGroup",
        "Virtual-Access",
        "TwentyFiveGigE",
        "FortyGigabitEthernet",
        "HundredGigE",
    )
}
_IF_NAME = re.compile(r"^([A-Za-z][A-Za-z-]*?)\s*(\d[\d/.:]*)$")


def canonical_interface(name: str) -> str:
    """`loopback100`, `Loopback 100` -> `Loopback100` (IOS's own spelling of the type)."""
    match = _IF_NAME.match(name.strip())
    if not match:
        return name.strip()
    kind, number = match.groups()
    return _IF_TYPES.get(kind.lower(), kind) + number


def canonical_line(line: str) -> str:
    """Whitespace collapsed, interface names in IOS spelling, `interface X type tunnel` kept."""
    words = line.split()
    if len(words) >= 2 and words[0] == "interface":
        rest = words[1:]
        if len(rest) >= 2 and rest[1][:1].isdigit():
            rest = [rest[0] + rest[1], *rest[2:]]
        return " ".join(["interface", canonical_interface(rest[0]), *rest[1:]])
    return " ".join(words)


def block_key(header: str) -> str:
    """What identifies a block: interfaces by name alone (`type tunnel` is not part of it)."""
    line = canonical_line(header)
    if line.startswith("interface "):
        return " ".join(line.split()[:2])
    return line


# --- where a block goes ------------------------------------------------------------------
# (prefix after an optional "no ", section) in the document's order; first match wins.
_SECTIONS: tuple[tuple[str, int], ...] = (
    ("hostname", 0),
    ("aaa new-model", 10),
    ("aaa authentication", 11),
    ("aaa authorization", 12),
    ("aaa", 13),
    ("username", 14),
    ("ip local pool", 30),
    ("crypto pki", 35),
    ("crypto ikev2 authorization policy", 40),
    ("crypto ikev2 proposal", 50),
    ("crypto ikev2 policy", 51),
    ("crypto vpn anyconnect", 60),
    ("crypto ikev2 profile", 70),
    ("crypto ikev2 http-url", 80),
    ("crypto ikev2", 75),
    ("ip http server", 81),
    ("ip http secure-server", 82),
    ("ip http", 83),
    ("crypto ipsec transform-set", 90),
    ("crypto ipsec profile", 100),
    ("crypto ipsec", 101),
    ("interface Loopback", 110),
    ("interface Virtual-Template", 120),
    ("ip access-list standard", 130),
    ("ip access-list extended", 131),
    ("ip access-list", 132),
    ("ip nat", 140),
    ("interface", 150),
)
UNKNOWN_SECTION = 900
UNRENDERED_SECTION = 999


def section_of(line: str) -> int:
    text = canonical_line(line)
    if text.startswith(UNRENDERED):
        return UNRENDERED_SECTION
    if text.startswith("no "):
        text = text[3:]
    for prefix, section in _SECTIONS:
        if (
            text == prefix
            or text.startswith(prefix + " ")
            or (prefix.startswith("interface ") and text.startswith(prefix))
        ):
            return section
    return UNKNOWN_SECTION


# --- order of the lines inside a mode ----------------------------------------------------
_CHILD_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "crypto ikev2 authorization policy",
        (
            "pool",
            "dns",
            "netmask",
            "def-domain",
            "split-dns",
            "banner",
            "wins",
            "backup-gateway",
            "include-local-lan",
            "pfs",
            "session-lifetime",
            "route set interface",
            "route set access-list",
            "route accept",
        ),
    ),
    ("crypto ikev2 proposal", ("encryption", "integrity", "prf", "group")),
    ("crypto ikev2 policy", ("match", "proposal")),
    (
        # The document's order (local authentication before remote: CSCvb29701).
        "crypto ikev2 profile",
        (
            "description",
            "match",
            "identity local",
            "authentication local",
            "authentication remote",
            "keyring",
            "pki trustpoint",
            "dpd",
            "nat",
            "aaa authentication",
            "aaa authorization group",
            "aaa authorization user",
            "aaa accounting",
            "lifetime",
            "ivrf",
            "virtual-template",
            "anyconnect profile",
            "shutdown",
        ),
    ),
    ("crypto ipsec transform-set", ("mode",)),
    ("crypto ipsec profile", ("description", "set transform-set", "set ikev2-profile", "set")),
    (
        "interface",
        (
            "description",
            "vrf",
            "ip vrf",
            "ip unnumbered",
            "ip address",
            "ip mtu",
            "ip nat",
            "ip",
            "mtu",
            "shutdown",
            "negotiation",
            "no mop",
            "tunnel source",
            "tunnel mode",
            "tunnel protection",
            "tunnel",
        ),
    ),
)
_LAST = 1000


def _child_rank(header: str, line: str) -> int:
    head = canonical_line(header)
    text = canonical_line(line)
    for prefix, order in _CHILD_ORDER:
        if head == prefix or head.startswith(prefix + " ") or head.startswith(prefix):
            for rank, start in enumerate(order):
                if text == start or text.startswith(start + " "):
                    return rank
            return _LAST
    return _LAST


def _units(children: Sequence[str]) -> list[list[str]]:
    """Group mode lines with their own sub-mode lines (deeper indentation)."""
    units: list[list[str]] = []
    for line in children:
        depth = len(line) - len(line.lstrip(" "))
        if units and depth > 1:
            units[-1].append(line)
        else:
            units.append([line])
    return units


def sort_children(block: Block) -> None:
    units = _units(block.children)
    units.sort(key=lambda unit: _child_rank(block.header, unit[0]))
    block.children = [line for unit in units for line in unit]


def order_blocks(blocks: Iterable[Block]) -> list[Block]:
    """Sections in the document's order; XML order within a section; duplicates merged."""
    merged: dict[str, Block] = {}
    for block in blocks:
        existing = merged.get(block.key)
        if existing is None:
            merged[block.key] = block
            continue
        for line in block.children:
            if line not in existing.children:
                existing.children.append(line)
    ordered = sorted(merged.values(), key=lambda b: section_of(b.header))
    for block in ordered:
        sort_children(block)
    return ordered


# --- CLI items --------------------------------------------------------------------------------
def merge_cli_items(blocks: list[Block], items: Sequence[CliItem]) -> None:
    """Put each CLI-channel line into its parent mode (creating the mode line if absent)."""
    for item in items:
        if not item.parents:
            blocks.append(Block(item.line.strip()))
            continue
        key = block_key(item.parents[0])
        block = next((b for b in blocks if b.key == key), None)
        if block is None:
            block = Block(item.parents[0].strip())
            blocks.append(block)
        _insert_nested(block, list(item.parents[1:]), item.line.strip())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _insert_nested(block: Block, parents: list[str], line: str) -> None:
    """Add `line` under the sub-mode lines `parents` (added where missing), once."""
    children = block.children
    pos = 0
    for depth, text in enumerate([*parents, line], start=1):
        end = pos
        found = None
        while end < len(children) and _indent(children[end]) >= depth:
            if _indent(children[end]) == depth and canonical_line(children[end]) == canonical_line(
                text
            ):
                found = end
            end += 1
        if found is None:
            children.insert(end, " " * depth + text)
            found = end
        pos = found + 1
