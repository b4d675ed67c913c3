"""Known defects of Cisco's published IOS-XE modules, and a repaired copy per release.

Devices serve the same defective text, so every tool that loads these models
must repair them on load. Each repair is data: which release and module, what
is wrong, and a regular expression with its replacement. A repair whose target
text is gone is an error, so a re-published model that changed is noticed
instead of being silently "repaired" into something else.

The published files are never edited: `repaired_dir` materialises, per release,
a flat directory in the cache holding symlinks to the untouched modules and
rewritten copies of the repaired ones, keyed by a hash of every input.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release, release_dir

# Bump when the layout of a materialised directory changes.
_CACHE_FORMAT = 1
_COMPLETE_MARKER = ".complete.json"


@dataclass(frozen=True)
class Repair:
    """One defect of one module in some releases, and how it is rewritten."""

    releases: frozenset[Release]
    module: str
    what: str
    pattern: str
    replacement: str

    def applies_to(self, release: Release) -> bool:
        return release in self.releases

    def apply(self, text: str, *, release: Release) -> str:
        """Rewrite every occurrence; no occurrence at all means the model changed."""
        repaired, count = re.subn(self.pattern, self.replacement, text, flags=re.MULTILINE)
        if count == 0:
            raise SchemaError(
                f"repair target missing in {self.module} {release.value}: {self.what} "
                f"(pattern {self.pattern!r} not found; was the model re-published?)",
                path=self.module,
            )
        return repaired

    def fingerprint(self) -> str:
        releases = sorted(r.value for r in self.releases)
        return json.dumps([releases, self.module, self.pattern, self.replacement])


def _on(*releases: Release) -> frozenset[Release]:
    return frozenset(releases)


_R = Release

REPAIRS: tuple[Repair, ...] = (
    Repair(
        _on(_R.V16_9_1),
        "Cisco-IOS-XE-mpls",
        "XPath `..[pred]`: an abbreviated step cannot take a predicate in XPath 1.0",
        r"count\(\.\.\[",
        "count(parent::node()[",
    ),
    *(
        Repair(
            _on(_R.V16_9_1),
            module,
            "backslash at the end of a line inside a double-quoted string (not a YANG escape)",
            r"\\(?=\n)",
            "",
        )
        for module in (
            "Cisco-IOS-XE-aaa",
            "Cisco-IOS-XE-nat",
            "Cisco-IOS-XE-route-map",
            "Cisco-IOS-XE-vlan",
        )
    ),
    Repair(
        _on(_R.V16_9_1),
        "Cisco-IOS-XE-rpc",
        "`\\w` inside a double-quoted pattern is not a YANG escape: quote it with single quotes",
        r'pattern "\[A-Za-z\]\(\[\\w/\.-\]\+\)";',
        "pattern '[A-Za-z]([\\\\w/.-]+)';",
    ),
    Repair(
        _on(_R.V16_9_1, _R.V17_9_1),
        "Cisco-IOS-XE-acl",
        "pattern quantifier `{,3}` is not XSD regex syntax (it means `{0,3}`)",
        r"\{,3\}",
        "{0,3}",
    ),
    Repair(
        _on(_R.V17_3_1),
        "Cisco-IOS-XE-crypto",
        "current list keys marked `status obsolete`: libyang refuses current nodes referencing "
        "obsolete ones, so the keys lose that status",
        r'(key "name(?: sequence-number)?";\n\s*leaf name \{\n)\s*status obsolete;\n',
        r"\1",
    ),
    Repair(
        _on(_R.V17_3_1, _R.V17_9_1),
        "Cisco-IOS-XE-crypto",
        "must on list `ikev2 policy proposal` compares `name=current()` with the list entry "
        "(empty string in libyang, the key on the device): compare with the key leaf",
        r"""(must ["'])/ios:native/ios:crypto/ikev2/proposal\[name=current\(\)\](["'] \{\n"""
        r"""\s*error-message "It seems IKEv2 proposal doesn't exist)""",
        r"\1/ios:native/ios:crypto/ikev2/proposal[name=current()/proposals]\2",
    ),
)


def repairs_for(release: Release) -> list[Repair]:
    return [r for r in REPAIRS if r.applies_to(release)]


def repair_text(release: Release, module: str, text: str) -> str:
    """The module text with every repair for (release, module) applied, in order."""
    for repair in REPAIRS:
        if repair.applies_to(release) and repair.module == module:
            text = repair.apply(text, release=release)
    return text


def cache_dir() -> Path:
    """FLEXVPN_CACHE_DIR, else ~/.cache/nornir_flexvpn."""
    raw = os.environ.get("FLEXVPN_CACHE_DIR")
    base = Path(raw) if raw else Path.home() / ".cache" / "nornir_flexvpn"
    return base.expanduser().resolve()


def source_dir(release: Release, models_dir: Path | None = None) -> Path:
    """The published modules of a release; a missing folder is a SchemaError naming it."""
    folder = release_dir(release, models_dir)
    if not folder.is_dir():
        raise SchemaError(
            f"no YANG models for {release.value}: {folder} is not a directory "
            "(set FLEXVPN_YANG_DIR to the folder holding the per-release model folders)",
            path=str(folder),
        )
    return folder


def _module_files(folder: Path) -> list[Path]:
    # Top level only: subfolders (17.9.1's YANG_1.1/) hold alternative copies
    # that must not shadow the modules libyang finds by name.
    return sorted(p for p in folder.glob("*.yang") if p.is_file())


def _inputs_key(release: Release, folder: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{_CACHE_FORMAT}\n{release.value}\n{folder}\n".encode())
    for repair in repairs_for(release):
        digest.update(repair.fingerprint().encode())
    for path in files:
        st = path.stat()
        digest.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


_materialise_lock = threading.Lock()


def repaired_dir(release: Release, models_dir: Path | None = None) -> Path:
    """A flat search dir for `release` with every repair applied, built once per input hash.

    Safe under concurrent processes: the directory is assembled under a temporary
    name beside its final one and renamed into place; whoever loses the race
    discards its copy and uses the winner's.
    """
    folder = source_dir(release, models_dir)
    files = _module_files(folder)
    key = _inputs_key(release, folder, files)
    root = cache_dir() / "yang"
    final = root / f"{release.dirname}-{key}"
    if (final / _COMPLETE_MARKER).is_file():
        return final
    with _materialise_lock:
        if (final / _COMPLETE_MARKER).is_file():
            return final
        by_module: dict[str, list[Repair]] = {}
        for repair in repairs_for(release):
            by_module.setdefault(repair.module, []).append(repair)
        missing = sorted(m for m in by_module if not (folder / f"{m}.yang").is_file())
        if missing:
            raise SchemaError(
                f"repair targets missing in {release.value}: {', '.join(missing)}",
                path=str(folder),
            )
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{release.dirname}-", dir=root))
        try:
            for path in files:
                target = staging / path.name
                if path.stem in by_module:
                    text = path.read_text(encoding="utf-8")
                    target.write_text(repair_text(release, path.stem, text), encoding="utf-8")
                else:
                    target.symlink_to(path)
            marker = {"release": release.value, "source": str(folder), "key": key}
            (staging / _COMPLETE_MARKER).write_text(json.dumps(marker), encoding="utf-8")
            try:
                staging.rename(final)
            except OSError:
                # Another process won the race; its directory is equivalent.
                if not (final / _COMPLETE_MARKER).is_file():
                    raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return final
