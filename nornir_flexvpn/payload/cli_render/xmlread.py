"""Reading native XML by local name while remembering what was rendered.

The native tree mixes a dozen module namespaces (aaa, crypto, nat, acl ...)
whose prefixes differ by release, so nodes are addressed by local name. Every
leaf a renderer reads is marked; whatever stays unmarked is reported as
`! unrendered: <path>` instead of being silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from lxml import etree

from nornir_flexvpn.namespaces import NC, qn

Operation = Literal["merge", "replace", "create", "delete", "remove"]
_REMOVING: frozenset[str] = frozenset({"delete", "remove"})
_OPERATION_ATTR = qn(NC, "operation")

# Leaves that key the lists of the native subset; used only to name paths.
_KEY_LEAVES: frozenset[str] = frozenset(
    {
        "name",
        "id",
        "tag",
        "sequence",
        "policy-name",
        "profile-name",
        "filename",
        "proposals",
        "route-map-name",
        "pool-name",
        "direction",
    }
)


def localname(el: etree._Element) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def element_children(el: etree._Element) -> Iterator[etree._Element]:
    """Element children only (comments and processing instructions skipped)."""
    for child in el:
        if isinstance(child.tag, str):
            yield child


def has_element_children(el: etree._Element) -> bool:
    return next(element_children(el), None) is not None


def operation(el: etree._Element) -> str | None:
    value = el.get(_OPERATION_ATTR)
    return value.strip() if value is not None else None


def is_removed(el: etree._Element) -> bool:
    """True when the payload asks to delete/remove this node (`no ...` in CLI)."""
    return operation(el) in _REMOVING


def data_path(el: etree._Element) -> str:
    """`/native/crypto/ikev2/profile[name='X']/dpd`: local names, list keys as predicates."""
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None and isinstance(node.tag, str):
        name = localname(node)
        if name in ("config", "data") and etree.QName(node).namespace == NC:
            break
        first = next(element_children(node), None)
        # A list entry's key comes first; a lone `name` child is more likely a container's leaf.
        if (
            first is not None
            and localname(first) in _KEY_LEAVES
            and not has_element_children(first)
            and (first.text or "").strip()
            and sum(1 for _ in element_children(node)) > 1
        ):
            name += f"[{localname(first)}='{(first.text or '').strip()}']"
        parts.append(name)
        node = node.getparent()
    return "/" + "/".join(reversed(parts))


class Reader:
    """Navigates by local-name paths and records every node it renders."""

    def __init__(self) -> None:
        self._used: set[etree._Element] = set()

    # --- navigation (does not mark) -------------------------------------------------
    def find(self, el: etree._Element | None, path: str) -> etree._Element | None:
        node = el
        for step in path.split("/"):
            if node is None:
                return None
            node = next((c for c in element_children(node) if localname(c) == step), None)
        return node

    def find_all(self, el: etree._Element | None, path: str) -> list[etree._Element]:
        """All nodes named by the last step of `path` (a list's entries)."""
        head, _, last = path.rpartition("/")
        parent = self.find(el, head) if head else el
        if parent is None:
            return []
        return [c for c in element_children(parent) if localname(c) == last]

    # --- reading (marks) -----------------------------------------------------------------
    def use(self, el: etree._Element | None) -> None:
        """Mark a node (and so its whole subtree) as rendered."""
        if el is not None:
            self._used.add(el)

    def text(self, el: etree._Element | None, path: str) -> str | None:
        node = self.find(el, path)
        if node is None:
            return None
        self._used.add(node)
        return (node.text or "").strip()

    def flag(self, el: etree._Element | None, path: str) -> bool:
        """An empty leaf or presence container: present means set."""
        node = self.find(el, path)
        if node is None:
            return False
        self._used.add(node)
        return True

    def boolean(self, el: etree._Element | None, path: str) -> bool | None:
        value = self.text(el, path)
        if value is None:
            return None
        return value.lower() == "true"

    def texts(self, el: etree._Element | None, path: str) -> list[str]:
        """Every value of a leaf-list (or every key of a list by its leaf name)."""
        values: list[str] = []
        for node in self.find_all(el, path):
            self._used.add(node)
            values.append((node.text or "").strip())
        return values

    # --- what was left ------------------------------------------------------------------
    def covered(self, el: etree._Element, stop: etree._Element) -> bool:
        node: etree._Element | None = el
        while node is not None:
            if node in self._used:
                return True
            if node is stop:
                return False
            node = node.getparent()
        return False

    def unrendered(self, root: etree._Element) -> list[str]:
        """Data paths of the largest subtrees below `root` that no renderer read."""
        touched: set[etree._Element] = set()
        for node in self._used:
            walk: etree._Element | None = node
            while walk is not None and walk not in touched:
                touched.add(walk)
                walk = walk.getparent()
        paths: list[str] = []
        seen: set[str] = set()
        for node in root.iter():
            if not isinstance(node.tag, str) or node is root or has_element_children(node):
                continue
            if self.covered(node, root):
                continue
            top = node
            parent = top.getparent()
            while parent is not None and parent is not root and parent not in touched:
                top = parent
                parent = top.getparent()
            path = data_path(top)
            if path not in seen:
                seen.add(path)
                paths.append(path)
        return paths
