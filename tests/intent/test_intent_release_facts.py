"""The stored release facts are what the YANG models say."""

from __future__ import annotations

import json

import pytest

from nornir_flexvpn.intent.release_facts import FACTS_FILE, NAME_LEAVES, extract_facts
from nornir_flexvpn.releases import Release, release_dir


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_stored_facts_match_models(release: Release) -> None:
    assert release_dir(release).is_dir(), f"models missing: {release_dir(release)}"
    stored = json.loads(FACTS_FILE.read_text(encoding="utf-8"))[release.value]
    assert extract_facts(release) == stored


def test_every_name_leaf_path_exists_somewhere() -> None:
    stored = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    for field in NAME_LEAVES:
        assert any(field in facts["name_max_length"] for facts in stored.values()), field
