"""The subtree filter that reads exactly the objects a payload manages.

Reading the whole running configuration of a busy headend is slow and
returns secrets we do not own; the filter selects each managed list entry by
its keys (a content-match node returns the whole entry) and each managed
leaf by name (a selection node), and nothing else.
"""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.namespaces import NC
from nornir_flexvpn.plan.walk import QPath, children, info_for, qname
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex


def managed_filter(config: etree._Element, index: SchemaIndex) -> etree._Element:
    """`<filter type="subtree">` selecting every object present in `config`
    (a NETCONF `<config>` element, or one top-level data node)."""
    roots = children(config) if etree.QName(config).localname == "config" else [config]
    flt = etree.Element(f"{{{NC}}}filter", nsmap={"nc": NC})
    flt.set("type", "subtree")
    for root in roots:
        flt.append(_filter_node(root, (qname(root),), index))
    return flt


def _filter_node(element: etree._Element, path: QPath, index: SchemaIndex) -> etree._Element:
    info = info_for(index, path)
    out = etree.Element(element.tag)
    if info.kind is NodeKind.LIST:
        for child in children(element):
            if etree.QName(child).localname in info.keys:
                key = etree.SubElement(out, child.tag)
                key.text = child.text
        return out
    if info.kind in (NodeKind.LEAF, NodeKind.LEAF_LIST, NodeKind.ANYXML, NodeKind.ANYDATA):
        return out  # selection node
    seen: set[tuple[str, ...] | str] = set()
    for child in children(element):
        child_path = (*path, qname(child))
        child_info = info_for(index, child_path)
        node = _filter_node(child, child_path, index)
        # Two leaf-list values or two siblings of the same leaf name select the same thing.
        marker = etree.tostring(node, encoding="unicode")
        if child_info.kind is NodeKind.LEAF_LIST and marker in seen:
            continue
        seen.add(marker)
        out.append(node)
    return out
