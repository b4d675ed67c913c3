"""Goldens (payloads/<release>/<host>.*) and cases (tests/payload/cases/*) match the builders."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_flexvpn.intent.lint import lint
from nornir_flexvpn.intent.loader import load_hosts
from nornir_flexvpn.intent.secrets import DEMO_SECRET
from nornir_flexvpn.payload.goldens import (
    CLI_SUFFIX,
    XML_SUFFIX,
    case_golden_path,
    case_intent,
    cli_items_text,
    golden_payload,
    xml_text,
)
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema import validate_config

from .payload_support import strict_parse

ROOT = Path(__file__).resolve().parents[2]
GOLDENS = sorted((ROOT / "payloads").glob(f"*/*{XML_SUFFIX}"))
CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
SEED_HOSTS = load_hosts(ROOT / "inventory" / "seed")


def test_goldens_cover_every_release_and_seed_host() -> None:
    found = {(p.parent.name, p.name.removesuffix(XML_SUFFIX)) for p in GOLDENS}
    assert found == {(r.value, h) for r in Release for h in SEED_HOSTS}


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_matches(golden: Path) -> None:
    release = Release.parse(golden.parent.name)
    host = golden.name.removesuffix(XML_SUFFIX)
    payload = golden_payload(SEED_HOSTS[host].intent, release)
    text = golden.read_text(encoding="utf-8")
    assert xml_text(payload.config) == text
    cli = golden.with_name(f"{host}{CLI_SUFFIX}").read_text(encoding="utf-8")
    assert cli_items_text(payload.cli) == cli
    assert DEMO_SECRET not in text
    strict_parse(text)  # well-formed as stored


def test_golden_cli_file_of_16_9_1_lists_its_items() -> None:
    text = (ROOT / "payloads" / "16.9.1" / f"seed-headend{CLI_SUFFIX}").read_text(encoding="utf-8")
    assert text.count("\n! ") + text.startswith("! ") == 6
    assert "interface Virtual-Template100 type tunnel\n ip nat inside\n" in text


def test_cases_exist() -> None:
    names = {c.stem for c in CASES}
    assert {"no_split_tunnel", "smart_defaults", "scrypt_users", "two_pools", "no_nat"} <= names


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case_matches_and_validates(case: Path, release: Release) -> None:
    intent = case_intent(case)
    payload = golden_payload(intent, release)
    assert xml_text(payload.config) == case_golden_path(case, release).read_text(encoding="utf-8")
    assert validate_config(release, payload.config) == []
    assert [f for f in lint(intent, release) if f.severity == "error"] == []
