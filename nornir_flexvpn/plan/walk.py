"""Schema-aware walking of native XML: which element is a list entry, its keys."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from nornir_flexvpn.errors import PayloadError
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex, SchemaNodeInfo

QPath = tuple[tuple[str, str], ...]


def qname(element: etree._Element) -> tuple[str, str]:
    q = etree.QName(element)
    return (q.namespace or "", q.localname)


def children(element: etree._Element) -> list[etree._Element]:
    """Element children only (comments and processing instructions are not data)."""
    return [c for c in element if isinstance(c.tag, str)]


def info_for(index: SchemaIndex, path: QPath) -> SchemaNodeInfo:
    info = index.lookup(list(path))
    if info is None:
        raise PayloadError(f"no schema node for {readable_path(path)}", path=readable_path(path))
    return info


def key_values(element: etree._Element, info: SchemaNodeInfo) -> tuple[str, ...]:
    values = []
    for key in info.keys:
        found = [c for c in children(element) if etree.QName(c).localname == key]
        values.append((found[0].text or "").strip() if found else "")
    return tuple(values)


def readable_path(path: QPath, keys: Sequence[tuple[str, ...]] = ()) -> str:
    return "/" + "/".join(name for _, name in path)


def identity(element: etree._Element, info: SchemaNodeInfo) -> tuple[str, ...]:
    """What identifies an instance among its siblings: keys for list entries,
    the value for leaf-list entries, nothing for single nodes."""
    if info.kind is NodeKind.LIST:
        return key_values(element, info)
    if info.kind is NodeKind.LEAF_LIST:
        return ((element.text or "").strip(),)
    return ()


def canonical(element: etree._Element) -> str:
    """An order-insensitive text form of a subtree, for equality only."""
    kids = children(element)
    name = element.tag if isinstance(element.tag, str) else ""
    if not kids:
        return f"{name}={(element.text or '').strip()}"
    return name + "(" + ",".join(sorted(canonical(c) for c in kids)) + ")"
