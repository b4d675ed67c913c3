"""Small, pure helpers to build native XML and to merge builders' subtrees.

Every subtree root declares its own default namespace, and a child declares
one only where its module differs from its parent's, so the payload reads
like the device's own XML (`<ikev2 xmlns="...Cisco-IOS-XE-crypto">`).
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from nornir_flexvpn.namespaces import CRYPTO, NATIVE, NC, qn

# Containers that several builders fill: their subtrees are merged, everything
# else (list entries above all) is appended, so two entries never fuse.
MERGED_CONTAINERS: Final[frozenset[str]] = frozenset(
    {
        qn(NATIVE, "aaa"),
        qn(NATIVE, "ip"),
        qn(NATIVE, "crypto"),
        qn(NATIVE, "interface"),
        qn(CRYPTO, "ikev2"),
        qn(CRYPTO, "ipsec"),
        qn(CRYPTO, "pki"),
        qn(CRYPTO, "vpn"),
        qn(NATIVE, "local"),
    }
)

Operation = qn(NC, "operation")


def default_nsmap(ns: str) -> Any:
    """`{None: ns}`: lxml's default-namespace map (its stubs reject the None key)."""
    return {None: ns}


def namespace_of(node: etree._Element) -> str | None:
    return etree.QName(node).namespace


def element(ns: str, local: str, text: str | None = None) -> etree._Element:
    """A detached subtree root in module `ns`."""
    node = etree.Element(qn(ns, local), nsmap=default_nsmap(ns))
    if text is not None:
        node.text = text
    return node


def child(parent: etree._Element, ns: str, local: str, text: str | None = None) -> etree._Element:
    """A child in module `ns`; declares the namespace only when it changes."""
    nsmap = None if namespace_of(parent) == ns else default_nsmap(ns)
    node = etree.SubElement(parent, qn(ns, local), nsmap=nsmap)
    if text is not None:
        node.text = text
    return node


def leaf(parent: etree._Element, local: str, text: str | None = None) -> etree._Element:
    """A child in the parent's own module (the common case inside one module)."""
    ns = namespace_of(parent)
    if ns is None:
        raise ValueError(f"{parent.tag} has no namespace")
    return child(parent, ns, local, text)


def chain(parent: etree._Element, *locals_: str) -> etree._Element:
    """Nested containers in the parent's module, reusing those already there; the innermost.

    Only for containers: a list entry must always be a new element (use `leaf`).
    """
    node = parent
    for local in locals_:
        ns = namespace_of(node)
        existing = node.find(qn(ns, local)) if ns is not None else None
        node = existing if existing is not None else leaf(node, local)
    return node


def mark_remove(node: etree._Element) -> etree._Element:
    """`nc:operation="remove"`: how a merge says `no <line>` for a presence-only leaf."""
    node.set(Operation, "remove")
    return node


def merge_into(parent: etree._Element, node: etree._Element) -> None:
    """Add `node` under `parent`, merging shared containers (see MERGED_CONTAINERS)."""
    if node.tag in MERGED_CONTAINERS:
        existing = parent.find(node.tag)
        if existing is not None:
            for sub in list(node):
                merge_into(existing, sub)
            return
    parent.append(node)
