"""The modules (and revisions) a release's payloads use: `yang/<release>.json`.

The manifest is generated from the compiled context, checked in, and compared
with the models directory by the tests, so a re-published model with a new
revision is noticed before payloads are trusted against it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from libyang.util import c2str

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.context import locked_context, module_files
from nornir_flexvpn.schema.repair import repairs_for

Role = Literal["config", "features", "rpc", "oper"]

# What the payloads, RPCs and checks of a headend touch, by role.
MANIFEST_MODULES: tuple[tuple[str, Role], ...] = (
    ("Cisco-IOS-XE-native", "config"),
    ("Cisco-IOS-XE-aaa", "config"),
    ("Cisco-IOS-XE-crypto", "config"),
    ("Cisco-IOS-XE-nat", "config"),
    ("Cisco-IOS-XE-acl", "config"),
    ("Cisco-IOS-XE-http", "config"),
    ("Cisco-IOS-XE-tunnel", "config"),
    ("Cisco-IOS-XE-features", "features"),
    ("cisco-ia", "rpc"),
    ("Cisco-IOS-XE-rpc", "rpc"),
    ("Cisco-IOS-XE-crypto-rpc", "rpc"),
    ("Cisco-IOS-XE-cli-rpc", "rpc"),
    ("Cisco-IOS-XE-interfaces-oper", "oper"),
    ("Cisco-IOS-XE-crypto-oper", "oper"),
    ("Cisco-IOS-XE-crypto-pki-oper", "oper"),
)

MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class ManifestEntry:
    name: str
    revision: str
    namespace: str
    role: Role
    submodule_of: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "revision": self.revision,
            "namespace": self.namespace,
            "role": self.role,
        }
        if self.submodule_of:
            out["submodule-of"] = self.submodule_of
        return out


_BELONGS_TO = re.compile(r"^\s*belongs-to\s+[\"']?([\w.-]+)", re.MULTILINE)


def _namespaces(release: Release, models_dir: Path | None) -> dict[str, str]:
    with locked_context(release, models_dir) as ctx:
        return {m.name(): c2str(m.cdata.ns) for m in ctx}


def _submodule_parent(path: Path) -> str | None:
    match = _BELONGS_TO.search(path.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def build_manifest(release: Release, models_dir: Path | None = None) -> dict[str, Any]:
    """The manifest of `release`, from the compiled context of its models."""
    files = module_files(release, models_dir)
    namespaces = _namespaces(release, models_dir)
    modules: dict[str, Any] = {}
    absent: list[str] = []
    for name, role in MANIFEST_MODULES:
        if name not in files:
            absent.append(name)
            continue
        revision, path = files[name]
        parent = _submodule_parent(path)
        namespace = namespaces.get(parent or name, "")
        entry = ManifestEntry(name, revision, namespace, role, parent)
        modules[name] = entry.as_json()
    return {
        "format": MANIFEST_FORMAT,
        "release": release.value,
        "modules": modules,
        "absent": absent,
        # Loaded from repaired copies (see schema/repair.py): same revisions, fixed text.
        "repaired": sorted({r.module for r in repairs_for(release)}),
    }


def manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, sort_keys=False) + "\n"


def manifest_path(release: Release, root: Path) -> Path:
    """`<root>/<release>.json` (root is the repository's `yang/` folder)."""
    return root / f"{release.value}.json"


def write_manifest(release: Release, root: Path, models_dir: Path | None = None) -> Path:
    path = manifest_path(release, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(manifest_text(build_manifest(release, models_dir)), encoding="utf-8")
    tmp.replace(path)
    return path


def load_manifest(release: Release, root: Path) -> dict[str, Any]:
    path = manifest_path(release, root)
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"no manifest for {release.value}", path=str(path)) from None
    except json.JSONDecodeError as exc:
        raise SchemaError(f"manifest is not JSON: {exc}", path=str(path)) from None
    return data


def manifest_drift(release: Release, root: Path, models_dir: Path | None = None) -> list[str]:
    """Differences between the checked-in manifest and the models (empty: in step)."""
    stored = load_manifest(release, root)
    current = build_manifest(release, models_dir)
    drift: list[str] = []
    for name in sorted(set(stored.get("modules", {})) | set(current["modules"])):
        old = stored.get("modules", {}).get(name)
        new = current["modules"].get(name)
        if old != new:
            drift.append(f"{name}: manifest {old} != models {new}")
    for key in ("release", "absent", "repaired"):
        if stored.get(key) != current[key]:
            drift.append(f"{key}: manifest {stored.get(key)} != models {current[key]}")
    return drift
