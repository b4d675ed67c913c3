"""Turn a list of changes into one edit-config `<config>`, or a removal."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from nornir_flexvpn.namespaces import NC
from nornir_flexvpn.plan.diff import Change, ChangeAction, Level, is_partial
from nornir_flexvpn.plan.walk import QPath, children, identity, info_for, qname
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex

OPERATION = f"{{{NC}}}operation"


def _config() -> etree._Element:
    return etree.Element(f"{{{NC}}}config", nsmap={"nc": NC})


def _descend(parent: etree._Element, level: Level) -> etree._Element:
    for child in children(parent):
        if child.tag != level.tag:
            continue
        have = {k.tag: (k.text or "").strip() for k in children(child)}
        if all(have.get(k.tag) == (k.text or "").strip() for k in level.keys):
            return child
    node = etree.SubElement(parent, level.tag)
    for key in level.keys:
        copy = etree.SubElement(node, key.tag)
        copy.text = key.text
    return node


def build_edit(changes: Sequence[Change]) -> etree._Element | None:
    """One `<config>` applying every change; None when there is nothing to do.
    Owned objects that differ are sent whole with operation="replace"; the
    rest merges (the default operation)."""
    if not changes:
        return None
    config = _config()
    for change in changes:
        if change.after is None:
            continue
        parent = config
        for level in change.chain:
            parent = _descend(parent, level)
        node = etree.fromstring(etree.tostring(change.after))
        if change.action is ChangeAction.REPLACE:
            node.set(OPERATION, "replace")
        # A key-less leaf re-sent under a list entry replaces any stale sibling copy.
        for existing in children(parent):
            if existing.tag == node.tag and etree.tostring(existing) == etree.tostring(node):
                break
        else:
            parent.append(node)
    return config


def build_removal(
    desired: etree._Element, index: SchemaIndex, running: etree._Element | None = None
) -> etree._Element | None:
    """A `<config>` removing exactly what the payload owns: every owned list
    entry (operation="remove", keys only), the leaves it set on touched
    entries; global switches (aaa new-model, http servers) stay. With
    `running` (a filtered read), only what is there is removed, so a removed
    headend plans to nothing. Children go in reverse order so dependents are
    removed before what they depend on."""
    config = _config()
    roots = children(desired) if etree.QName(desired).localname in ("config", "data") else [desired]
    running_roots = children(running) if running is not None else None
    for root in roots:
        path: QPath = (qname(root),)
        match = _counterpart(running_roots, root, path, index)
        if running_roots is not None and match is None:
            continue
        node = _removal(root, match, path, index, running_roots is not None)
        if node is not None:
            config.append(node)
    return config if len(config) else None


def _counterpart(
    candidates: list[etree._Element] | None,
    wanted: etree._Element,
    path: QPath,
    index: SchemaIndex,
) -> etree._Element | None:
    if candidates is None:
        return None
    info = info_for(index, path)
    ident = identity(wanted, info)
    for candidate in candidates:
        if candidate.tag == wanted.tag and identity(candidate, info) == ident:
            return candidate
    return None


def _removal(
    element: etree._Element,
    running: etree._Element | None,
    path: QPath,
    index: SchemaIndex,
    only_present: bool,
    touched: bool = False,
) -> etree._Element | None:
    """`touched`: inside an entry the intent only touches (its leaves are ours)."""
    info = info_for(index, path)
    if info.kind is NodeKind.LIST and not is_partial(path):
        out = etree.Element(element.tag)
        out.set(OPERATION, "remove")
        for key in info.keys:
            for child in children(element):
                if etree.QName(child).localname == key:
                    etree.SubElement(out, child.tag).text = child.text
        return out
    if info.kind in (NodeKind.LEAF, NodeKind.LEAF_LIST):
        if not touched or info.is_key:
            return None
        out = etree.Element(element.tag)
        out.set(OPERATION, "remove")
        if info.kind is NodeKind.LEAF_LIST:
            out.text = element.text
        return out
    touched = touched or (info.kind is NodeKind.LIST and is_partial(path))
    out = etree.Element(element.tag)
    kept = 0
    # Keys first (RFC 7950 §7.8.5), then the rest in reverse order.
    for key in info.keys:
        for child in children(element):
            if etree.QName(child).localname == key:
                etree.SubElement(out, child.tag).text = child.text
    running_kids = children(running) if running is not None else None
    for child in reversed(children(element)):
        child_path = (*path, qname(child))
        child_info = info_for(index, child_path)
        if child_info.is_key:
            continue
        match = _counterpart(running_kids, child, child_path, index)
        if only_present and match is None:
            continue
        sub = _removal(child, match, child_path, index, only_present, touched)
        if sub is not None:
            out.append(sub)
            kept += 1
    return out if kept else None


def apply_changes(running: etree._Element | None, changes: Sequence[Change]) -> etree._Element:
    """What the managed part of running looks like after `changes`, for showing
    a before/after CLI diff (the device computes the real thing)."""
    after = etree.fromstring(etree.tostring(running)) if running is not None else _config()
    for change in changes:
        if change.after is None:
            continue
        parent = after
        for level in change.chain:
            parent = _descend(parent, level)
        node = etree.fromstring(etree.tostring(change.after))
        if change.before is not None:
            for existing in children(parent):
                if _same_instance(existing, change.before):
                    parent.replace(existing, node)
                    break
            else:
                parent.append(node)
        else:
            parent.append(node)
    return after


def _same_instance(a: etree._Element, b: etree._Element) -> bool:
    return a.tag == b.tag and etree.tostring(a) == etree.tostring(b)
