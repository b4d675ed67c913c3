"""Desired vs running, object by object.

Granularity follows ownership: a list entry the intent creates (a proposal,
a profile, a user, Loopback100) is owned whole, so any difference inside it
(including extra lines added by hand) replaces the entry; an entry the intent
only touches (the outside GigabitEthernet) is compared leaf by leaf and
merged, never replaced. Leaves under plain containers are merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from lxml import etree

from nornir_flexvpn.plan.walk import QPath, canonical, children, identity, info_for, qname
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex, SchemaNodeInfo

# Interfaces the intent creates and therefore owns; every other interface type
# (the outside GigabitEthernet) is only touched.
OWNED_INTERFACE_TYPES = frozenset({"Loopback", "Virtual-Template"})


class ChangeAction(Enum):
    CREATE = "create"  # absent on the device
    REPLACE = "replace"  # owned object differs: replaced whole
    MERGE = "merge"  # a leaf (or a touched object's leaf) differs
    REMOVE = "remove"  # removal plans only


@dataclass(frozen=True)
class Level:
    """One step from the root to a change: the element tag and, for list
    entries, copies of its key leaves (to rebuild the path in an edit)."""

    tag: str
    keys: tuple[etree._Element, ...] = ()


@dataclass(frozen=True)
class Change:
    action: ChangeAction
    path: str  # readable: /native/crypto/ikev2/profile[name=AnyConnect-EAP]
    chain: tuple[Level, ...]  # root .. parent of the changed node
    before: etree._Element | None
    after: etree._Element | None

    def __str__(self) -> str:
        return f"{self.action.value} {self.path}"


# (readable path, desired, running) -> True when equal in meaning though not in text
Equivalence = Callable[[str, etree._Element, etree._Element], bool]


def is_partial(path: QPath) -> bool:
    names = [name for _, name in path]
    return len(names) >= 3 and names[-2] == "interface" and names[-1] not in OWNED_INTERFACE_TYPES


def diff_config(
    desired: etree._Element,
    running: etree._Element | None,
    index: SchemaIndex,
    *,
    equivalent: Equivalence | None = None,
) -> list[Change]:
    """Changes that bring `running` (a `<data>` reply, possibly filtered) to
    `desired` (a `<config>` payload) for the objects `desired` holds."""
    changes: list[Change] = []
    running_roots = children(running) if running is not None else []
    for root in _roots(desired):
        path: QPath = (qname(root),)
        match = _find(running_roots, root, info_for(index, path))
        _walk(root, match, path, (), index, equivalent, changes)
    return changes


def _roots(config: etree._Element) -> list[etree._Element]:
    local = etree.QName(config).localname
    return children(config) if local in ("config", "data") else [config]


def _find(
    candidates: list[etree._Element], wanted: etree._Element, info: SchemaNodeInfo
) -> etree._Element | None:
    ident = identity(wanted, info)
    for candidate in candidates:
        if candidate.tag == wanted.tag and identity(candidate, info) == ident:
            return candidate
    return None


def _label(element: etree._Element, info: SchemaNodeInfo) -> str:
    name = etree.QName(element).localname
    if info.kind is NodeKind.LIST:
        keys = identity(element, info)
        return name + "".join(f"[{k}={v}]" for k, v in zip(info.keys, keys, strict=True))
    return name


def _level(element: etree._Element, info: SchemaNodeInfo) -> Level:
    if info.kind is not NodeKind.LIST:
        return Level(element.tag)
    keys = tuple(_copy(c) for c in children(element) if etree.QName(c).localname in info.keys)
    return Level(element.tag, keys)


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _walk(
    desired: etree._Element,
    running: etree._Element | None,
    path: QPath,
    chain: tuple[Level, ...],
    index: SchemaIndex,
    equivalent: Equivalence | None,
    out: list[Change],
) -> None:
    info = info_for(index, path)
    readable = "/" + "/".join([*_labels(chain), _label(desired, info)])
    kids = children(desired)
    if _only_removes(desired):
        # `no <line>` (nc:operation remove): satisfied while running lacks it.
        if running is not None and not _only_removes_satisfied(desired, running):
            out.append(Change(ChangeAction.MERGE, readable, chain, running, desired))
        return
    if info.kind in (NodeKind.LEAF, NodeKind.LEAF_LIST):
        same = running is not None and (running.text or "").strip() == (desired.text or "").strip()
        if not same:
            action = ChangeAction.CREATE if running is None else ChangeAction.MERGE
            out.append(Change(action, readable, chain, running, desired))
        return
    if running is None:
        out.append(Change(ChangeAction.CREATE, readable, chain, None, desired))
        return
    if info.kind is NodeKind.LIST and not is_partial(path):
        if canonical(desired) != canonical(running) and not (
            equivalent is not None and equivalent(readable, desired, running)
        ):
            out.append(Change(ChangeAction.REPLACE, readable, chain, running, desired))
        return
    level = _level(desired, info)
    running_kids = children(running)
    for child in kids:
        child_path = (*path, qname(child))
        child_info = info_for(index, child_path)
        if child_info.is_key:
            continue
        match = _find(running_kids, child, child_info)
        _walk(child, match, child_path, (*chain, level), index, equivalent, out)


def _labels(chain: tuple[Level, ...]) -> list[str]:
    labels = []
    for level in chain:
        name = etree.QName(level.tag).localname
        keys = "".join(f"[{etree.QName(k).localname}={(k.text or '').strip()}]" for k in level.keys)
        labels.append(name + keys)
    return labels


_REMOVE_OPS = frozenset({"remove", "delete"})
_NC_OPERATION = "{urn:ietf:params:xml:ns:netconf:base:1.0}operation"


def _only_removes(desired: etree._Element) -> bool:
    """The node removes something, or only holds nodes that do."""
    if desired.get(_NC_OPERATION) in _REMOVE_OPS:
        return True
    kids = children(desired)
    return bool(kids) and all(_only_removes(k) for k in kids)


def _only_removes_satisfied(desired: etree._Element, running: etree._Element) -> bool:
    if desired.get(_NC_OPERATION) in _REMOVE_OPS:
        return False
    for kid in children(desired):
        match = [r for r in children(running) if r.tag == kid.tag]
        if any(not _only_removes_satisfied(kid, r) for r in match):
            return False
    return True
