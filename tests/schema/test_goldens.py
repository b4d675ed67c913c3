"""The checked-in payload goldens validate against their own release's models."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema import validate_config

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _goldens() -> list[tuple[Release, Path]]:
    found = []
    for path in sorted(PAYLOADS.glob("*/*.xml")):
        found.append((Release.parse(path.parent.name), path))
    return found


def test_every_golden_validates_on_its_release() -> None:
    goldens = _goldens()
    assert goldens, f"no goldens under {PAYLOADS}"
    for release, path in goldens:
        data = etree.parse(str(path), parser=_PARSER).getroot()
        assert validate_config(release, data) == [], path


def test_newest_golden_names_the_first_difference_on_older_releases() -> None:
    newest = [p for r, p in _goldens() if r is Release.V17_18_1]
    assert newest
    data = etree.parse(str(newest[0]), parser=_PARSER).getroot()
    issue = validate_config(Release.V16_9_1, data)[0]
    assert issue.path.startswith("/Cisco-IOS-XE-native:native/")
    # The line is the golden file's own line of the offending element.
    assert issue.line is not None
    lines = newest[0].read_text(encoding="utf-8").splitlines()
    element = re.search(r'Node "([^"]+)" not found', issue.message)
    assert element is not None, issue.message
    assert f"<{element.group(1)}" in lines[issue.line - 1]
