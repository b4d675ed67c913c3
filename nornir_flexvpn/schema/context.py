"""One compiled libyang context per (release, models directory), shared by the process.

Building a context costs about a second, so it is built once and cached. The
cache is thread-safe; the contexts themselves are not (libyang keeps parse
errors and compiled state per context), so every parse goes through
`context_lock(...)`. A failed `load_modules` leaves the context as it was:
libyang reverts the uncompiled modules of a failed load.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libyang

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.repair import repaired_dir, source_dir

# What a headend's payloads, checks and lab device touch. Modules a release
# does not publish are left out (16.9.1 has no crypto-oper, no cli-rpc).
# Cisco-IOS-XE-crypto-rpc is a submodule of Cisco-IOS-XE-rpc: it comes with it.
HEADEND_MODULES: tuple[str, ...] = (
    "ietf-netconf",
    "ietf-netconf-with-defaults",
    "ietf-netconf-monitoring",
    "ietf-yang-library",
    "Cisco-IOS-XE-features",
    "Cisco-IOS-XE-native",
    "Cisco-IOS-XE-aaa",
    "Cisco-IOS-XE-crypto",
    "Cisco-IOS-XE-nat",
    "Cisco-IOS-XE-acl",
    "Cisco-IOS-XE-http",
    "Cisco-IOS-XE-tunnel",
    "Cisco-IOS-XE-interfaces-oper",
    "Cisco-IOS-XE-crypto-oper",
    "Cisco-IOS-XE-crypto-pki-oper",
    "cisco-ia",
    "Cisco-IOS-XE-rpc",
    "Cisco-IOS-XE-crypto-rpc",
    "Cisco-IOS-XE-cli-rpc",
)

_SUBMODULE_HEAD = re.compile(r"\A\s*(?:(?://[^\n]*\n|/\*.*?\*/)\s*)*submodule\s", re.DOTALL)
_INCLUDE = re.compile(r"^\s*include\s+([\w.-]+)\s*[;{]", re.MULTILINE)
_REVISION = re.compile(r"^\s*revision\s+[\"']?(\d{4}-\d{2}-\d{2})", re.MULTILINE)


@dataclass
class _Entry:
    release: Release
    context: libyang.Context
    search_dir: Path
    source_dir: Path
    lock: threading.RLock = field(default_factory=threading.RLock)
    loaded: list[str] = field(default_factory=list)
    load_seconds: float = 0.0


_registry: dict[tuple[Release, Path], _Entry] = {}
_registry_lock = threading.Lock()
_build_locks: dict[tuple[Release, Path], threading.Lock] = {}


def _key(release: Release, models_dir: Path | None) -> tuple[Release, Path]:
    return release, source_dir(release, models_dir)


def is_submodule(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        head = fh.read(4096)
    return bool(_SUBMODULE_HEAD.match(head))


def _load_into(entry: _Entry, names: Iterable[str], *, skip_absent: bool) -> list[str]:
    """Load and compile `names` (all features on); returns the names actually loaded."""
    loaded: list[str] = []
    for name in names:
        if name in entry.loaded or name in loaded:
            continue
        path = entry.search_dir / f"{name}.yang"
        if not path.is_file():
            if skip_absent:
                continue
            raise SchemaError(
                f"module {name} is not published for {entry.release.value}",
                path=str(entry.source_dir / f"{name}.yang"),
            )
        if is_submodule(path):
            continue
        try:
            module = entry.context.load_module(name)
            module.feature_enable_all()
        except libyang.LibyangError as exc:
            raise SchemaError(
                f"cannot load {name} for {entry.release.value}: {exc}", path=name
            ) from exc
        loaded.append(name)
    try:
        entry.context.compile_schema()  # type: ignore[no-untyped-call]
    except libyang.LibyangError as exc:
        raise SchemaError(
            f"cannot compile {', '.join(loaded) or 'models'} for {entry.release.value}: {exc}",
            path=str(entry.search_dir),
        ) from exc
    entry.loaded.extend(loaded)
    return loaded


def _build(release: Release, folder: Path) -> _Entry:
    started = time.perf_counter()
    search = repaired_dir(release, folder.parent)
    ctx = libyang.Context(str(search), explicit_compile=True)
    entry = _Entry(release=release, context=ctx, search_dir=search, source_dir=folder)
    _load_into(entry, HEADEND_MODULES, skip_absent=True)
    entry.load_seconds = time.perf_counter() - started
    return entry


def _entry(release: Release, models_dir: Path | None) -> _Entry:
    key = _key(release, models_dir)
    entry = _registry.get(key)
    if entry is not None:
        return entry
    with _registry_lock:
        build_lock = _build_locks.setdefault(key, threading.Lock())
    # One builder per key; other keys build in parallel.
    with build_lock:
        entry = _registry.get(key)
        if entry is None:
            entry = _build(release, key[1])
            with _registry_lock:
                _registry[key] = entry
    return entry


def get_context(release: Release, models_dir: Path | None = None) -> libyang.Context:
    """The compiled headend context of `release` (built on first use, then shared).

    `models_dir` is the folder holding the per-release folders (default: FLEXVPN_YANG_DIR).
    Parse through `context_lock` when threads share the context.
    """
    return _entry(release, models_dir).context


def context_lock(release: Release, models_dir: Path | None = None) -> threading.RLock:
    """The lock guarding the context of (release, models_dir): hold it while parsing."""
    return _entry(release, models_dir).lock


@contextmanager
def locked_context(release: Release, models_dir: Path | None = None) -> Iterator[libyang.Context]:
    """`with locked_context(r) as ctx:` - the shared context, held for the block."""
    entry = _entry(release, models_dir)
    with entry.lock:
        yield entry.context


def load_modules(
    release: Release, names: Iterable[str], models_dir: Path | None = None
) -> list[str]:
    """Add modules (all features on) to the shared context; returns the newly loaded ones.

    An unknown module raises SchemaError and leaves the context unchanged.
    Adding modules recompiles the context, which invalidates every data tree
    parsed with it before: call this at start-up, before keeping any tree.
    """
    entry = _entry(release, models_dir)
    with entry.lock:
        return _load_into(entry, list(names), skip_absent=False)


def loaded_modules(release: Release, models_dir: Path | None = None) -> list[str]:
    """The modules loaded on purpose (not those pulled in by imports)."""
    return list(_entry(release, models_dir).loaded)


def load_seconds(release: Release, models_dir: Path | None = None) -> float:
    """How long building the context took (repair + load + compile)."""
    return _entry(release, models_dir).load_seconds


def search_dir(release: Release, models_dir: Path | None = None) -> Path:
    """The repaired, flat module directory the context loads from."""
    return _entry(release, models_dir).search_dir


def _file_revision(path: Path) -> str:
    match = _REVISION.search(path.read_text(encoding="utf-8"))
    return match.group(1) if match else ""


def module_files(
    release: Release, models_dir: Path | None = None, *, repaired: bool = False
) -> dict[str, tuple[str, Path]]:
    """name -> (revision, file) of every module and submodule in the context.

    These are what a device advertises and serves through get-schema. By default
    the paths are the published files (devices serve the defective text too);
    `repaired=True` gives the copies the context loaded.
    """
    entry = _entry(release, models_dir)
    base = entry.search_dir if repaired else entry.source_dir
    with entry.lock:
        modules = [(m.name(), m.cdata.revision, m.filepath()) for m in entry.context]
    # Reading ~160 files per call is slow (the lab asks per RPC kind); the answer
    # changes only when modules are added to the context.
    key = (base, len(modules))
    cached = _module_files_cache.get(key)
    if cached is None:
        cached = _module_files_cache[key] = _scan_module_files(base, modules)
    return dict(cached)


_module_files_cache: dict[tuple[Path, int], dict[str, tuple[str, Path]]] = {}


def _scan_module_files(
    base: Path, modules: list[tuple[str, Any, str | None]]
) -> dict[str, tuple[str, Path]]:
    out: dict[str, tuple[str, Path]] = {}
    pending: list[str] = []
    for name, revision, loaded_from in modules:
        path = base / f"{name}.yang"
        if not path.is_file():
            continue  # libyang-internal modules absent from the release
        if loaded_from is None:
            # Built into libyang (ietf-yang-library, ...): the release's file may differ.
            rev = _file_revision(path)
        else:
            rev = libyang.util.c2str(revision) if revision else ""
        out[name] = (rev or "", path)
        pending.append(name)
    while pending:
        name = pending.pop()
        text = (base / f"{name}.yang").read_text(encoding="utf-8")
        for sub in _INCLUDE.findall(text):
            sub_path = base / f"{sub}.yang"
            if sub in out or not sub_path.is_file():
                continue
            out[sub] = (_file_revision(sub_path), sub_path)
            pending.append(sub)
    return dict(sorted(out.items()))


def clear_cache() -> None:
    """Forget every context (tests, or after the models directory changed)."""
    with _registry_lock:
        _registry.clear()
        _build_locks.clear()
        _module_files_cache.clear()
