"""The shared libyang contexts: what they hold, caching, locking, errors."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release, release_dir, yang_dir
from nornir_flexvpn.schema import validate_config
from nornir_flexvpn.schema.context import (
    HEADEND_MODULES,
    context_lock,
    get_context,
    is_submodule,
    load_modules,
    loaded_modules,
    module_files,
    search_dir,
)

from .samples import seed_like

ALL = list(Release)


def _expected_modules(release: Release) -> list[str]:
    folder = release_dir(release)
    return [
        name
        for name in HEADEND_MODULES
        if (folder / f"{name}.yang").is_file() and not is_submodule(folder / f"{name}.yang")
    ]


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_headend_modules_are_implemented_with_all_features(release: Release) -> None:
    ctx = get_context(release)
    expected = _expected_modules(release)
    assert loaded_modules(release) == expected
    for name in expected:
        module = ctx.get_module(name)
        assert module.implemented(), name
        for feature in module.features():
            assert module.feature_state(feature.name()), f"{name}:{feature.name()}"
    assert "Cisco-IOS-XE-native" in expected and "Cisco-IOS-XE-crypto" in expected


def test_release_differences_are_visible() -> None:
    assert "Cisco-IOS-XE-crypto-oper" not in loaded_modules(Release.V16_9_1)
    assert "Cisco-IOS-XE-cli-rpc" not in loaded_modules(Release.V17_3_1)
    assert "Cisco-IOS-XE-cli-rpc" in loaded_modules(Release.V17_9_1)


def test_context_is_cached_per_release_and_dir() -> None:
    first = get_context(Release.V17_15_1)
    assert get_context(Release.V17_15_1) is first
    # The same folder spelled differently is the same key.
    spelled = Path(str(yang_dir())) / "." / "17151" / ".."
    assert get_context(Release.V17_15_1, spelled) is first
    assert get_context(Release.V17_12_1) is not first
    assert context_lock(Release.V17_15_1) is context_lock(Release.V17_15_1)


def test_concurrent_first_use_builds_one_context() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        contexts = list(pool.map(lambda _: get_context(Release.V17_18_1), range(8)))
    assert all(c is contexts[0] for c in contexts)


def test_missing_models_dir_raises_schema_error_naming_path(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as info:
        get_context(Release.V17_15_1, tmp_path / "no-models")
    assert str(tmp_path / "no-models") in str(info.value)


def test_load_modules_adds_and_rejects_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = Release.V17_12_1
    monkeypatch.setenv("FLEXVPN_CACHE_DIR", str(tmp_path / "cache"))
    # A private context (its own models-dir key): recompiling the shared one
    # would invalidate data trees other tests keep.
    (tmp_path / release.dirname).symlink_to(release_dir(release))
    ctx = get_context(release, tmp_path)
    assert ctx is not get_context(release)
    added = load_modules(release, ["Cisco-IOS-XE-aaa-oper"], tmp_path)
    assert added == ["Cisco-IOS-XE-aaa-oper"]
    assert ctx.get_module("Cisco-IOS-XE-aaa-oper").implemented()
    assert load_modules(release, ["Cisco-IOS-XE-aaa-oper"], tmp_path) == []
    with pytest.raises(SchemaError) as info:
        load_modules(release, ["Cisco-IOS-XE-no-such-module"], tmp_path)
    assert "Cisco-IOS-XE-no-such-module" in str(info.value)
    # The context still works after the refused load.
    assert validate_config(release, seed_like(), models_dir=tmp_path) == []


def test_module_files_matches_published_revisions() -> None:
    release = Release.V17_15_1
    files = module_files(release)
    source = release_dir(release)
    for name in ("Cisco-IOS-XE-native", "Cisco-IOS-XE-crypto", "cisco-ia", "ietf-netconf"):
        revision, path = files[name]
        assert path == source / f"{name}.yang"
        text = path.read_text(encoding="utf-8")
        first = re.search(r"^\s*revision\s+[\"']?(\d{4}-\d{2}-\d{2})", text, re.MULTILINE)
        assert first is not None and revision == first.group(1), name
    # Submodules come too (get-schema serves them): native's and rpc's.
    assert "Cisco-IOS-XE-ip" in files
    assert "Cisco-IOS-XE-crypto-rpc" in files
    # Imports pulled in by the headend set are listed as well.
    assert "Cisco-IOS-XE-types" in files


def test_module_files_repaired_points_into_search_dir() -> None:
    release = Release.V16_9_1
    files = module_files(release, repaired=True)
    revision, path = files["Cisco-IOS-XE-aaa"]
    assert path.parent == search_dir(release)
    assert not path.is_symlink()
    assert revision
