"""cli_diff: block-aware IOS line diffs between two native configurations."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from nornir_flexvpn.lab.baseline import baseline_config
from nornir_flexvpn.namespaces import CRYPTO, NATIVE, NC
from nornir_flexvpn.payload.cli_diff import cli_diff
from nornir_flexvpn.payload.render_cli import render_cli
from nornir_flexvpn.releases import Release

from .test_render_cli import AUTHZ, PROFILE, parse, seed_native

NS = {"nc": NC, "ios": NATIVE, "c": CRYPTO}


def seed(release: Release = Release.V17_15_1) -> etree._Element:
    return parse(seed_native(release))


def one(tree: etree._Element, xpath: str) -> etree._Element:
    found = tree.xpath(xpath, namespaces=NS)
    assert isinstance(found, list) and len(found) == 1
    node: object = found[0]
    assert isinstance(node, etree._Element)
    return node


def test_equivalent_configs_give_no_diff() -> None:
    assert cli_diff(seed(), seed()) == []
    assert cli_diff(None, None) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [(Release.V17_9_1, Release.V17_18_1), (Release.V17_3_1, Release.V17_12_1)],
    ids=lambda r: r.value,
)
def test_release_shapes_of_the_same_config_are_equivalent(a: Release, b: Release) -> None:
    assert cli_diff(seed(a), seed(b)) == []


def test_what_16_9_1_cannot_carry_shows_as_additions_in_context() -> None:
    diff = cli_diff(seed(Release.V16_9_1), seed(Release.V17_15_1))
    assert diff == [
        "  " + AUTHZ,
        "+  pool ACPOOL",
        "+  dns 10.0.1.1",
        "+  route set access-list split_tunnel",
        "  " + PROFILE,
        "+  anyconnect profile acvpn",
        "  interface Virtual-Template100 type tunnel",
        "+  tunnel protection ipsec profile AnyConnect-EAP",
    ]


def test_from_nothing_everything_is_added_and_back() -> None:
    text = render_cli(seed())
    assert cli_diff(None, seed()) == ["+ " + line for line in text.splitlines()]
    assert cli_diff(seed(), None) == ["- " + line for line in text.splitlines()]


def test_changed_mode_line_shows_its_parent_as_context() -> None:
    after = seed()
    one(after, "//c:ikev2/c:profile/c:virtual-template/c:number").text = "200"
    assert cli_diff(seed(), after) == [
        "  " + PROFILE,
        "-  virtual-template 100",
        "+  virtual-template 200",
    ]


def test_removed_and_added_top_level_lines() -> None:
    after = seed()
    pool = one(after, "//ios:ip/ios:local")
    pool.getparent().remove(pool)  # type: ignore[union-attr]
    user = etree.SubElement(one(after, "/nc:config/ios:native"), f"{{{NATIVE}}}username")
    etree.SubElement(user, f"{{{NATIVE}}}name").text = "second"
    assert cli_diff(seed(), after) == [
        "+ username second",
        "- ip local pool ACPOOL 192.168.10.5 192.168.10.10",
    ]


def test_removed_block_lists_its_lines_at_its_place() -> None:
    after = seed()
    profile = one(after, "//c:ipsec/c:profile")
    profile.getparent().remove(profile)  # type: ignore[union-attr]
    assert cli_diff(seed(), after) == [
        "- crypto ipsec profile AnyConnect-EAP",
        "-  set transform-set TS",
        "-  set ikev2-profile AnyConnect-EAP",
    ]


def test_reordered_xml_is_not_a_change() -> None:
    after = seed()
    native = one(after, "/nc:config/ios:native")
    children = list(native)
    for child in children:
        native.remove(child)
    for child in reversed(children):
        native.append(child)
    assert cli_diff(seed(), after) == []


def test_plan_against_a_fresh_router() -> None:
    release = Release.V17_15_1
    device = etree.Element(f"{{{NC}}}data")
    for node in baseline_config(release, "hub1"):
        device.append(node)
    diff = cli_diff(device, seed(release), release)
    assert "- ip http server" in diff and "+ no ip http server" in diff
    assert "- hostname hub1" in diff  # the payload does not carry it
    assert "- ! unrendered: /netconf-yang" in diff
    assert "+ crypto ikev2 profile AnyConnect-EAP" in diff
    interface = diff.index("  interface GigabitEthernet1")
    assert diff[interface + 1 : interface + 3] == [
        "-  ip address 198.51.100.2 255.255.255.0",
        "+  ip nat outside",
    ]
    unchanged = copy.deepcopy(device)
    assert cli_diff(device, unchanged) == []
