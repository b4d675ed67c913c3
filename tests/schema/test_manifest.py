"""yang/<release>.json: generated from the models, checked in, in step with the models."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release, release_dir
from nornir_flexvpn.schema.manifest import (
    MANIFEST_MODULES,
    build_manifest,
    load_manifest,
    manifest_drift,
    manifest_path,
    write_manifest,
)

ROOT = Path(__file__).resolve().parents[2] / "yang"
_REVISION = re.compile(r"^\s*revision\s+[\"']?(\d{4}-\d{2}-\d{2})", re.MULTILINE)
_NAMESPACE = re.compile(r"^\s*namespace\s+[\"']([^\"']+)", re.MULTILINE)


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_checked_in_manifest_matches_model_files(release: Release) -> None:
    manifest = json.loads(manifest_path(release, ROOT).read_text(encoding="utf-8"))
    assert manifest["release"] == release.value
    folder = release_dir(release)
    listed = set(manifest["modules"]) | set(manifest["absent"])
    assert listed == {name for name, _ in MANIFEST_MODULES}
    for name, entry in manifest["modules"].items():
        text = (folder / f"{name}.yang").read_text(encoding="utf-8")
        first = _REVISION.search(text)
        assert first is not None and entry["revision"] == first.group(1), name
        namespace = _NAMESPACE.search(text)
        if namespace is not None:  # submodules have none: they carry their parent's
            assert entry["namespace"] == namespace.group(1), name
    for name in manifest["absent"]:
        assert not (folder / f"{name}.yang").exists(), name
    assert manifest_drift(release, ROOT) == []


def test_manifest_knows_release_differences() -> None:
    old = load_manifest(Release.V16_9_1, ROOT)
    assert "Cisco-IOS-XE-crypto-oper" in old["absent"]
    assert "Cisco-IOS-XE-cli-rpc" in old["absent"]
    new = load_manifest(Release.V17_18_1, ROOT)
    assert new["absent"] == []
    assert new["modules"]["Cisco-IOS-XE-crypto-rpc"]["submodule-of"] == "Cisco-IOS-XE-rpc"
    assert old["repaired"] == sorted(old["repaired"]) and "Cisco-IOS-XE-aaa" in old["repaired"]


def test_drift_is_reported(tmp_path: Path) -> None:
    release = Release.V17_12_1
    path = write_manifest(release, tmp_path)
    assert manifest_drift(release, tmp_path) == []
    data = json.loads(path.read_text(encoding="utf-8"))
    data["modules"]["Cisco-IOS-XE-crypto"]["revision"] = "1999-01-01"
    path.write_text(json.dumps(data), encoding="utf-8")
    [line] = manifest_drift(release, tmp_path)
    assert line.startswith("Cisco-IOS-XE-crypto:") and "1999-01-01" in line


def test_missing_manifest_is_a_schema_error(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as info:
        load_manifest(Release.V17_12_1, tmp_path)
    assert str(tmp_path) in str(info.value)


def test_build_is_deterministic() -> None:
    assert build_manifest(Release.V17_9_1) == build_manifest(Release.V17_9_1)
