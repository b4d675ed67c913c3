"""RFC 7951 JSON <-> XML through libyang, with the project's shared contexts.

Both sides of RESTCONF use this: the client turns the builders' XML into
JSON bodies and JSON replies back into the `<data>` XML the plan engine
reads; the lab turns device XML into JSON replies and JSON bodies into edits.
Parsing is strict (unknown nodes refused) but not validating: a resource is
a fragment, the device validates the whole datastore.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import libyang
from libyang import DataType
from libyang.util import c2str
from lxml import etree

from nornir_flexvpn.errors import YangIssue, YangValidationError
from nornir_flexvpn.namespaces import NC
from nornir_flexvpn.releases import Release
from nornir_flexvpn.restconf.paths import ApiPath
from nornir_flexvpn.schema.context import locked_context

JsonDoc = dict[str, Any]

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_blank_text=True,
    recover=False,
)
# libyang quotes offending values in its messages; a value may be a secret.
_QUOTED_VALUE = re.compile(r'(value\s*)"[^"]*"|(value\s*)\'[^\']*\'', re.IGNORECASE)


def _scrub(message: str) -> str:
    return _QUOTED_VALUE.sub(lambda m: f'{m.group(1) or m.group(2)}"***"', message)


def _fail(release: Release, what: str, exc: libyang.LibyangError) -> YangValidationError:
    return YangValidationError([YangIssue(what, _scrub(str(exc)))], release=release.value)


@contextmanager
def _context(release: Release, models_dir: Path | None) -> Iterator[libyang.Context]:
    with locked_context(release, models_dir) as ctx:
        yield ctx


def parse_xml_fragment(text: str | bytes) -> list[etree._Element]:
    """Top-level elements of printed XML (libyang prints siblings back to back)."""
    raw = text.encode() if isinstance(text, str) else text
    if not raw.strip():
        return []
    holder = etree.fromstring(b"<holder>" + raw + b"</holder>", _PARSER)
    return [child for child in holder if isinstance(child.tag, str)]


def _xml_of(roots: Sequence[etree._Element]) -> str:
    return "".join(etree.tostring(r, encoding="unicode") for r in roots)


def _parse(ctx: libyang.Context, text: str, fmt: str, *, state: bool, parent: Any = None) -> Any:
    return ctx.parse_data_mem(
        text, fmt, parent=parent, strict=True, parse_only=True, no_state=not state
    )


def _print(node: Any, fmt: str, *, siblings: bool = True) -> str:
    out = node.print_mem(fmt, with_siblings=siblings, pretty=False)
    return out if isinstance(out, str) else out.decode()


def module_of_namespace(release: Release, namespace: str, models_dir: Path | None = None) -> str:
    """The module name RFC 7951 uses for an XML namespace."""
    with _context(release, models_dir) as ctx:
        for module in ctx:
            if c2str(module.cdata.ns) == namespace:
                return str(module.name())
    raise YangValidationError(
        [YangIssue(namespace, "no module with this namespace")], release=release.value
    )


def namespace_of_module(release: Release, module: str, models_dir: Path | None = None) -> str:
    with _context(release, models_dir) as ctx:
        try:
            found = ctx.get_module(module)
        except libyang.LibyangError:
            found = None
        if found is None:
            raise YangValidationError([YangIssue(module, "no such module")], release=release.value)
        return str(c2str(found.cdata.ns))


def roots_to_json(
    release: Release,
    roots: Sequence[etree._Element],
    *,
    state: bool = False,
    models_dir: Path | None = None,
) -> JsonDoc:
    """Whole top-level data nodes as one RFC 7951 document."""
    if not roots:
        return {}
    with _context(release, models_dir) as ctx:
        try:
            tree = _parse(ctx, _xml_of(roots), "xml", state=state)
        except libyang.LibyangError as exc:
            raise _fail(release, "/", exc) from None
        if tree is None:
            return {}
        try:
            doc: JsonDoc = json.loads(_print(tree, "json"))
        finally:
            tree.free()
    return doc


def json_to_roots(
    release: Release,
    doc: Mapping[str, Any],
    *,
    state: bool = False,
    models_dir: Path | None = None,
) -> list[etree._Element]:
    """An RFC 7951 document of top-level nodes as XML elements."""
    return assemble(release, [(ApiPath(), doc)], state=state, models_dir=models_dir)


def assemble(
    release: Release,
    parts: Sequence[tuple[ApiPath, Mapping[str, Any]]],
    *,
    state: bool = False,
    models_dir: Path | None = None,
) -> list[etree._Element]:
    """Several RESTCONF replies, each the content of the resource under its
    `parent` path, merged into one tree and printed as XML top-level nodes."""
    with _context(release, models_dir) as ctx:
        merged: Any = None
        try:
            for parent, body in parts:
                if not body:
                    continue
                tree = _part(ctx, release, parent, body, state=state)
                if tree is None:
                    continue
                if merged is None:
                    merged = tree
                else:
                    merged.merge(tree, with_siblings=True, destruct=True)
            if merged is None:
                return []
            return parse_xml_fragment(_print(merged.first_sibling(), "xml"))
        finally:
            if merged is not None:
                merged.free()


def _part(
    ctx: libyang.Context,
    release: Release,
    parent: ApiPath,
    body: Mapping[str, Any],
    *,
    state: bool,
) -> Any:
    text = json.dumps(body)
    if not parent.steps:
        try:
            return _parse(ctx, text, "json", state=state)
        except libyang.LibyangError as exc:
            raise _fail(release, "/", exc) from None
    xpath = parent.xpath()
    try:
        top = ctx.create_data_path(xpath)
        holder = next(iter(top.find_all(xpath)), None) if top is not None else None
        if holder is None:
            raise YangValidationError(
                [YangIssue(xpath, "cannot create the resource's parent")], release=release.value
            )
        _parse(ctx, text, "json", state=state, parent=holder)
    except libyang.LibyangError as exc:
        raise _fail(release, xpath, exc) from None
    return top


def select_json(
    release: Release,
    roots: Sequence[etree._Element],
    target: ApiPath,
    *,
    state: bool = False,
    models_dir: Path | None = None,
) -> JsonDoc | None:
    """The RFC 8040 reply body for `target` in `roots` (`{"module:name": ...}`),
    None when no such node exists."""
    if not target.steps:
        return roots_to_json(release, roots, state=state, models_dir=models_dir) or None
    if not roots:
        return None
    step = target.steps[-1]
    with _context(release, models_dir) as ctx:
        try:
            tree = _parse(ctx, _xml_of(roots), "xml", state=state)
        except libyang.LibyangError as exc:
            raise _fail(release, "/", exc) from None
        if tree is None:
            return None
        try:
            found = list(tree.find_all(target.xpath()))
            if not found:
                return None
            if len(found) == 1:
                doc: JsonDoc = json.loads(_print(found[0], "json", siblings=False))
                return doc
            # A whole list: every entry under one member.
            entries: list[Any] = []
            for node in found:
                entries.extend(json.loads(_print(node, "json", siblings=False)).values())
            return {f"{step.module}:{step.name}": [e for group in entries for e in group]}
        finally:
            tree.free()


def rpc_input_xml(
    release: Release,
    module: str,
    name: str,
    body: Mapping[str, Any] | None,
    *,
    models_dir: Path | None = None,
) -> etree._Element:
    """`{"module:input": {...}}` (or nothing) as the operation element to dispatch."""
    content: Any = {}
    if body:
        key = f"{module}:input"
        if set(body) != {key}:
            raise YangValidationError(
                [YangIssue(f"/{module}:{name}", f"the body must be one {key!r} member")],
                release=release.value,
            )
        content = body[key]
    text = json.dumps({f"{module}:{name}": content})
    with _context(release, models_dir) as ctx:
        try:
            op = ctx.parse_op_mem("json", text, DataType.RPC_YANG)
        except libyang.LibyangError as exc:
            raise _fail(release, f"/{module}:{name}", exc) from None
        try:
            return parse_xml_fragment(_print(op, "xml"))[0]
        finally:
            op.free()


def rpc_output_json(
    release: Release,
    module: str,
    name: str,
    reply: etree._Element | None,
    *,
    models_dir: Path | None = None,
) -> JsonDoc | None:
    """An `<rpc-reply>`'s output leaves as `{"module:output": {...}}` (None: no output)."""
    if reply is None:
        return None
    outputs = [
        c
        for c in reply
        if isinstance(c.tag, str) and etree.QName(c).namespace != NC and etree.QName(c).localname
    ]
    if not outputs:
        return None
    namespace = namespace_of_module(release, module, models_dir)
    wrapper = etree.Element(f"{{{namespace}}}{name}")
    for child in outputs:
        wrapper.append(etree.fromstring(etree.tostring(child), _PARSER))
    with _context(release, models_dir) as ctx:
        try:
            tree = ctx.parse_op_mem(
                "xml", etree.tostring(wrapper, encoding="unicode"), DataType.REPLY_YANG
            )
        except libyang.LibyangError as exc:
            raise _fail(release, f"/{module}:{name}", exc) from None
        try:
            printed: JsonDoc = json.loads(_print(tree, "json"))
        finally:
            tree.free()
    return {f"{module}:output": next(iter(printed.values()), {})}
