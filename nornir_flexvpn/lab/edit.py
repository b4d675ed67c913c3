"""edit-config semantics (RFC 6241 §7.2) over an lxml copy of a datastore.

The edit is applied to a copy; the caller validates the whole result with the
models and only then swaps it in, which is how IOS-XE behaves whatever the
error-option says (the edit is one transaction). Schema knowledge (lists and
their keys, leaf-lists, choices, user ordering) comes from `SchemaIndex`;
anything the index does not know is unknown-element or unknown-namespace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from nornir_flexvpn.lab.replies import (
    missing_element,
    rpc_error,
    unknown_element,
)
from nornir_flexvpn.lab.xmlutil import default_nsmap, elements, qname, text_of
from nornir_flexvpn.namespaces import NC, YANG_XML
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex, SchemaNodeInfo

Operation = Literal["merge", "replace", "create", "delete", "remove"]
DefaultOperation = Literal["merge", "replace", "none"]
EffectiveOperation = Literal["merge", "replace", "create", "delete", "remove", "none"]

OPERATIONS: tuple[Operation, ...] = ("merge", "replace", "create", "delete", "remove")
DEFAULT_OPERATIONS: tuple[DefaultOperation, ...] = ("merge", "replace", "none")

_OP_ATTR = f"{{{NC}}}operation"
_INSERT_ATTR = f"{{{YANG_XML}}}insert"
_KEY_ATTR = f"{{{YANG_XML}}}key"
_VALUE_ATTR = f"{{{YANG_XML}}}value"
_YANG_ATTRS = frozenset({_INSERT_ATTR, _KEY_ATTR, _VALUE_ATTR})


@dataclass
class _Where:
    """A data path under construction, for error messages (libyang's style)."""

    text: str
    module: str

    def step(self, info: SchemaNodeInfo, predicate: str = "") -> _Where:
        prefix = f"{info.module}:" if info.module != self.module else ""
        return _Where(f"{self.text}/{prefix}{info.name}{predicate}", info.module)


def _quote(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"'


def _has_explicit_operation(element: etree._Element) -> bool:
    return any(_OP_ATTR in e.attrib for e in element.iter() if isinstance(e.tag, str))


class EditEngine:
    """Applies one <config> to a datastore copy; raises LabRpcError on the first error."""

    def __init__(self, index: SchemaIndex) -> None:
        self._index = index

    def apply(
        self,
        datastore: etree._Element,
        config: etree._Element,
        default_operation: DefaultOperation = "merge",
    ) -> None:
        """Mutates `datastore` (a container whose children are top-level nodes)."""
        if default_operation == "replace" and not _has_explicit_operation(config):
            # default-operation replace: the <config> becomes the whole datastore.
            for old in elements(datastore):
                datastore.remove(old)
        self._children(config, datastore, None, default_operation, _Where("", ""))

    # --- walking ------------------------------------------------------------------------
    def _children(
        self,
        edit_parent: etree._Element,
        target_parent: etree._Element,
        parent_info: SchemaNodeInfo | None,
        inherited: EffectiveOperation,
        where: _Where,
    ) -> None:
        for edit in elements(edit_parent):
            info = self._resolve(edit, parent_info, where)
            if info.is_key and parent_info is not None and parent_info.kind is NodeKind.LIST:
                continue  # keys identify the entry; they were matched already
            operation = self._operation_of(edit, inherited, where.step(info))
            self._node(edit, info, target_parent, operation, where)

    def _resolve(
        self, edit: etree._Element, parent_info: SchemaNodeInfo | None, where: _Where
    ) -> SchemaNodeInfo:
        namespace, name = qname(edit)
        info = self._index.child(parent_info, namespace, name)
        if info is not None:
            if not info.config:
                raise rpc_error(
                    f"<{name}> is state data and cannot be configured",
                    "invalid-value",
                    path=f"{where.text}/{name}",
                    info={"bad-element": name},
                )
            return info
        if namespace not in self._index.namespaces():
            raise rpc_error(
                f"unknown namespace {namespace!r} of element <{name}>",
                "unknown-namespace",
                path=f"{where.text}/{name}",
                info={"bad-element": name, "bad-namespace": namespace},
            )
        parent_name = parent_info.name if parent_info is not None else "/"
        raise unknown_element(
            name,
            path=f"{where.text}/{name}",
            message=f'Node "{name}" not found as a child of "{parent_name}" node.',
        )

    @staticmethod
    def _operation_of(
        edit: etree._Element, inherited: EffectiveOperation, where: _Where
    ) -> EffectiveOperation:
        for attr in edit.attrib:
            namespace = etree.QName(attr).namespace
            if (namespace == NC and attr != _OP_ATTR) or (
                namespace == YANG_XML and attr not in _YANG_ATTRS
            ):
                name = etree.QName(attr).localname
                raise rpc_error(
                    f"unknown attribute {name!r} on <{qname(edit)[1]}>",
                    "unknown-attribute",
                    error_type="protocol",
                    path=where.text,
                    info={"bad-attribute": name, "bad-element": qname(edit)[1]},
                )
        raw = edit.get(_OP_ATTR)
        if raw is None:
            return inherited
        if raw not in OPERATIONS:
            raise rpc_error(
                f"bad operation {raw!r}",
                "bad-attribute",
                error_type="protocol",
                path=where.text,
                info={"bad-attribute": "operation", "bad-element": qname(edit)[1]},
            )
        return raw

    def _match(
        self,
        edit: etree._Element,
        info: SchemaNodeInfo,
        target_parent: etree._Element,
        where: _Where,
    ) -> tuple[etree._Element | None, _Where]:
        tag = edit.tag
        if info.kind is NodeKind.LIST:
            keys: list[tuple[str, str]] = []
            for key in info.keys:
                key_el = edit.find(f"{{{info.namespace}}}{key}")
                if key_el is None:
                    raise missing_element(key, path=where.step(info).text)
                keys.append((key, text_of(key_el)))
            predicate = "".join(f"[{k}={_quote(v)}]" for k, v in keys)
            here = where.step(info, predicate)
            for candidate in target_parent.iterchildren(tag):
                if all(text_of(candidate.find(f"{{{info.namespace}}}{k}")) == v for k, v in keys):
                    return candidate, here
            return None, here
        if info.kind is NodeKind.LEAF_LIST:
            value = text_of(edit)
            here = where.step(info, f"[.={_quote(value)}]")
            for candidate in target_parent.iterchildren(tag):
                if text_of(candidate) == value:
                    return candidate, here
            return None, here
        return next(target_parent.iterchildren(tag), None), where.step(info)

    def _node(
        self,
        edit: etree._Element,
        info: SchemaNodeInfo,
        target_parent: etree._Element,
        operation: EffectiveOperation,
        where: _Where,
    ) -> None:
        if info.kind in (NodeKind.LEAF, NodeKind.LEAF_LIST):
            stray = elements(edit)
            if stray:
                # a leaf holds a value, never elements
                name = qname(stray[0])[1]
                raise unknown_element(
                    name,
                    path=f"{where.step(info).text}/{name}",
                    message=f'Node "{name}" not found as a child of "{info.name}" node.',
                )
        existing, here = self._match(edit, info, target_parent, where)
        if operation == "delete" or operation == "remove":
            if existing is None:
                if operation == "delete":
                    raise rpc_error(
                        "data to delete does not exist",
                        "data-missing",
                        path=here.text,
                    )
                return
            target_parent.remove(existing)
            return
        if operation == "create" and existing is not None:
            raise rpc_error("data already exists", "data-exists", path=here.text)
        if operation == "replace" and existing is not None:
            position = target_parent.index(existing)
            target_parent.remove(existing)
            fresh = self._fresh(edit, info)
            target_parent.insert(position, fresh)
            self._fill(edit, info, fresh, "replace", here)
            return
        if existing is None:
            if operation == "none" and not (
                info.kind in (NodeKind.CONTAINER, NodeKind.LIST) and _has_explicit_operation(edit)
            ):
                raise rpc_error(
                    "no such data (default-operation none)", "data-missing", path=here.text
                )
            fresh = self._fresh(edit, info)
            self._clear_other_cases(info, target_parent, here)
            self._insert(fresh, edit, info, target_parent, here)
            child_op: EffectiveOperation = "merge" if operation == "create" else operation
            self._fill(edit, info, fresh, child_op, here)
            if operation == "none" and self._is_empty(fresh, info):
                target_parent.remove(fresh)
            return
        # merge (or none) into an existing node
        if info.kind in (NodeKind.LEAF, NodeKind.ANYXML, NodeKind.ANYDATA):
            if operation == "merge":
                target_parent.replace(existing, self._fresh(edit, info, whole=True))
            return
        if info.kind is NodeKind.LEAF_LIST:
            if operation == "merge" and info.ordered_by_user and edit.get(_INSERT_ATTR):
                target_parent.remove(existing)
                self._insert(existing, edit, info, target_parent, here)
            return
        if (
            info.kind is NodeKind.LIST
            and operation == "merge"
            and info.ordered_by_user
            and edit.get(_INSERT_ATTR)
        ):
            target_parent.remove(existing)
            self._insert(existing, edit, info, target_parent, here)
        self._children(edit, existing, info, operation, here)

    # --- building -----------------------------------------------------------------------
    def _fresh(
        self, edit: etree._Element, info: SchemaNodeInfo, *, whole: bool = False
    ) -> etree._Element:
        """A new target node: leaves whole, containers/lists empty (plus keys)."""
        node = etree.Element(edit.tag, nsmap=default_nsmap(info.namespace))
        if info.kind in (NodeKind.LEAF, NodeKind.LEAF_LIST) or whole:
            # an empty-type leaf with text stays wrong so the models reject it
            node.text = text_of(edit) or None
            return node
        if info.kind in (NodeKind.ANYXML, NodeKind.ANYDATA):
            return _strip_attributes(etree.fromstring(etree.tostring(edit)))
        if info.kind is NodeKind.LIST:
            for key in info.keys:
                key_el = edit.find(f"{{{info.namespace}}}{key}")
                sub = etree.SubElement(node, f"{{{info.namespace}}}{key}")
                sub.text = text_of(key_el)
        return node

    def _fill(
        self,
        edit: etree._Element,
        info: SchemaNodeInfo,
        fresh: etree._Element,
        operation: EffectiveOperation,
        where: _Where,
    ) -> None:
        if info.kind in (NodeKind.CONTAINER, NodeKind.LIST):
            self._children(edit, fresh, info, operation, where)

    @staticmethod
    def _is_empty(node: etree._Element, info: SchemaNodeInfo) -> bool:
        if info.kind is NodeKind.LIST:
            keys = {f"{{{info.namespace}}}{k}" for k in info.keys}
            return all(c.tag in keys for c in elements(node))
        if info.kind is NodeKind.CONTAINER:
            return not info.presence and not elements(node)
        return False

    def _clear_other_cases(
        self, info: SchemaNodeInfo, target_parent: etree._Element, where: _Where
    ) -> None:
        if not info.cases:
            return
        parent_info = self._index_parent(where, target_parent)
        for sibling in elements(target_parent):
            namespace, name = qname(sibling)
            sibling_info = self._index.child(parent_info, namespace, name)
            if sibling_info is not None and info.excludes(sibling_info):
                target_parent.remove(sibling)

    def _index_parent(self, where: _Where, target_parent: etree._Element) -> SchemaNodeInfo | None:
        steps: list[tuple[str, str]] = []
        node: etree._Element | None = target_parent
        while node is not None and node.getparent() is not None:
            steps.append(qname(node))
            node = node.getparent()
        return self._index.lookup(list(reversed(steps))) if steps else None

    def _insert(
        self,
        node: etree._Element,
        edit: etree._Element,
        info: SchemaNodeInfo,
        target_parent: etree._Element,
        where: _Where,
    ) -> None:
        insert = edit.get(_INSERT_ATTR)
        if not info.ordered_by_user or insert in (None, "last"):
            target_parent.append(node)
            return
        same = [c for c in target_parent.iterchildren(node.tag) if c is not node]
        if insert == "first":
            if same:
                same[0].addprevious(node)
            else:
                target_parent.append(node)
            return
        if insert not in ("before", "after"):
            raise rpc_error(
                f"bad insert value {insert!r}",
                "bad-attribute",
                error_type="protocol",
                path=where.text,
                info={"bad-attribute": "insert", "bad-element": info.name},
            )
        anchor_ref = edit.get(_VALUE_ATTR if info.kind is NodeKind.LEAF_LIST else _KEY_ATTR)
        if anchor_ref is None:
            raise rpc_error(
                "insert before/after needs the anchor (yang:value or yang:key)",
                "missing-attribute",
                error_type="protocol",
                path=where.text,
                info={
                    "bad-attribute": "value" if info.kind is NodeKind.LEAF_LIST else "key",
                    "bad-element": info.name,
                },
            )
        anchor = self._find_anchor(same, info, anchor_ref)
        if anchor is None:
            raise rpc_error(
                f"insert anchor {anchor_ref!r} does not exist",
                "data-missing",
                path=where.text,
                app_tag="missing-instance",
            )
        if insert == "before":
            anchor.addprevious(node)
        else:
            anchor.addnext(node)

    @staticmethod
    def _find_anchor(
        candidates: Iterable[etree._Element], info: SchemaNodeInfo, anchor_ref: str
    ) -> etree._Element | None:
        if info.kind is NodeKind.LEAF_LIST:
            return next((c for c in candidates if text_of(c) == anchor_ref.strip()), None)
        # yang:key is a predicate string: [name='x'][other='y']
        wanted: dict[str, str] = {}
        for part in anchor_ref.strip().strip("[]").split("]["):
            if "=" in part:
                key, value = part.split("=", 1)
                wanted[key.split(":")[-1].strip()] = value.strip().strip("'\"")
        for candidate in candidates:
            if all(
                text_of(candidate.find(f"{{{info.namespace}}}{k}")) == v for k, v in wanted.items()
            ):
                return candidate
        return None


def _strip_attributes(element: etree._Element) -> etree._Element:
    for node in element.iter():
        if isinstance(node.tag, str):
            for attr in [a for a in node.attrib if str(a).startswith(f"{{{NC}}}")]:
                del node.attrib[attr]
    return element
