"""Strict XML helpers shared by the lab device's modules."""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from nornir_flexvpn.namespaces import NC

# Strict on purpose: no recovery, no entities, no network.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_blank_text=True, huge_tree=False
)


def parse(data: bytes | str) -> etree._Element:
    raw = data.encode() if isinstance(data, str) else data
    return etree.fromstring(raw, _PARSER)


def qname(element: etree._Element) -> tuple[str, str]:
    """(namespace, local name) of an element; namespace '' when it has none."""
    q = etree.QName(element)
    return (q.namespace or "", q.localname)


def nc(local: str) -> str:
    return f"{{{NC}}}{local}"


def elements(parent: etree._Element) -> list[etree._Element]:
    """Child elements only (comments and processing instructions are not data)."""
    return [c for c in parent if isinstance(c.tag, str)]


def text_of(element: etree._Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def deep_copy(element: etree._Element) -> etree._Element:
    return copy.deepcopy(element)


def child(parent: etree._Element, namespace: str, local: str) -> etree._Element | None:
    return parent.find(f"{{{namespace}}}{local}")


def default_nsmap(namespace: str) -> Any:
    """{None: namespace}: lxml's default-namespace map (its stubs reject the None key)."""
    return {None: namespace}
