"""The libyang side of the lab: validate and canonicalise a datastore.

The context is the project's shared one (`schema.context`, with the model
repairs); the lab adds nothing to it, so the lab is exactly as strict as the
payload validation. It talks to libyang directly (under the context's lock)
because the device needs each error's app-tag and validation code to pick
the RFC 6241 error-tag, and prints the tree back for the models' order,
canonical values and with-defaults modes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import libyang
from _libyang import ffi, lib  # type: ignore[import-not-found]
from libyang.util import c2str
from lxml import etree

from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.context import get_context, locked_context

WithDefaults = Literal["explicit", "trim", "report-all", "report-all-tagged"]

_WD_FLAGS: dict[str, int] = {
    "explicit": lib.LYD_PRINT_WD_EXPLICIT,
    "trim": lib.LYD_PRINT_WD_TRIM,
    "report-all": lib.LYD_PRINT_WD_ALL,
    "report-all-tagged": lib.LYD_PRINT_WD_ALL_TAG,
}
_DATA_LOCATION = re.compile(r'[Dd]ata location "([^"]*)"')
_SCHEMA_LOCATION = re.compile(r'[Ss]chema location "([^"]*)"')


@dataclass(frozen=True)
class ModelIssue:
    """One libyang complaint with what the device needs to classify it."""

    path: str
    message: str
    apptag: str = ""
    vecode: int = 0


class ModelValidationFailed(Exception):
    def __init__(self, issues: list[ModelIssue]) -> None:
        self.issues = issues
        super().__init__(issues[0].message if issues else "invalid data")


def lab_context(release: Release, models_dir: str | Path | None = None) -> libyang.Context:
    """The release's shared compiled context."""
    return get_context(release, Path(models_dir) if models_dir is not None else None)


def _keep_error_paths() -> None:
    # The binding turns error paths off process-wide; libyang only stores the
    # data path of an error when path logging is on (see schema.validate).
    previous = lib.ly_log_options(lib.LY_LOSTORE)
    lib.ly_log_options(previous | lib.LY_LOSTORE)
    callback = lib.lypy_log_cb if previous & lib.LY_LOLOG else ffi.NULL
    lib.ly_set_log_clb(callback, True)


def _collect_errors(ctx: libyang.Context) -> list[ModelIssue]:
    issues: list[ModelIssue] = []
    err = lib.ly_err_first(ctx.cdata)
    while err != ffi.NULL:
        if err.level == lib.LY_LLERR:
            where = str(c2str(err.path)) if err.path != ffi.NULL else ""
            found = _DATA_LOCATION.search(where) or _SCHEMA_LOCATION.search(where)
            issue = ModelIssue(
                path=found.group(1) if found else "",
                message=str(c2str(err.msg)) if err.msg != ffi.NULL else "invalid data",
                apptag=str(c2str(err.apptag)) if err.apptag != ffi.NULL else "",
                vecode=int(err.vecode),
            )
            if issue not in issues:
                issues.append(issue)
        err = err.next
    lib.ly_err_clean(ctx.cdata, ffi.NULL)
    return issues or [ModelIssue(path="", message="invalid data")]


def validate_and_print(
    release: Release,
    models_dir: Path | None,
    elements: list[etree._Element],
    *,
    with_defaults: WithDefaults = "explicit",
    parse_only: bool = False,
) -> bytes:
    """Validate config data strictly, as a whole datastore, and print it back in
    the models' order with canonical values. `parse_only` checks structure and
    types but not references, musts or mandatory nodes (an unfinished
    candidate). Raises ModelValidationFailed."""
    text = b"".join(etree.tostring(e) for e in elements)
    if not text:
        return b""
    parse_opts = lib.LYD_PARSE_STRICT | lib.LYD_PARSE_NO_STATE
    if parse_only:
        parse_opts |= lib.LYD_PARSE_ONLY
    with locked_context(release, models_dir) as ctx:
        _keep_error_paths()
        lib.ly_err_clean(ctx.cdata, ffi.NULL)
        keep = ffi.new("char[]", text)
        in_ptr = ffi.new("struct ly_in **")
        if lib.ly_in_new_memory(keep, in_ptr) != lib.LY_SUCCESS:
            raise ModelValidationFailed(_collect_errors(ctx))
        tree = ffi.new("struct lyd_node **")
        try:
            ret = lib.lyd_parse_data(
                ctx.cdata,
                ffi.NULL,
                in_ptr[0],
                lib.LYD_XML,
                parse_opts,
                lib.LYD_VALIDATE_NO_STATE,
                tree,
            )
        finally:
            lib.ly_in_free(in_ptr[0], 0)
        if ret != lib.LY_SUCCESS:
            if tree[0] != ffi.NULL:
                lib.lyd_free_all(tree[0])
            raise ModelValidationFailed(_collect_errors(ctx))
        lib.ly_err_clean(ctx.cdata, ffi.NULL)
        if tree[0] == ffi.NULL:
            return b""
        try:
            out = ffi.new("char **")
            flags = lib.LYD_PRINT_WITHSIBLINGS | lib.LYD_PRINT_SHRINK | _WD_FLAGS[with_defaults]
            if lib.lyd_print_mem(out, tree[0], lib.LYD_XML, flags) != lib.LY_SUCCESS:
                raise ModelValidationFailed(_collect_errors(ctx))
            try:
                return bytes(ffi.string(out[0])) if out[0] != ffi.NULL else b""
            finally:
                lib.free(out[0])
        finally:
            lib.lyd_free_all(tree[0])
