"""What a headend says it can do: its <hello> capabilities, typed.

IOS-XE 16.x lists every module in the hello; from 17.12 on the hello holds
only a few hundred non-IOS-XE modules and the rest is in ietf-yang-library,
so `with_yang_library` merges a modules-state / yang-library reply in. The
release guess reads the `Cisco-IOS-XE-native` revision (one per release);
without it, the advertised module revisions are compared with the published
capability lists of each release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Final
from urllib.parse import parse_qsl

from lxml import etree

from nornir_flexvpn.namespaces import YANG_LIBRARY, qn
from nornir_flexvpn.releases import Release, yang_dir

BASE_10: Final = "urn:ietf:params:netconf:base:1.0"
BASE_11: Final = "urn:ietf:params:netconf:base:1.1"
_CAPABILITY: Final = "urn:ietf:params:netconf:capability:"

NATIVE_MODULE: Final = "Cisco-IOS-XE-native"
CISCO_IA_MODULE: Final = "cisco-ia"
CLI_RPC_MODULE: Final = "Cisco-IOS-XE-cli-rpc"
CRYPTO_OPER_MODULE: Final = "Cisco-IOS-XE-crypto-oper"
XE_RPC_MODULE: Final = "Cisco-IOS-XE-rpc"
CRYPTO_RPC_MODULE: Final = "Cisco-IOS-XE-crypto-rpc"

# The newest `revision` of Cisco-IOS-XE-native in each release's published
# models (tests/netconf/test_capabilities.py re-reads the .yang files to keep
# this in step with /work/shared/yang).
NATIVE_REVISIONS: Final[Mapping[str, Release]] = {
    "2018-05-22": Release.V16_9_1,
    "2020-07-01": Release.V17_3_1,
    "2022-07-01": Release.V17_9_1,
    "2023-07-01": Release.V17_12_1,
    "2024-07-01": Release.V17_15_1,
    "2025-07-01": Release.V17_18_1,
}

# Cisco-IOS-XE-rpc of 17.3.1; 16.9.1's (2018-04-18) has no crypto-rpc submodule,
# and we have no models of the releases in between.
FIRST_RPC_REVISION_WITH_PKI_IMPORT: Final = "2020-07-01"

_MODULE_IN_URI = re.compile(r"[?&]module=([^&\s<]+)(?:&(?:amp;)?revision=([0-9-]+))?")


@dataclass(frozen=True)
class WithDefaults:
    """RFC 6243 support: the basic mode and the other retrieval modes."""

    basic_mode: str
    also_supported: frozenset[str] = frozenset()

    @property
    def modes(self) -> frozenset[str]:
        return self.also_supported | {self.basic_mode}


@dataclass(frozen=True)
class ReleaseGuess:
    """Which supported release the device most likely runs, and why we think so.

    `exact` is True when the evidence names that release (the native model's
    revision is the one it shipped); False for the nearest supported release
    below a native revision we have no models for, or for a fingerprint match.
    """

    release: Release
    exact: bool
    evidence: str


@dataclass(frozen=True)
class DeviceCapabilities:
    """The server's capabilities; `modules` maps module name -> revision (None if unnamed)."""

    uris: tuple[str, ...]
    base11: bool
    candidate: bool
    confirmed_commit: bool
    rollback_on_error: bool
    validate: bool
    validate_test_only: bool
    writable_running: bool
    startup: bool
    xpath: bool
    notification: bool
    with_defaults: WithDefaults | None
    yang_library: bool
    modules: Mapping[str, str | None] = field(default_factory=dict)
    submodules: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, uris: Iterable[str]) -> DeviceCapabilities:
        """Read the capability URIs of a <hello> (order kept, duplicates dropped)."""
        kept = tuple(dict.fromkeys(u.strip() for u in uris if u and u.strip()))
        names: dict[str, str | None] = {}
        protocol: set[str] = set()
        with_defaults: WithDefaults | None = None
        yang_library = False
        for uri in kept:
            base, _, query = uri.partition("?")
            if base.startswith(_CAPABILITY):
                name = base[len(_CAPABILITY) :]
                protocol.add(name)
                if name.startswith("with-defaults:"):
                    with_defaults = _with_defaults(query)
                elif name.startswith("yang-library:"):
                    yang_library = True
                continue
            params = dict(parse_qsl(query, keep_blank_values=True))
            module = params.get("module")
            if module:
                names[module] = params.get("revision") or None
        return cls(
            uris=kept,
            base11=BASE_11 in kept,
            candidate=_has(protocol, "candidate"),
            confirmed_commit=_has(protocol, "confirmed-commit"),
            rollback_on_error=_has(protocol, "rollback-on-error"),
            validate=_has(protocol, "validate"),
            validate_test_only="validate:1.1" in protocol,
            writable_running=_has(protocol, "writable-running"),
            startup=_has(protocol, "startup"),
            xpath=_has(protocol, "xpath"),
            notification=_has(protocol, "notification"),
            with_defaults=with_defaults,
            yang_library=yang_library,
            modules=names,
        )

    def with_yang_library(self, data: etree._Element) -> DeviceCapabilities:
        """Add the modules of an ietf-yang-library reply (modules-state or RFC 8525 form).

        `data` may be the <rpc-reply>, its <data> or the library container;
        modules already named by the hello keep the hello's revision.
        """
        merged: dict[str, str | None] = {}
        submodules = {
            name.strip()
            for sub in data.iter(qn(YANG_LIBRARY, "submodule"))
            if (name := sub.findtext(qn(YANG_LIBRARY, "name")))
        }
        for module in data.iter(qn(YANG_LIBRARY, "module")):
            name = module.findtext(qn(YANG_LIBRARY, "name"))
            if not name:
                continue
            revision = (module.findtext(qn(YANG_LIBRARY, "revision")) or "").strip()
            merged.setdefault(name.strip(), revision or None)
        merged.update(self.modules)
        return replace(self, modules=merged, submodules=self.submodules | submodules)

    def has_module(self, name: str) -> bool:
        return name in self.modules

    @property
    def cisco_ia(self) -> bool:
        """cisco-ia: checkpoint / rollback / revert / save-config RPCs."""
        return self.has_module(CISCO_IA_MODULE)

    @property
    def cli_rpc(self) -> bool:
        """Cisco-IOS-XE-cli-rpc: config-mode CLI lines over NETCONF (17.9.1 on)."""
        return self.has_module(CLI_RPC_MODULE)

    @property
    def crypto_oper(self) -> bool:
        """Cisco-IOS-XE-crypto-oper: IKEv2 / IPsec SA operational data (not in 16.9)."""
        return self.has_module(CRYPTO_OPER_MODULE)

    @property
    def pki_import_rpc(self) -> bool:
        """`crypto pki import ... pkcs12` as an RPC (submodule Cisco-IOS-XE-crypto-rpc of -rpc).

        A hello does not list submodules: without yang-library data, the
        Cisco-IOS-XE-rpc revision must be one known to include it.
        """
        if not self.has_module(XE_RPC_MODULE):
            return False
        if self.submodules:
            return CRYPTO_RPC_MODULE in self.submodules
        revision = self.modules[XE_RPC_MODULE] or ""
        return revision >= FIRST_RPC_REVISION_WITH_PKI_IMPORT

    @property
    def native_revision(self) -> str | None:
        return self.modules.get(NATIVE_MODULE)

    @property
    def release_guess(self) -> ReleaseGuess | None:
        """The supported release this device most likely runs, or None if we cannot tell."""
        revision = self.native_revision
        if revision:
            return _guess_from_native(revision)
        return _guess_from_fingerprint(self.modules)


def _has(protocol: set[str], name: str) -> bool:
    return any(p == name or p.startswith(name + ":") for p in protocol)


def _with_defaults(query: str) -> WithDefaults | None:
    params = dict(parse_qsl(query, keep_blank_values=True))
    basic = params.get("basic-mode")
    if not basic:
        return None
    also = frozenset(m for m in params.get("also-supported", "").split(",") if m)
    return WithDefaults(basic_mode=basic, also_supported=also)


def _guess_from_native(revision: str) -> ReleaseGuess | None:
    exact = NATIVE_REVISIONS.get(revision)
    if exact is not None:
        return ReleaseGuess(exact, True, f"{NATIVE_MODULE} revision {revision}")
    # ISO dates sort as text; a revision between two releases is a release we
    # have no models for, and the one below is the closest we can validate against.
    older = [(rev, rel) for rev, rel in NATIVE_REVISIONS.items() if rev < revision]
    if not older:
        return None
    rev, rel = max(older)
    return ReleaseGuess(
        rel, False, f"{NATIVE_MODULE} revision {revision} is newer than {rel.value}'s {rev}"
    )


def _guess_from_fingerprint(modules: Mapping[str, str | None]) -> ReleaseGuess | None:
    advertised = {(name, rev) for name, rev in modules.items() if rev}
    if not advertised:
        return None
    scores = sorted(
        ((len(advertised & pairs), release) for release, pairs in _published_revisions().items()),
        key=lambda item: item[0],
        reverse=True,
    )
    if not scores or scores[0][0] == 0 or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    best, release = scores[0]
    return ReleaseGuess(
        release,
        False,
        f"{best} of {len(advertised)} advertised module revisions match "
        f"the published {release.value} capability lists",
    )


@lru_cache(maxsize=4)
def _published_revisions_in(folder: Path) -> dict[Release, frozenset[tuple[str, str]]]:
    table: dict[Release, frozenset[tuple[str, str]]] = {}
    for release in Release:
        pairs: set[tuple[str, str]] = set()
        for path in _capability_lists(folder / release.dirname):
            text = path.read_text(encoding="utf-8", errors="replace")
            pairs.update((m, r) for m, r in _MODULE_IN_URI.findall(text) if r)
        if pairs:
            table[release] = frozenset(pairs)
    return table


def _published_revisions() -> dict[Release, frozenset[tuple[str, str]]]:
    return _published_revisions_in(yang_dir())


def _capability_lists(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        [*folder.glob("capability-*.xml"), *folder.glob("*-netconf-capability.xml")],
    )
