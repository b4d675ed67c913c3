"""Schema knowledge for applying edits: what each XML element is in the models.

edit-config needs to know, per element, whether it is a list (and its keys),
a leaf-list, a presence container, which choice/case it sits in and whether
its order is the user's. `SchemaIndex` answers those questions from a
compiled libyang context, lazily (the native model has tens of thousands of
nodes; an edit touches a few hundred) and caches what it has looked up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import libyang
from _libyang import ffi, lib  # type: ignore[import-not-found]
from libyang.util import c2str

from nornir_flexvpn.releases import Release, yang_dir
from nornir_flexvpn.schema.context import context_lock, get_context


class NodeKind(Enum):
    CONTAINER = "container"
    LIST = "list"
    LEAF = "leaf"
    LEAF_LIST = "leaf-list"
    ANYXML = "anyxml"
    ANYDATA = "anydata"


_KINDS: dict[int, NodeKind] = {
    lib.LYS_CONTAINER: NodeKind.CONTAINER,
    lib.LYS_LIST: NodeKind.LIST,
    lib.LYS_LEAF: NodeKind.LEAF,
    lib.LYS_LEAFLIST: NodeKind.LEAF_LIST,
    lib.LYS_ANYXML: NodeKind.ANYXML,
    lib.LYS_ANYDATA: NodeKind.ANYDATA,
}


@dataclass(frozen=True)
class CaseMembership:
    """One choice a node belongs to: which choice, which of its cases."""

    choice: str  # schema path of the choice, unique in the context
    case: str


@dataclass(frozen=True)
class SchemaNodeInfo:
    """What edit-config must know about one data node of the models."""

    namespace: str
    name: str
    kind: NodeKind
    module: str
    schema_path: str
    keys: tuple[str, ...] = ()
    ordered_by_user: bool = False
    presence: bool = False
    config: bool = True
    is_key: bool = False
    empty_type: bool = False
    default: str | None = None
    # Choices between this node and its data parent, outermost first.
    cases: tuple[CaseMembership, ...] = ()
    _handle: int = field(default=0, repr=False, compare=False)

    @property
    def qname(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    def excludes(self, other: SchemaNodeInfo) -> bool:
        """True when `other` sits in another case of a choice this node is in:
        creating this node must remove `other` (RFC 7950 §7.9.1)."""
        mine = {m.choice: m.case for m in self.cases}
        return any(m.choice in mine and mine[m.choice] != m.case for m in other.cases)


def _cases_of(cdata: Any) -> tuple[CaseMembership, ...]:
    found: list[CaseMembership] = []
    node = cdata.parent
    case_name: str | None = None
    while node != ffi.NULL and node.nodetype in (lib.LYS_CHOICE, lib.LYS_CASE):
        if node.nodetype == lib.LYS_CASE:
            case_name = c2str(node.name)
        else:
            path = _schema_path(node)
            found.append(CaseMembership(choice=path, case=case_name or ""))
        node = node.parent
    return tuple(reversed(found))


def _schema_path(cdata: Any) -> str:
    raw = lib.lysc_path(cdata, lib.LYSC_PATH_LOG, ffi.NULL, 0)
    try:
        return str(c2str(raw))
    finally:
        lib.free(raw)


def _info(snode: Any) -> SchemaNodeInfo:
    cdata = snode.cdata
    kind = _KINDS[cdata.nodetype]
    keys: tuple[str, ...] = ()
    ordered = False
    presence = False
    empty_type = False
    default: str | None = None
    is_key = False
    if kind is NodeKind.LIST:
        keys = tuple(k.name() for k in snode.keys())  # noqa: SIM118 (libyang API)
        ordered = bool(snode.ordered())
    elif kind is NodeKind.LEAF_LIST:
        ordered = bool(snode.ordered())
    elif kind is NodeKind.CONTAINER:
        presence = bool(cdata.flags & lib.LYS_PRESENCE)
    elif kind is NodeKind.LEAF:
        is_key = bool(cdata.flags & lib.LYS_KEY)
        empty_type = snode.type().base() == libyang.Type.EMPTY
        raw_default = snode.default()
        if raw_default is not None:
            default = (
                str(raw_default).lower() if isinstance(raw_default, bool) else str(raw_default)
            )
    module = snode.module()
    return SchemaNodeInfo(
        namespace=str(c2str(module.cdata.ns)),
        name=snode.name(),
        kind=kind,
        module=module.name(),
        schema_path=_schema_path(cdata),
        keys=keys,
        ordered_by_user=ordered,
        presence=presence,
        config=not bool(cdata.flags & lib.LYS_CONFIG_R),
        is_key=is_key,
        empty_type=empty_type,
        default=default,
        cases=_cases_of(cdata),
        _handle=int(ffi.cast("uintptr_t", cdata)),
    )


class SchemaIndex:
    """Lookups of data nodes by XML qualified names, over one libyang context.

    The context must stay alive as long as the index (it holds its pointers).
    """

    def __init__(self, context: libyang.Context, lock: threading.RLock | None = None) -> None:
        self._context = context
        self._children: dict[int, dict[tuple[str, str], SchemaNodeInfo]] = {}
        self._cdata: dict[int, Any] = {}
        self._namespaces: frozenset[str] | None = None
        # The context's own lock when it is shared (schema.context_lock).
        self._lock = lock or threading.RLock()
        self._module_count = self._count_modules()

    def _count_modules(self) -> int:
        with self._lock:
            return sum(1 for _ in self._context)

    def refresh(self) -> None:
        """Forget cached nodes if modules were added to the context since (adding
        modules recompiles it, which frees the nodes the cache points to)."""
        count = self._count_modules()
        if count != self._module_count:
            with self._lock:
                self._children.clear()
                self._cdata.clear()
                self._namespaces = None
                self._module_count = count

    @property
    def context(self) -> libyang.Context:
        return self._context

    @classmethod
    def for_release(cls, release: Release, models_dir: str | Path | None = None) -> SchemaIndex:
        """The (cached) index over the release's shared headend context."""
        folder = Path(models_dir) if models_dir is not None else None
        key = (release, str(yang_dir(folder)))
        with _CACHE_LOCK:
            index = _CACHE.get(key)
            if index is None:
                index = cls(get_context(release, folder), context_lock(release, folder))
                _CACHE[key] = index
            return index

    # --- lookups -----------------------------------------------------------------------
    def namespaces(self) -> frozenset[str]:
        """Namespaces of the implemented modules (an unknown one is unknown-namespace)."""
        if self._namespaces is None:
            with self._lock:
                self._namespaces = frozenset(str(c2str(m.cdata.ns)) for m in self._context)
        return self._namespaces

    def root(self, namespace: str, name: str) -> SchemaNodeInfo | None:
        return self.child(None, namespace, name)

    def child(
        self, parent: SchemaNodeInfo | None, namespace: str, name: str
    ) -> SchemaNodeInfo | None:
        return self.children(parent).get((namespace, name))

    def children(self, parent: SchemaNodeInfo | None) -> dict[tuple[str, str], SchemaNodeInfo]:
        handle = parent._handle if parent is not None else 0
        with self._lock:
            known = self._children.get(handle)
            if known is None:
                known = {}
                for snode in self._iter_children(handle):
                    info = _info(snode)
                    self._cdata[info._handle] = snode.cdata
                    known[info.qname] = info
                self._children[handle] = known
            return known

    def lookup(self, path: Sequence[tuple[str, str]]) -> SchemaNodeInfo | None:
        """The node at a path of (namespace, name) steps from the top."""
        node: SchemaNodeInfo | None = None
        for namespace, name in path:
            node = self.child(node, namespace, name)
            if node is None:
                return None
        return node

    def _iter_children(self, handle: int) -> Iterator[Any]:
        types = tuple(_KINDS)
        if handle == 0:
            for module in self._context:
                yield from module.children(types=types)
            return
        cdata = self._cdata[handle]
        child = lib.lys_getnext(ffi.NULL, cdata, ffi.NULL, 0)
        while child != ffi.NULL:
            if child.nodetype in _KINDS:
                yield libyang.SNode.new(self._context, child)
            child = lib.lys_getnext(child, cdata, ffi.NULL, 0)


_CACHE: dict[tuple[Release, str], SchemaIndex] = {}
_CACHE_LOCK = threading.Lock()
