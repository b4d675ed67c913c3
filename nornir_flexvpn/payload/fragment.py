"""What one area's builder returns: subtrees for <native> plus CLI-channel lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from nornir_flexvpn.payload.types import CliItem


@dataclass
class Fragment:
    """`elements` are children of <native> (full paths from there, e.g. `<ip><local>...`)."""

    area: str
    elements: list[etree._Element] = field(default_factory=list)
    cli: list[CliItem] = field(default_factory=list)

    def add(self, node: etree._Element) -> etree._Element:
        self.elements.append(node)
        return node

    def cli_item(
        self, line: str, parents: tuple[str, ...] = (), *, reason: str, area: str | None = None
    ) -> None:
        """Record a line the release cannot model; `area` defaults to the fragment's."""
        item = CliItem(area=area or self.area, line=line, parents=parents, reason=reason)
        self.cli.append(item)
