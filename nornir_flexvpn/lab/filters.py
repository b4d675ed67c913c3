"""NETCONF filters over lxml data: subtree (RFC 6241 §6) and XPath (§8.9).

Filtering marks which data nodes to keep (whole, or as a path to kept
descendants) and then copies only those. List entries kept as a path also
keep their keys, as servers do, so a selected leaf can be told apart from
its siblings' (the key names come from the models through `KeyLookup`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any, cast

from lxml import etree

from nornir_flexvpn.lab.replies import rpc_error
from nornir_flexvpn.lab.xmlutil import elements, qname, text_of

KeyLookup = Callable[[etree._Element], tuple[str, ...]]


def _no_keys(_: etree._Element) -> tuple[str, ...]:
    return ()


class _Marks:
    def __init__(self, keys_of: KeyLookup) -> None:
        self.whole: set[etree._Element] = set()
        self.path: set[etree._Element] = set()
        self.keys_of = keys_of

    def keep_path(self, node: etree._Element) -> None:
        self.path.add(node)
        namespace = qname(node)[0]
        for key in self.keys_of(node):
            key_el = node.find(f"{{{namespace}}}{key}")
            if key_el is not None:
                self.whole.add(key_el)


def _same_name(data: etree._Element, filt: etree._Element) -> bool:
    f_ns, f_name = qname(filt)
    d_ns, d_name = qname(data)
    # An unqualified filter node selects that name in every namespace.
    return f_name == d_name and (not f_ns or f_ns == d_ns)


def _attributes_match(data: etree._Element, filt: etree._Element) -> bool:
    return all(data.get(name) == value for name, value in filt.attrib.items())


def _is_content_match(filt: etree._Element) -> bool:
    return not elements(filt) and bool(text_of(filt))


def _match_children(
    data_parent: Iterable[etree._Element], filters: list[etree._Element], marks: _Marks
) -> bool:
    produced = False
    for data in data_parent:
        if not isinstance(data.tag, str):
            continue
        for filt in filters:
            if _same_name(data, filt) and _mark(data, filt, marks):
                produced = True
    return produced


def _mark(data: etree._Element, filt: etree._Element, marks: _Marks) -> bool:
    if not _attributes_match(data, filt):
        return False
    children = elements(filt)
    if not children:
        # a content-match node standing alone
        if text_of(filt) and text_of(data) != text_of(filt):
            return False
        marks.whole.add(data)
        return True
    content = [c for c in children if _is_content_match(c)]
    matched_content: list[etree._Element] = []
    for condition in content:
        hit = next(
            (
                d
                for d in elements(data)
                if _same_name(d, condition) and text_of(d) == text_of(condition)
            ),
            None,
        )
        if hit is None:
            return False
        matched_content.append(hit)
    others = [c for c in children if not _is_content_match(c)]
    if not others:
        marks.whole.add(data)
        return True
    produced = _match_children(elements(data), others, marks)
    if not produced and not content:
        return False
    marks.whole.update(matched_content)
    marks.keep_path(data)
    return True


def _copy_marked(node: etree._Element, marks: _Marks) -> etree._Element | None:
    if node in marks.whole:
        return copy.deepcopy(node)
    if node not in marks.path:
        return None
    out = etree.Element(node.tag, nsmap=cast(Any, node.nsmap))
    out.attrib.update(node.attrib)
    for child in elements(node):
        kept = _copy_marked(child, marks)
        if kept is not None:
            out.append(kept)
    return out


def _copy_roots(roots: list[etree._Element], marks: _Marks) -> list[etree._Element]:
    out: list[etree._Element] = []
    for root in roots:
        kept = _copy_marked(root, marks)
        if kept is not None:
            out.append(kept)
    return out


def subtree_filter(
    roots: list[etree._Element], filter_element: etree._Element, keys_of: KeyLookup = _no_keys
) -> list[etree._Element]:
    """Copies of what `filter_element`'s children select from the top-level `roots`.

    An empty <filter/> selects nothing (RFC 6241 §6.4.2).
    """
    marks = _Marks(keys_of)
    _match_children(roots, elements(filter_element), marks)
    return _copy_roots(roots, marks)


def xpath_filter(
    roots: list[etree._Element],
    select: str,
    namespaces: dict[str, str],
    keys_of: KeyLookup = _no_keys,
) -> list[etree._Element]:
    """Copies of the nodes `select` picks (with their ancestors and list keys).

    Each top-level node is its own document, so absolute paths (`/ios:native/...`)
    read as they do on a device.
    """
    try:
        compiled = etree.XPath(select, namespaces=namespaces)
    except etree.XPathSyntaxError as exc:
        raise _bad_xpath(select, exc) from exc
    marks = _Marks(keys_of)
    copies = [copy.deepcopy(root) for root in roots]
    for root in copies:
        try:
            found = compiled(etree.ElementTree(root))
        except etree.XPathEvalError as exc:
            raise _bad_xpath(select, exc) from exc
        if not isinstance(found, list):
            continue
        for item in found:
            if not isinstance(item, etree._Element) or not isinstance(item.tag, str):
                continue
            marks.whole.add(item)
            parent = item.getparent()
            while parent is not None:
                marks.keep_path(parent)
                parent = parent.getparent()
    return _copy_roots(copies, marks)


def _bad_xpath(select: str, exc: Exception) -> Exception:
    return rpc_error(
        f"invalid XPath filter {select!r}: {exc}",
        "invalid-value",
        error_type="protocol",
        info={"bad-attribute": "select", "bad-element": "filter"},
    )
