"""A configuration datastore as the lab keeps it: canonical top-level nodes.

Contents are always what libyang printed after validating them (models'
order, canonical values), so two datastores are equal exactly when their
bytes are, and a copy is cheap to take and to compare.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from nornir_flexvpn.lab.xmlutil import elements, nc, parse

DatastoreName = Literal["running", "candidate", "startup"]


@dataclass
class Snapshot:
    """A saved configuration: data nodes plus the lab's CLI overlay."""

    roots: list[etree._Element]
    cli_overlay: dict[str, list[str]] = field(default_factory=dict)

    def copy(self) -> Snapshot:
        return Snapshot(
            [copy.deepcopy(r) for r in self.roots],
            {k: list(v) for k, v in self.cli_overlay.items()},
        )


def container_of(roots: list[etree._Element]) -> etree._Element:
    """A <data> holding copies of `roots` (the edit engine works on one parent)."""
    holder = etree.Element(nc("data"))
    for root in roots:
        holder.append(copy.deepcopy(root))
    return holder


def roots_from_printed(printed: bytes) -> list[etree._Element]:
    """Top-level nodes out of libyang's sibling print (no single root element)."""
    if not printed.strip():
        return []
    holder = parse(b"<data>" + printed + b"</data>")
    out = []
    for node in elements(holder):
        holder.remove(node)
        out.append(node)
    return out


def serialise(roots: list[etree._Element]) -> bytes:
    return b"".join(etree.tostring(r) for r in roots)


def same(left: list[etree._Element], right: list[etree._Element]) -> bool:
    return serialise(left) == serialise(right)
