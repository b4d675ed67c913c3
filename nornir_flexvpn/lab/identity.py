"""Who a lab headend claims to be: release, platform, and the <hello> it sends.

The capability list is the one Cisco publishes for that platform and release,
read verbatim, so a client is tested against what a real headend advertises.
Only the datastore capabilities are adjusted, because on a device they follow
configuration (`netconf-yang feature candidate-datastore`), not the release.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.xmlsafe import XmlRejected, parse_xml
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.releases import Release, release_dir

BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
CANDIDATE = "urn:ietf:params:netconf:capability:candidate:1.0"
CONFIRMED_COMMIT = "urn:ietf:params:netconf:capability:confirmed-commit:1.1"
WRITABLE_RUNNING = "urn:ietf:params:netconf:capability:writable-running:1.0"
# The ietf-netconf module capability lists its enabled features; a device
# without the candidate datastore does not announce the `candidate` feature.
_IETF_NETCONF_MODULE = "urn:ietf:params:xml:ns:netconf:base:1.0?module=ietf-netconf&"
_FILE_17X = re.compile(r"^capability-(?P<platform>[\w.-]+)\.xml$")
_FILE_16X = re.compile(r"^(?P<platform>[\w.-]+)-netconf-capability\.xml$")


@dataclass(frozen=True)
class HeadendIdentity:
    """One simulated headend: its name, software release and hardware platform."""

    name: str
    release: Release
    platform: str = ""
    candidate: bool = False
    confirmed_commit: bool = False

    def __post_init__(self) -> None:
        if not self.platform:
            object.__setattr__(self, "platform", self.release.default_platform)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", self.name):
            raise LabError(f"headend name {self.name!r} must be [A-Za-z0-9_.-]", path="name")
        if self.confirmed_commit and not self.candidate:
            raise LabError(
                "confirmed-commit needs the candidate datastore (RFC 6241 8.4)",
                path="confirmed_commit",
            )


def available_platforms(release: Release, models_dir: Path | None = None) -> list[str]:
    """Platforms whose hello capability list is published for that release."""
    return sorted(_capability_files(release, models_dir))


def capability_file(identity: HeadendIdentity, models_dir: Path | None = None) -> Path:
    files = _capability_files(identity.release, models_dir)
    try:
        return files[identity.platform]
    except KeyError:
        known = ", ".join(sorted(files)) or "none"
        raise LabError(
            f"no published capability list for platform {identity.platform!r} "
            f"in {identity.release.value}; available: {known}",
            path="platform",
        ) from None


def hello_capabilities(identity: HeadendIdentity, models_dir: Path | None = None) -> list[str]:
    """The exact published list, with `:candidate` and `:confirmed-commit` as configured."""
    path = capability_file(identity, models_dir)
    caps = [c for c in _published(path) if c not in (CANDIDATE, CONFIRMED_COMMIT)]
    caps = [_with_candidate_feature(c, identity.candidate) for c in caps]
    if identity.candidate:
        anchor = caps.index(WRITABLE_RUNNING) + 1 if WRITABLE_RUNNING in caps else 2
        caps.insert(anchor, CANDIDATE)
        if identity.confirmed_commit:
            caps.insert(anchor + 1, CONFIRMED_COMMIT)
    return caps


def _with_candidate_feature(uri: str, candidate: bool) -> str:
    if not uri.startswith(_IETF_NETCONF_MODULE):
        return uri
    head, sep, query = uri.partition("?")
    params = [p.split("=", 1) for p in query.split("&")]
    out: list[str] = []
    for pair in params:
        if len(pair) == 2 and pair[0] == "features":
            features = [f for f in pair[1].split(",") if f and f != "candidate"]
            if candidate:
                features.insert(1 if "writable-running" in features else 0, "candidate")
            out.append("features=" + ",".join(features))
        else:
            out.append("=".join(pair))
    return head + sep + "&".join(out)


def _published(path: Path) -> tuple[str, ...]:
    """The capability URIs of one published hello, in order, once per file version
    (a thousand headends of one release share it)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise LabError(f"cannot read capability list {path}: {exc}", path="platform") from exc
    return _published_cached(path, stamp)


@functools.lru_cache(maxsize=64)
def _published_cached(path: Path, stamp: int) -> tuple[str, ...]:
    try:
        root = parse_xml(path.read_bytes())
    except (OSError, XmlRejected) as exc:
        raise LabError(f"cannot read capability list {path}: {exc}", path="platform") from exc
    caps: list[str] = []
    for element in root.iter(qn(NC, "capability")):
        uri = (element.text or "").strip()
        if uri and uri not in caps:
            caps.append(uri)
    if BASE_10 not in caps:
        raise LabError(f"{path} advertises no {BASE_10}", path="platform")
    return tuple(caps)


def _capability_files(release: Release, models_dir: Path | None) -> dict[str, Path]:
    folder = release_dir(release, models_dir)
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        raise LabError(f"models folder {folder} does not exist", path="release") from None
    if not folder.is_dir():
        raise LabError(f"models folder {folder} does not exist", path="release")
    return dict(_listed(folder, release < Release.V17_3_1, stamp))


@functools.lru_cache(maxsize=64)
def _listed(folder: Path, old_names: bool, stamp: int) -> tuple[tuple[str, Path], ...]:
    """Platform -> capability file of a release folder (listed once per folder version:
    a release folder holds hundreds of modules)."""
    pattern = _FILE_16X if old_names else _FILE_17X
    found: dict[str, Path] = {}
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match:
            found[match.group("platform")] = path
    return tuple(found.items())
