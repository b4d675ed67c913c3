"""Fetch a device's own YANG modules with <get-schema> (RFC 6022).

A payload validated against the modules the device itself serves is checked
against exactly what it runs, defects and all (the repairs apply on load).
The result is a models folder laid out like FLEXVPN_YANG_DIR: one
sub-folder per release holding `<module>.yang` files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from nornir_flexvpn.errors import RpcError, SchemaError
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.context import HEADEND_MODULES

_DEPENDENCY = re.compile(r"^\s*(?:import|include)\s+([\w.-]+)\s*[;{]", re.MULTILINE)
_SAFE_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def pull_modules(
    conn: NetconfConnection,
    release: Release,
    out_dir: Path,
    modules: Iterable[str] = HEADEND_MODULES,
) -> list[Path]:
    """Fetch `modules` and everything they import/include into `out_dir/<release folder>/`.
    Modules the device does not serve are skipped (a release lacks some)."""
    target = out_dir / release.dirname
    target.mkdir(parents=True, exist_ok=True)
    revisions = dict(conn.capabilities.modules)
    pending = list(dict.fromkeys(modules))
    seen: set[str] = set()
    written: list[Path] = []
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if not _SAFE_NAME.match(name):
            raise SchemaError(f"refusing module name {name!r} from the device", path=name)
        try:
            text = conn.get_schema(name, version=revisions.get(name))
        except RpcError as exc:
            if exc.tag == "invalid-value":
                continue  # not served here (e.g. no crypto-oper on 16.9)
            raise
        path = target / f"{name}.yang"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        pending.extend(dep for dep in _DEPENDENCY.findall(text) if dep not in seen)
    return written
