"""Repairs of the published modules: each applies, is data, and is noticed when stale."""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release, release_dir
from nornir_flexvpn.schema.repair import (
    REPAIRS,
    Repair,
    repair_text,
    repaired_dir,
    repairs_for,
)

ALL = list(Release)


def test_readme_defects_are_all_covered() -> None:
    covered = {(r.module, rel) for r in REPAIRS for rel in r.releases}
    expected = {
        ("Cisco-IOS-XE-mpls", Release.V16_9_1),
        ("Cisco-IOS-XE-aaa", Release.V16_9_1),
        ("Cisco-IOS-XE-nat", Release.V16_9_1),
        ("Cisco-IOS-XE-route-map", Release.V16_9_1),
        ("Cisco-IOS-XE-vlan", Release.V16_9_1),
        ("Cisco-IOS-XE-acl", Release.V16_9_1),
        ("Cisco-IOS-XE-acl", Release.V17_9_1),
        ("Cisco-IOS-XE-crypto", Release.V17_3_1),
        ("Cisco-IOS-XE-crypto", Release.V17_9_1),
    }
    assert expected <= covered


@pytest.mark.parametrize(
    ("release", "repair"),
    [(rel, rep) for rep in REPAIRS for rel in sorted(rep.releases)],
    ids=lambda v: v.value if isinstance(v, Release) else v.module,
)
def test_each_repair_applies_to_the_published_text(release: Release, repair: Repair) -> None:
    source = release_dir(release) / f"{repair.module}.yang"
    text = source.read_text(encoding="utf-8")
    assert re.search(repair.pattern, text, flags=re.MULTILINE), "defect no longer published"
    repaired = repair.apply(text, release=release)
    assert repaired != text
    # Applied everywhere: nothing left for the pattern to find.
    assert not re.search(repair.pattern, repaired, flags=re.MULTILINE)


def test_acl_quantifier_becomes_explicit() -> None:
    text = (release_dir(Release.V17_9_1) / "Cisco-IOS-XE-acl.yang").read_text(encoding="utf-8")
    repaired = repair_text(Release.V17_9_1, "Cisco-IOS-XE-acl", text)
    assert "{,3}" not in repaired
    assert "[0-9A-F]{0,3}" in repaired


def test_policy_proposal_must_compares_the_key() -> None:
    for release in (Release.V17_3_1, Release.V17_9_1):
        path = release_dir(release) / "Cisco-IOS-XE-crypto.yang"
        repaired = repair_text(release, "Cisco-IOS-XE-crypto", path.read_text(encoding="utf-8"))
        assert "ikev2/proposal[name=current()/proposals]" in repaired


def test_missing_target_is_an_error_naming_module_and_release() -> None:
    repair = next(r for r in REPAIRS if r.module == "Cisco-IOS-XE-mpls")
    with pytest.raises(SchemaError) as info:
        repair.apply("module Cisco-IOS-XE-mpls { }", release=Release.V16_9_1)
    assert "Cisco-IOS-XE-mpls" in str(info.value)
    assert "16.9.1" in str(info.value)


def test_releases_without_repairs_get_none() -> None:
    assert repairs_for(Release.V17_12_1) == []
    assert repairs_for(Release.V17_18_1) == []


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("FLEXVPN_CACHE_DIR", str(cache))
    return cache


def test_repaired_dir_links_untouched_and_rewrites_repaired(fresh_cache: Path) -> None:
    folder = repaired_dir(Release.V16_9_1)
    assert folder.is_relative_to(fresh_cache)
    source = release_dir(Release.V16_9_1)
    native = folder / "Cisco-IOS-XE-native.yang"
    assert native.is_symlink()
    assert native.resolve() == (source / "Cisco-IOS-XE-native.yang").resolve()
    aaa = folder / "Cisco-IOS-XE-aaa.yang"
    assert not aaa.is_symlink()
    assert aaa.read_text(encoding="utf-8") != (source / "Cisco-IOS-XE-aaa.yang").read_text(
        encoding="utf-8"
    )
    # The published file keeps its defect: it was never edited.
    assert re.search(r"\\\n", (source / "Cisco-IOS-XE-aaa.yang").read_text(encoding="utf-8"))
    # Every published module is there, nothing from subfolders.
    published = {p.name for p in source.glob("*.yang")}
    assert {p.name for p in folder.glob("*.yang")} == published


def test_repaired_dir_skips_subfolders(fresh_cache: Path) -> None:
    folder = repaired_dir(Release.V17_9_1)
    assert (release_dir(Release.V17_9_1) / "YANG_1.1").is_dir()
    assert not (folder / "YANG_1.1").exists()
    assert all(not p.is_dir() for p in folder.iterdir())


def test_repaired_dir_is_reused(fresh_cache: Path) -> None:
    first = repaired_dir(Release.V17_3_1)
    marker = next(first.glob(".complete*"))
    stamp = marker.stat().st_mtime_ns
    assert repaired_dir(Release.V17_3_1) == first
    assert marker.stat().st_mtime_ns == stamp
    assert len([p for p in (fresh_cache / "yang").iterdir() if p.name.startswith("1731-")]) == 1


def test_repaired_dir_survives_thread_races(fresh_cache: Path) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: repaired_dir(Release.V17_9_1), range(12)))
    assert len(set(results)) == 1
    leftovers = [p for p in (fresh_cache / "yang").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def _materialise(cache: str) -> str:
    os.environ["FLEXVPN_CACHE_DIR"] = cache
    return str(repaired_dir(Release.V16_9_1))


def test_repaired_dir_survives_process_races(fresh_cache: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        results = pool.map(_materialise, [str(fresh_cache)] * 6)
    assert len(set(results)) == 1
    folder = Path(results[0])
    assert (folder / "Cisco-IOS-XE-aaa.yang").is_file()
    leftovers = [p for p in (fresh_cache / "yang").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_missing_models_dir_raises_schema_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(SchemaError) as info:
        repaired_dir(Release.V17_15_1, missing)
    assert str(missing) in str(info.value)


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_every_repair_target_module_is_published(release: Release) -> None:
    for repair in repairs_for(release):
        assert (release_dir(release) / f"{repair.module}.yang").is_file()
