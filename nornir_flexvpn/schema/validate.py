"""Validate XML data against a release's models, naming the data path of each complaint.

libyang's Python wrapper folds every error into one string; this module calls
the parser through the same cffi binding so each error keeps its own message,
data path and line. Configuration is parsed strictly as configuration (no
state nodes, unknown elements and namespaces refused) and fully validated
(leafref, must, when, mandatory, unique, min/max-elements).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

import libyang
from _libyang import ffi, lib  # type: ignore[import-not-found]
from lxml import etree

from nornir_flexvpn.errors import SchemaError, YangIssue, YangValidationError
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.context import locked_context

_WRAPPERS = frozenset({qn(NC, "config"), qn(NC, "data"), "config", "data"})
_RPC_WRAPPER = frozenset({qn(NC, "rpc"), "rpc"})
_DATA_LOCATION = re.compile(r'[Dd]ata location "([^"]*)"')
_SCHEMA_LOCATION = re.compile(r'[Ss]chema location "([^"]*)"')
_LINE = re.compile(r"line number (\d+)")


class DataKind(Enum):
    """What a tree holds; decides which nodes are allowed and what is validated."""

    CONFIG = "config"
    OPER = "oper"


def _elements(nodes: Iterator[etree._Element] | list[etree._Element]) -> list[etree._Element]:
    # Comments and processing instructions are not data.
    return [n for n in nodes if isinstance(n.tag, str)]


def _top_nodes(data: etree._Element) -> list[etree._Element]:
    """Children of a <config>/<data> wrapper, or the single top-level node itself."""
    if data.tag in _WRAPPERS:
        return _elements(list(data))
    return [data]


def _serialise(nodes: list[etree._Element]) -> tuple[bytes, int]:
    """The nodes as one XML fragment, and the source line its first line came from."""
    if not nodes:
        return b"", 0
    text = b"".join(etree.tostring(n, encoding="utf-8", with_tail=True) for n in nodes)
    first_line = nodes[0].sourceline
    return text, (first_line - 1) if isinstance(first_line, int) else 0


# Leaves whose values are secrets: their text never reaches a message or a path.
_SECRET_LEAF = re.compile(r"(?:^|-)(?:password|passphrase|secret|key|psk|pre-shared-key)$")
_REDACTED = "<redacted>"


def _secret_values(nodes: list[etree._Element]) -> list[str]:
    values: set[str] = set()
    for node in nodes:
        for element in node.iter():
            if not isinstance(element.tag, str):
                continue
            text = (element.text or "").strip()
            if text and _SECRET_LEAF.search(etree.QName(element).localname):
                values.add(text)
    # Longest first, so a secret containing another is replaced whole.
    return sorted(values, key=len, reverse=True)


def _redact(issues: list[YangIssue], secrets: list[str]) -> list[YangIssue]:
    if not secrets:
        return issues
    out: list[YangIssue] = []
    for issue in issues:
        message, path = issue.message, issue.path
        for secret in secrets:
            message = message.replace(secret, _REDACTED)
            path = path.replace(secret, _REDACTED)
        out.append(YangIssue(path=path, message=message, line=issue.line))
    return out


def _issues(ctx: libyang.Context, line_offset: int) -> list[YangIssue]:
    """Drain libyang's stored errors for this thread into issues."""
    issues: list[YangIssue] = []
    err = lib.ly_err_first(ctx.cdata)
    while err:
        message = libyang.util.c2str(err.msg) if err.msg else "invalid data"
        where = libyang.util.c2str(err.path) if err.path else ""
        data_match = _DATA_LOCATION.search(where) or _SCHEMA_LOCATION.search(where)
        path = data_match.group(1) if data_match else ""
        line_match = _LINE.search(where)
        line = int(line_match.group(1)) + line_offset if line_match else None
        issue = YangIssue(path=path, message=message, line=line)
        if issue not in issues:
            issues.append(issue)
        err = err.next
    lib.ly_err_clean(ctx.cdata, ffi.NULL)
    return issues


def _keep_error_paths() -> None:
    """Make libyang store each error with its data path and line.

    The Python binding switches paths off (`ly_set_log_clb(NULL, False)`);
    the setting is process-wide, so it is restored here before every parse,
    keeping whichever callback the binding's `configure_logging` chose.
    """
    previous = lib.ly_log_options(lib.LY_LOSTORE)
    lib.ly_log_options(previous | lib.LY_LOSTORE)
    callback = lib.lypy_log_cb if previous & lib.LY_LOLOG else ffi.NULL
    lib.ly_set_log_clb(callback, True)


def _flags(kind: DataKind) -> tuple[int, int]:
    if kind is DataKind.CONFIG:
        return (
            lib.LYD_PARSE_STRICT | lib.LYD_PARSE_NO_STATE,
            lib.LYD_VALIDATE_NO_STATE,
        )
    # Operational replies carry a few modules' state; only those are checked
    # for mandatory nodes, references into others still resolve.
    return lib.LYD_PARSE_STRICT, lib.LYD_VALIDATE_PRESENT


def _parse_locked(ctx: libyang.Context, xml: bytes, kind: DataKind, line_offset: int) -> Any:
    """Parse + validate with the context lock held; returns the raw tree or raises."""
    parse_opts, validate_opts = _flags(kind)
    _keep_error_paths()
    lib.ly_err_clean(ctx.cdata, ffi.NULL)
    buffer = ffi.new("char[]", xml)
    in_handle = ffi.new("struct ly_in **")
    if lib.ly_in_new_memory(buffer, in_handle) != lib.LY_SUCCESS:
        raise SchemaError("libyang could not read the input buffer")
    tree = ffi.new("struct lyd_node **")
    try:
        ret = lib.lyd_parse_data(
            ctx.cdata, ffi.NULL, in_handle[0], lib.LYD_XML, parse_opts, validate_opts, tree
        )
    finally:
        lib.ly_in_free(in_handle[0], 0)
    issues = _issues(ctx, line_offset)
    if ret != lib.LY_SUCCESS:
        if tree[0] != ffi.NULL:
            lib.lyd_free_all(tree[0])
        raise _Invalid(issues or [YangIssue("", f"libyang error {ret}")])
    return tree[0]


class _Invalid(Exception):
    def __init__(self, issues: list[YangIssue]) -> None:
        self.issues = issues
        # Not str(issues): they may still hold secrets until redacted.
        super().__init__(f"{len(issues)} YANG issue(s)")


@contextmanager
def _parsed(
    release: Release, data: etree._Element, kind: DataKind, models_dir: Path | None
) -> Iterator[libyang.DNode | None]:
    nodes = _top_nodes(data)
    text, offset = _serialise(nodes)
    with locked_context(release, models_dir) as ctx:
        try:
            raw = _parse_locked(ctx, text, kind, offset)
        except _Invalid as invalid:
            raise _Invalid(_redact(invalid.issues, _secret_values(nodes))) from None
        try:
            yield libyang.DNode.new(ctx, raw) if raw != ffi.NULL else None
        finally:
            if raw != ffi.NULL:
                lib.lyd_free_all(raw)


def _validate(
    release: Release, data: etree._Element, kind: DataKind, models_dir: Path | None
) -> list[YangIssue]:
    try:
        with _parsed(release, data, kind, models_dir):
            return []
    except _Invalid as invalid:
        return invalid.issues


def validate_config(
    release: Release, data: etree._Element, *, models_dir: Path | None = None
) -> list[YangIssue]:
    """Issues of `data` as configuration of `release` (empty list: valid).

    `data` is a NETCONF <config> or <data> element, or one top-level node
    (e.g. <native>). Its nodes are parsed strictly as config and fully validated.
    """
    return _validate(release, data, DataKind.CONFIG, models_dir)


def ensure_valid_config(
    release: Release, data: etree._Element, *, models_dir: Path | None = None
) -> None:
    """Raise YangValidationError (data path + model message) unless `data` is valid config."""
    issues = validate_config(release, data, models_dir=models_dir)
    if issues:
        raise YangValidationError(issues, release=release.value)


def validate_oper(
    release: Release, data: etree._Element, *, models_dir: Path | None = None
) -> list[YangIssue]:
    """Issues of `data` as operational (state) data, e.g. a crypto-oper <get> reply."""
    return _validate(release, data, DataKind.OPER, models_dir)


def ensure_valid_oper(
    release: Release, data: etree._Element, *, models_dir: Path | None = None
) -> None:
    issues = validate_oper(release, data, models_dir=models_dir)
    if issues:
        raise YangValidationError(issues, release=release.value)


@contextmanager
def parse_config(
    release: Release, data: etree._Element, *, models_dir: Path | None = None
) -> Iterator[libyang.DNode | None]:
    """The validated config tree, alive (and the context locked) for the `with` block.

    `with parse_config(r, cfg) as tree: tree.print_mem("json")`. None for empty
    data. Raises YangValidationError when the data is invalid.
    """
    try:
        with _parsed(release, data, DataKind.CONFIG, models_dir) as tree:
            yield tree
    except _Invalid as invalid:
        raise YangValidationError(invalid.issues, release=release.value) from None


def config_to_json(
    release: Release, data: etree._Element, *, models_dir: Path | None = None
) -> str:
    """The validated config as RFC 7951 JSON (a convenient canonical form)."""
    with parse_config(release, data, models_dir=models_dir) as tree:
        if tree is None:
            return "{}"
        text = tree.print_mem("json", with_siblings=True, pretty=True)
        return text if isinstance(text, str) else text.decode()


# --- RPCs -----------------------------------------------------------------------


def _operation(rpc: etree._Element) -> etree._Element:
    if rpc.tag in _RPC_WRAPPER:
        children = _elements(list(rpc))
        if len(children) != 1:
            raise SchemaError(f"<rpc> must hold exactly one operation, found {len(children)}")
        return children[0]
    return rpc


def _parse_op(
    release: Release, xml: bytes, op_type: int, line_offset: int, models_dir: Path | None
) -> list[YangIssue]:
    with locked_context(release, models_dir) as ctx:
        _keep_error_paths()
        lib.ly_err_clean(ctx.cdata, ffi.NULL)
        buffer = ffi.new("char[]", xml)
        in_handle = ffi.new("struct ly_in **")
        if lib.ly_in_new_memory(buffer, in_handle) != lib.LY_SUCCESS:
            raise SchemaError("libyang could not read the input buffer")
        tree = ffi.new("struct lyd_node **")
        op = ffi.new("struct lyd_node **")
        try:
            ret = lib.lyd_parse_op(
                ctx.cdata, ffi.NULL, in_handle[0], lib.LYD_XML, op_type, tree, op
            )
        finally:
            lib.ly_in_free(in_handle[0], 0)
        issues = _issues(ctx, line_offset)
        if ret == lib.LY_SUCCESS and tree[0] != ffi.NULL:
            # Parsing an operation does not validate it: check the input/output too.
            vret = lib.lyd_validate_op(tree[0], ffi.NULL, op_type, ffi.NULL)
            issues += [i for i in _issues(ctx, line_offset) if i not in issues]
            if vret != lib.LY_SUCCESS and not issues:
                issues.append(YangIssue("", f"libyang error {vret}"))
        if tree[0] != ffi.NULL:
            lib.lyd_free_all(tree[0])
        if ret != lib.LY_SUCCESS and not issues:
            issues.append(YangIssue("", f"libyang error {ret}"))
        return issues


def validate_rpc(
    release: Release, rpc_body: etree._Element, *, models_dir: Path | None = None
) -> list[YangIssue]:
    """Issues of an RPC's input: `rpc_body` is the operation element (or its <rpc>)."""
    op = _operation(rpc_body)
    text, offset = _serialise([op])
    issues = _parse_op(release, text, lib.LYD_TYPE_RPC_YANG, offset, models_dir)
    return _redact(issues, _secret_values([op]))


def validate_reply(
    release: Release,
    rpc_body: etree._Element,
    reply: etree._Element,
    *,
    models_dir: Path | None = None,
) -> list[YangIssue]:
    """Issues of an RPC's output: `reply` is the <rpc-reply> (or its output nodes' parent).

    The output nodes are re-wrapped in the operation's element, the form libyang
    reads a YANG reply in; <ok/> and <rpc-error> are not output data.
    """
    op = _operation(rpc_body)
    not_output = (qn(NC, "ok"), qn(NC, "rpc-error"))
    output = [c for c in _elements(list(reply)) if c.tag not in not_output]
    wrapper = etree.Element(op.tag)
    for child in output:
        wrapper.append(copy.deepcopy(child))
    text, _ = _serialise([wrapper])
    issues = _parse_op(release, text, lib.LYD_TYPE_REPLY_YANG, 0, models_dir)
    return _redact(issues, _secret_values([wrapper]))
