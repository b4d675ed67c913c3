"""Building operational data that matches exactly the release's models.

State providers build the newest shape they know (a superset) and `prune`
removes every node the release's compiled models do not have, so a 17.3.1
headend never reports a leaf that appeared in 17.12.1. Enumeration names
used here are the same in every release that has the node.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from nornir_flexvpn.lab.xmlutil import default_nsmap, elements, qname
from nornir_flexvpn.schema.index import SchemaIndex, SchemaNodeInfo


class OperBuilder:
    """`b.leaf(parent, "name", value)`, `b.node(parent, "name")` in one namespace."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def root(self, name: str) -> etree._Element:
        return etree.Element(f"{{{self.ns}}}{name}", nsmap=default_nsmap(self.ns))

    def node(self, parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{self.ns}}}{name}")

    def leaf(self, parent: etree._Element, name: str, value: object) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.ns}}}{name}")
        if isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = str(value)
        return element


def date_and_time(moment: dt.datetime) -> str:
    """yang:date-and-time, as IOS-XE prints it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def has_root(index: SchemaIndex, namespace: str, name: str) -> bool:
    return index.root(namespace, name) is not None


def prune(index: SchemaIndex, root: etree._Element) -> etree._Element | None:
    """`root` without the nodes the models lack (None if even the root is unknown)."""
    ns, name = qname(root)
    info = index.root(ns, name)
    if info is None:
        return None
    _prune_children(index, info, root)
    return root


def _prune_children(index: SchemaIndex, info: SchemaNodeInfo, element: etree._Element) -> None:
    for child in elements(element):
        ns, name = qname(child)
        child_info = index.child(info, ns, name)
        if child_info is None:
            element.remove(child)
        else:
            _prune_children(index, child_info, child)
