"""Each lint rule: its id, severity, field path and message."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from nornir_flexvpn.errors import LintError, LintFinding
from nornir_flexvpn.intent import lint as rules
from nornir_flexvpn.intent.lint import ensure_clean, lint
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.intent.release_facts import release_facts
from nornir_flexvpn.intent.seed import seed_intent_data
from nornir_flexvpn.releases import Release

R = Release.V17_15_1
Mutation = Callable[[dict[str, Any]], None]


def intent_after(mutate: Mutation) -> FlexVpnIntent:
    data = seed_intent_data()
    mutate(data)
    return FlexVpnIntent.model_validate(data)


def findings_of(intent: FlexVpnIntent, rule: str, release: Release = R) -> list[LintFinding]:
    return [f for f in lint(intent, release) if f.rule == rule]


def test_seed_has_only_the_documented_warnings() -> None:
    for release in Release:
        found = lint(FlexVpnIntent(), release)
        assert {(f.rule, f.severity, f.path) for f in found} == {
            (rules.TYPE0_PASSWORD, "warning", "aaa.users[0].hash"),
            (rules.DEMO_SECRET, "warning", "aaa.users[0].password"),
            (rules.DEMO_SECRET, "warning", "trustpoint.passphrase"),
        }


def test_eap_needs_a_trustpoint() -> None:
    intent = intent_after(lambda d: d["ikev2_profiles"][0].update(trustpoint=None))
    assert findings_of(intent, rules.EAP_NEEDS_CERT) == [
        LintFinding(
            rules.EAP_NEEDS_CERT,
            "error",
            "ikev2_profiles[0].trustpoint",
            "remote anyconnect-eap needs local rsa-sig with a trustpoint "
            "(a CA-signed, not self-signed, certificate)",
        )
    ]


def _set(path: list[str | int], value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (
            _set(["authorization_policies", 0, "pool"], "NOPE"),
            "authorization_policies[0].pool",
            "pool 'NOPE' is not defined (ACPOOL)",
        ),
        (
            _set(["authorization_policies", 0, "route_set_acl"], "x"),
            "authorization_policies[0].route_set_acl",
            "access list 'x' is not defined (NAT, split_tunnel)",
        ),
        (
            _set(["nat", "inside_source", 0, "acl"], "NAT2"),
            "nat.inside_source[0].acl",
            "access list 'NAT2' is not defined (NAT, split_tunnel)",
        ),
        (
            _set(["ipsec_profiles", 0, "transform_set"], "TS2"),
            "ipsec_profiles[0].transform_set",
            "transform set 'TS2' is not defined (TS)",
        ),
        (
            _set(["ipsec_profiles", 0, "ikev2_profile"], "P2"),
            "ipsec_profiles[0].ikev2_profile",
            "IKEv2 profile 'P2' is not defined (AnyConnect-EAP)",
        ),
        (
            _set(["ikev2_profiles", 0, "virtual_template"], 7),
            "ikev2_profiles[0].virtual_template",
            "Virtual-Template 7 is not defined (100)",
        ),
        (
            _set(["ikev2_profiles", 0, "aaa_authentication_anyconnect_eap"], "L"),
            "ikev2_profiles[0].aaa_authentication_anyconnect_eap",
            "AAA login list 'L' is not defined (a-eap-authen-local)",
        ),
        (
            _set(["ikev2_profiles", 0, "aaa_authorization_group", "list"], "N"),
            "ikev2_profiles[0].aaa_authorization_group.list",
            "AAA network list 'N' is not defined (a-eap-author-grp)",
        ),
        (
            _set(["ikev2_profiles", 0, "aaa_authorization_group", "policy"], "AP"),
            "ikev2_profiles[0].aaa_authorization_group.policy",
            "IKEv2 authorization policy 'AP' is not defined (ikev2-auth-policy)",
        ),
        (
            _set(["ikev2_profiles", 0, "anyconnect_profile"], "ac2"),
            "ikev2_profiles[0].anyconnect_profile",
            "AnyConnect profile 'ac2' is not defined (acvpn)",
        ),
        (
            _set(["ikev2_profiles", 0, "trustpoint"], "TP2"),
            "ikev2_profiles[0].trustpoint",
            "trustpoint 'TP2' is not defined (IKEv2-TP)",
        ),
        (
            _set(["policies", 0, "proposals"], ["IKEv2-prop1", "p9"]),
            "policies[0].proposals[1]",
            "IKEv2 proposal 'p9' is not defined (IKEv2-prop1)",
        ),
        (
            _set(["virtual_templates", 0, "unnumbered_loopback"], 5),
            "virtual_templates[0].unnumbered_loopback",
            "Loopback 5 is not defined (100)",
        ),
        (
            _set(["virtual_templates", 0, "ipsec_profile"], "IP"),
            "virtual_templates[0].ipsec_profile",
            "IPsec profile 'IP' is not defined (AnyConnect-EAP)",
        ),
        (
            _set(["trustpoint"], None),
            "ikev2_profiles[0].trustpoint",
            "trustpoint 'IKEv2-TP' is not defined (none defined)",
        ),
    ],
)
def test_every_reference_resolves(mutate: Mutation, path: str, message: str) -> None:
    found = findings_of(intent_after(mutate), rules.UNRESOLVED)
    assert found == [LintFinding(rules.UNRESOLVED, "error", path, message)]


def test_pool_start_after_end() -> None:
    intent = intent_after(_set(["pools", 0, "end"], "192.168.10.1"))
    assert findings_of(intent, rules.POOL_RANGE) == [
        LintFinding(
            rules.POOL_RANGE,
            "error",
            "pools[0].end",
            "pool ACPOOL: end 192.168.10.1 is below start 192.168.10.5",
        )
    ]


def test_pool_overlapping_loopback() -> None:
    intent = intent_after(_set(["loopbacks", 0, "address"], "192.168.10.7"))
    assert findings_of(intent, rules.POOL_LOOPBACK) == [
        LintFinding(
            rules.POOL_LOOPBACK,
            "error",
            "pools[0]",
            "pool ACPOOL (192.168.10.5-192.168.10.10) contains Loopback100 address "
            "192.168.10.7 (loopbacks[0])",
        )
    ]


def test_nat_acl_must_cover_pool() -> None:
    narrow = _set(["acls", 1, "entries", 0, "source"], "192.168.10.0 0.0.0.7")
    assert findings_of(intent_after(narrow), rules.NAT_COVERS_POOL) == [
        LintFinding(
            rules.NAT_COVERS_POOL,
            "warning",
            "pools[0]",
            "NAT access list NAT does not permit pool ACPOOL address 192.168.10.8: "
            "those clients get no translated internet access",
        )
    ]

    # A deny before the permit wins (first match).
    def deny_first(data: dict[str, Any]) -> None:
        data["acls"][1]["entries"].insert(0, {"action": "deny", "source": "host 192.168.10.6"})

    found = findings_of(intent_after(deny_first), rules.NAT_COVERS_POOL)
    assert [f.message.split(": ")[0] for f in found] == [
        "NAT access list NAT does not permit pool ACPOOL address 192.168.10.6"
    ]
    # `any` covers; no NAT at all means nothing to check.
    assert (
        findings_of(
            intent_after(_set(["acls", 1, "entries", 0, "source"], "any")), rules.NAT_COVERS_POOL
        )
        == []
    )
    assert findings_of(intent_after(_set(["nat"], None)), rules.NAT_COVERS_POOL) == []


def test_network_list_name_length_follows_release() -> None:
    name = "n" * 40

    def rename(data: dict[str, Any]) -> None:
        data["aaa"]["authorization_network"][0]["name"] = name
        data["ikev2_profiles"][0]["aaa_authorization_group"]["list"] = name

    intent = intent_after(rename)
    expected = LintFinding(
        rules.NAME_LENGTH,
        "error",
        "aaa.authorization_network[0].name",
        f"AAA network list {name!r} is 40 characters; 16.9.1 accepts at most 31",
    )
    assert findings_of(intent, rules.NAME_LENGTH, Release.V16_9_1) == [expected]
    assert findings_of(intent, rules.NAME_LENGTH, Release.V17_3_1)[0].message.endswith(
        "17.3.1 accepts at most 31"
    )
    for release in (Release.V17_9_1, Release.V17_12_1, Release.V17_15_1, Release.V17_18_1):
        assert findings_of(intent, rules.NAME_LENGTH, release) == []


def test_login_list_limit_is_31_everywhere() -> None:
    intent = intent_after(_set(["aaa", "authentication_login", 0, "name"], "x" * 32))
    for release in Release:
        (found,) = findings_of(intent, rules.NAME_LENGTH, release)
        assert found.path == "aaa.authentication_login[0].name"
        assert found.message.endswith(f"{release.value} accepts at most 31")


def test_algorithms_must_exist_in_the_release_model() -> None:
    facts = dataclasses.replace(
        release_facts(R),
        ikev2_encryption=frozenset({"aes-cbc-128"}),
        ikev2_integrity=frozenset({"sha1"}),
        ikev2_dh_groups=frozenset({2, 5}),
        esp_encryption=frozenset({"esp-3des"}),
        esp_integrity=frozenset({"esp-sha-hmac"}),
        esp_key_bits=frozenset({128}),
    )
    found = [f for f in lint(FlexVpnIntent(), R, facts=facts) if f.rule == rules.ALGORITHM]
    assert [(f.path, f.message) for f in found] == [
        (
            "proposals[0].encryption[0]",
            "IKEv2 encryption aes-cbc-256 is not offered by 17.15.1 (offered: aes-cbc-128)",
        ),
        (
            "proposals[0].integrity[0]",
            "IKEv2 integrity sha256 is not offered by 17.15.1 (offered: sha1)",
        ),
        ("proposals[0].group[0]", "DH group 14 is not offered by 17.15.1 (offered: 2, 5)"),
        (
            "transform_sets[0].encryption",
            "ESP encryption esp-aes is not offered by 17.15.1 (offered: esp-3des)",
        ),
        ("transform_sets[0].key_bits", "ESP key size 256 is not offered by 17.15.1 (offered: 128)"),
        (
            "transform_sets[0].integrity",
            "ESP integrity esp-sha256-hmac is not offered by 17.15.1 (offered: esp-sha-hmac)",
        ),
    ]


def test_models_offer_every_algorithm_the_intent_can_name() -> None:
    # The intent's Literals are a subset of every release's crypto model.
    for release in Release:
        facts = release_facts(release)
        assert {
            "aes-cbc-128",
            "aes-cbc-192",
            "aes-cbc-256",
            "aes-gcm-128",
            "aes-gcm-256",
        } <= facts.ikev2_encryption
        assert {1, 2, 5, 14, 15, 16, 19, 20, 21, 24} == facts.ikev2_dh_groups
        assert {"esp-aes", "esp-gcm", "esp-3des"} <= facts.esp_encryption


def test_duplicate_names() -> None:
    def dup(data: dict[str, Any]) -> None:
        data["transform_sets"].append(dict(data["transform_sets"][0]))
        data["acls"].append(
            {"kind": "extended", "name": "split_tunnel", "entries": [{"source": "any"}]}
        )
        data["loopbacks"].append({"number": 100, "address": "10.9.9.9"})

    found = findings_of(intent_after(dup), rules.DUPLICATE)
    assert [(f.severity, f.path, f.message) for f in found] == [
        (
            "error",
            "transform_sets[1].name",
            "transform_sets entry 'TS' is defined twice (first at transform_sets[0].name)",
        ),
        (
            "error",
            "acls[2].name",
            "acls entry 'split_tunnel' is defined twice (first at acls[0].name)",
        ),
        (
            "error",
            "loopbacks[1].number",
            "loopbacks entry 100 is defined twice (first at loopbacks[0].number)",
        ),
    ]


def test_type0_password_warning_and_scrypt_silences_it() -> None:
    (found,) = findings_of(FlexVpnIntent(), rules.TYPE0_PASSWORD)
    assert found.message == (
        "user test is sent as a type-0 (clear text) password; set `hash: scrypt` to send only "
        "a type-9 hash"
    )
    hashed = intent_after(_set(["aaa", "users", 0, "hash"], "scrypt"))
    assert findings_of(hashed, rules.TYPE0_PASSWORD) == []


def test_demo_secret_warning() -> None:
    found = findings_of(FlexVpnIntent(), rules.DEMO_SECRET)
    assert found[0].message == (
        "falls back to the document's public demo value when env:FLEXVPN_USER_TEST_PASSWORD is "
        "not set; remove `demo: true` outside labs"
    )
    no_demo = intent_after(_set(["aaa", "users", 0, "password"], "file:pw.txt"))
    assert [f.path for f in findings_of(no_demo, rules.DEMO_SECRET)] == ["trustpoint.passphrase"]


def test_ensure_clean() -> None:
    warnings = ensure_clean(FlexVpnIntent(), R)
    assert all(f.severity == "warning" for f in warnings) and len(warnings) == 3
    broken = intent_after(_set(["pools", 0, "end"], "192.168.10.1"))
    with pytest.raises(LintError) as caught:
        ensure_clean(broken, R)
    assert caught.value.path == "pools[0].end"
    assert (
        str(caught.value)
        == "pools[0].end: pool ACPOOL: end 192.168.10.1 is below start 192.168.10.5"
    )
    assert any(f.severity == "warning" for f in caught.value.findings)
