"""DeviceCapabilities against the hello lists Cisco publishes for each release."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.netconf.capabilities import NATIVE_REVISIONS, DeviceCapabilities
from nornir_flexvpn.releases import Release, release_dir, yang_dir

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _hello_files() -> list[Path]:
    return sorted(
        [*yang_dir().glob("*/capability-*.xml"), *yang_dir().glob("*/*-netconf-capability.xml")]
    )


def _uris(path: Path) -> list[str]:
    root = etree.parse(str(path), _PARSER).getroot()
    return [str(e.text) for e in root.iter(qn(NC, "capability")) if e.text]


def _caps(release: Release, platform: str) -> DeviceCapabilities:
    folder = release_dir(release)
    candidates = [
        folder / f"capability-{platform}.xml",
        folder / f"{platform}-netconf-capability.xml",
    ]
    return DeviceCapabilities.parse(_uris(next(p for p in candidates if p.exists())))


def test_native_revision_table_matches_the_published_models() -> None:
    newest = {}
    for release in Release:
        text = (release_dir(release) / "Cisco-IOS-XE-native.yang").read_text(encoding="utf-8")
        match = re.search(r"^\s*revision\s+\"?(\d{4}-\d{2}-\d{2})", text, re.MULTILINE)
        assert match, release
        newest[match.group(1)] = release
    assert dict(NATIVE_REVISIONS) == newest


@pytest.mark.parametrize("path", _hello_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_published_hello_guesses_its_own_release(path: Path) -> None:
    guess = DeviceCapabilities.parse(_uris(path)).release_guess
    assert guess is not None
    assert guess.release is Release.parse(path.parent.name)


def test_csr1k_16_9_1() -> None:
    caps = _caps(Release.V16_9_1, "csr1k")
    assert caps.base11 and caps.writable_running and caps.rollback_on_error
    assert caps.validate and caps.validate_test_only and caps.xpath
    assert not caps.candidate and not caps.confirmed_commit and not caps.startup
    assert caps.with_defaults is not None and caps.with_defaults.basic_mode == "explicit"
    assert caps.with_defaults.modes == {"explicit", "report-all-tagged"}
    assert caps.cisco_ia
    assert not caps.cli_rpc and not caps.crypto_oper and not caps.pki_import_rpc
    assert caps.native_revision == "2018-05-22"
    guess = caps.release_guess
    assert guess is not None and guess.exact and guess.release is Release.V16_9_1
    assert "Cisco-IOS-XE-native revision 2018-05-22" in guess.evidence


def test_c8000v_17_9_1_has_the_17x_rpcs() -> None:
    caps = _caps(Release.V17_9_1, "c8000v")
    assert caps.cli_rpc and caps.crypto_oper and caps.pki_import_rpc and caps.cisco_ia
    assert caps.modules["Cisco-IOS-XE-cli-rpc"] == "2022-07-01"


def test_c8000v_17_15_1_hello_alone_is_short_and_yang_library_completes_it() -> None:
    caps = _caps(Release.V17_15_1, "c8000v")
    assert caps.yang_library and caps.candidate
    # The 17.12+ hello lists no Cisco-IOS-XE module: features are unknown...
    assert not caps.cli_rpc and not caps.crypto_oper and caps.native_revision is None
    guess = caps.release_guess
    assert guess is not None and guess.release is Release.V17_15_1 and not guess.exact
    # ...until the yang-library module list (what the device serves) is merged.
    library = etree.parse(
        str(release_dir(Release.V17_15_1) / "yang-set-c8000v.xml"), _PARSER
    ).getroot()
    full = caps.with_yang_library(library)
    assert full.cli_rpc and full.crypto_oper and full.pki_import_rpc
    assert "Cisco-IOS-XE-crypto-rpc" in full.submodules
    assert full.native_revision == "2024-07-01"
    guess = full.release_guess
    assert guess is not None and guess.exact and guess.release is Release.V17_15_1
    # The hello's own entries win over the library's.
    assert full.modules["cisco-ia"] == caps.modules["cisco-ia"]


def test_native_revision_between_releases_maps_to_the_one_below() -> None:
    native = "http://cisco.com/ns/yang/Cisco-IOS-XE-native?module=Cisco-IOS-XE-native"
    between = DeviceCapabilities.parse([f"{native}&revision=2024-03-01"]).release_guess
    assert between is not None and between.release is Release.V17_12_1 and not between.exact
    assert DeviceCapabilities.parse([f"{native}&revision=2017-01-01"]).release_guess is None


def test_protocol_capabilities_and_duplicates() -> None:
    caps = DeviceCapabilities.parse(
        [
            "urn:ietf:params:netconf:base:1.0",
            "urn:ietf:params:netconf:base:1.0",
            "urn:ietf:params:netconf:capability:candidate:1.0",
            "urn:ietf:params:netconf:capability:confirmed-commit:1.1",
            "urn:ietf:params:netconf:capability:validate:1.0",
            "  ",
        ]
    )
    assert caps.uris == (
        "urn:ietf:params:netconf:base:1.0",
        "urn:ietf:params:netconf:capability:candidate:1.0",
        "urn:ietf:params:netconf:capability:confirmed-commit:1.1",
        "urn:ietf:params:netconf:capability:validate:1.0",
    )
    assert caps.candidate and caps.confirmed_commit and caps.validate
    assert not caps.validate_test_only and not caps.base11 and not caps.writable_running
    assert caps.with_defaults is None and caps.modules == {}
    assert caps.release_guess is None


def test_module_without_revision() -> None:
    caps = DeviceCapabilities.parse(["http://cisco.com/yang/cisco-ia?module=cisco-ia"])
    assert caps.modules == {"cisco-ia": None}
    assert caps.cisco_ia and caps.release_guess is None
