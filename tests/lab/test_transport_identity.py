"""Hello capability lists come from Cisco's published per-platform files."""

from __future__ import annotations

import re

import pytest

from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.identity import (
    BASE_10,
    BASE_11,
    CANDIDATE,
    CONFIRMED_COMMIT,
    HeadendIdentity,
    available_platforms,
    capability_file,
    hello_capabilities,
)
from nornir_flexvpn.releases import Release, release_dir


def _published(path_text: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<capability>(.*?)</capability>", path_text, re.S)]


@pytest.mark.parametrize("release", list(Release))
def test_default_platform_list_is_the_published_one(release: Release) -> None:
    identity = HeadendIdentity("h", release, candidate=True)
    published = [c.replace("&amp;", "&") for c in _published(capability_file(identity).read_text())]
    caps = hello_capabilities(identity)
    assert identity.platform == ("csr1k" if release < Release.V17_9_1 else "c8000v")
    assert caps[:2] == [BASE_10, BASE_11]
    assert CANDIDATE in caps
    assert CONFIRMED_COMMIT not in caps  # no IOS-XE list has it
    assert set(caps) - {CANDIDATE} == set(published) - {CANDIDATE}


def test_16_9_1_reads_the_old_file_name_and_gains_candidate_only_on_request() -> None:
    plain = HeadendIdentity("h", Release.V16_9_1)
    assert capability_file(plain).name == "csr1k-netconf-capability.xml"
    caps = hello_capabilities(plain)
    assert CANDIDATE not in caps
    assert len(caps) == 442
    with_candidate = hello_capabilities(HeadendIdentity("h", Release.V16_9_1, candidate=True))
    assert with_candidate == [*caps[:3], CANDIDATE, *caps[3:]]


def test_without_candidate_the_capability_and_the_module_feature_are_gone() -> None:
    caps = hello_capabilities(HeadendIdentity("h", Release.V17_15_1))
    assert CANDIDATE not in caps
    module = next(c for c in caps if "module=ietf-netconf&" in c)
    assert module.endswith("features=writable-running,rollback-on-error,validate,xpath")
    multi_line = "urn:ietf:params:netconf:capability:notification:1.1"
    assert multi_line in caps  # published with surrounding whitespace


def test_confirmed_commit_is_standards_mode_only() -> None:
    caps = hello_capabilities(
        HeadendIdentity("h", Release.V17_15_1, candidate=True, confirmed_commit=True)
    )
    assert caps.index(CONFIRMED_COMMIT) == caps.index(CANDIDATE) + 1
    with pytest.raises(LabError, match="candidate"):
        HeadendIdentity("h", Release.V17_15_1, confirmed_commit=True)


def test_unknown_platform_names_the_available_ones() -> None:
    with pytest.raises(LabError) as caught:
        hello_capabilities(HeadendIdentity("h", Release.V17_15_1, platform="csr1k"))
    assert caught.value.path == "platform"
    assert "c8000v" in str(caught.value) and "asr1k" in str(caught.value)
    assert "csr1k" in available_platforms(Release.V17_3_1)
    assert "c8000v" not in available_platforms(Release.V17_3_1)


def test_every_published_platform_loads() -> None:
    for release in Release:
        for platform in available_platforms(release):
            caps = hello_capabilities(HeadendIdentity("h", release, platform))
            assert BASE_10 in caps, (release, platform)
    assert release_dir(Release.V17_15_1).is_dir()


def test_bad_headend_name_is_refused() -> None:
    with pytest.raises(LabError, match="name"):
        HeadendIdentity("a b", Release.V17_15_1)
