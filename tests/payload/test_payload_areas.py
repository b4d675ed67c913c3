"""Each area's XML per release, on the nodes where the releases' models differ."""

from __future__ import annotations

from typing import Any

import pytest

from nornir_flexvpn.errors import PayloadError
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.payload.aaa import build_aaa
from nornir_flexvpn.payload.anyconnect import build_anyconnect_profiles
from nornir_flexvpn.payload.authorization_policy import build_authorization_policies
from nornir_flexvpn.payload.interfaces import split_interface
from nornir_flexvpn.payload.nat import build_nat
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema import validate_config

from .payload_support import OLDEST, SEED, X, build, native, seed_with, texts, xp

ALL = list(Release)
ids = [r.value for r in ALL]
PROFILE = "n:crypto/c:ikev2/c:profile[c:name='AnyConnect-EAP']"
VT = "n:interface/n:Virtual-Template[n:name='100']"


# --- 1. AAA ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_aaa_lists_and_type0_user(release: Release) -> None:
    root = native(build(release))
    assert xp(root, "n:aaa/aaa:new-model")
    login = "n:aaa/aaa:authentication/aaa:login[aaa:name='a-eap-authen-local']/aaa:a1/aaa:local"
    assert xp(root, login)
    network = "n:aaa/aaa:authorization/aaa:network[aaa:id='a-eap-author-grp']/aaa:a1/aaa:local"
    assert xp(root, network)
    assert texts(root, "n:username[n:name='test']/n:password/n:encryption") == ["0"]
    assert texts(root, "n:username[n:name='test']/n:password/n:password") == ["pw-test"]
    assert not xp(root, "n:username/n:secret")


def _users(**user: Any) -> dict[str, Any]:
    base = {"name": "alice", "password": {"env": "X_PW", "demo": True}}
    return {"users": [{**base, **user}]}


def test_scrypt_user_has_only_a_type9_secret() -> None:
    intent = seed_with(aaa=_users(hash="scrypt", privilege=15))
    root = native(build(Release.V17_15_1, intent))
    assert texts(root, "n:username[n:name='alice']/n:secret/n:encryption") == ["9"]
    assert texts(root, "n:username[n:name='alice']/n:secret/n:secret") == ["$9$alice-hash"]
    assert texts(root, "n:username[n:name='alice']/n:privilege") == ["15"]
    assert not xp(root, "n:username/n:password")


def test_aaa_method_order_fills_slots() -> None:
    intent = seed_with(
        aaa={"authentication_login": [{"name": "L", "methods": ["local-case", "none"]}]}
    )
    root = native(build(Release.V17_15_1, intent))
    assert xp(root, "n:aaa/aaa:authentication/aaa:login[aaa:name='L']/aaa:a1/aaa:local-case")
    assert xp(root, "n:aaa/aaa:authentication/aaa:login[aaa:name='L']/aaa:a2/aaa:none")


def test_aaa_method_the_list_does_not_offer_names_the_field() -> None:
    intent = seed_with(aaa={"authorization_network": [{"name": "N", "methods": ["local-case"]}]})
    with pytest.raises(PayloadError) as info:
        build_aaa(intent.aaa, Release.V17_15_1, _NoSecrets())
    assert info.value.path == "aaa.authorization_network[0].methods[0]"


def test_aaa_more_methods_than_slots() -> None:
    intent = seed_with(aaa={"authentication_login": [{"name": "L", "methods": ["local"] * 5}]})
    with pytest.raises(PayloadError) as info:
        build_aaa(intent.aaa, Release.V17_15_1, _NoSecrets())
    assert info.value.path == "aaa.authentication_login[0].methods"


class _NoSecrets:
    def user_password(self, name: str) -> str:
        raise AssertionError("not reached")

    def user_secret9(self, name: str) -> str:
        raise AssertionError("not reached")


# --- 2. PKI ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_trustpoint_entry_and_profile_reference(release: Release) -> None:
    root = native(build(release))
    assert texts(root, "n:crypto/c:pki/c:trustpoint/c:id") == ["IKEv2-TP"]
    if release >= Release.V17_9_1:
        assert texts(root, f"{PROFILE}/c:pki/c:trust-points/c:name") == ["IKEv2-TP"]
        assert not xp(root, f"{PROFILE}/c:pki/c:trustpoint")
    else:
        assert texts(root, f"{PROFILE}/c:pki/c:trustpoint") == ["IKEv2-TP"]


def test_no_trustpoint_no_pki() -> None:
    intent = seed_with(trustpoint=None, ikev2_profiles=[{"trustpoint": None}])
    root = native(build(Release.V17_9_1, intent))
    assert not xp(root, "n:crypto/c:pki")
    assert not xp(root, f"{PROFILE}/c:pki")


# --- 3. pool --------------------------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_pool(release: Release) -> None:
    root = native(build(release))
    pool = xp(root, "n:ip/n:local/n:pool[n:id='ACPOOL']")
    assert len(pool) == 1
    assert texts(pool[0], "n:start") == ["192.168.10.5"]
    assert texts(pool[0], "n:last") == ["192.168.10.10"]


# --- 4. / 13. authorization policy ----------------------------------------------------------------
POLICY = "n:crypto/c:ikev2/c:authorization/c:policy[c:policy-name='ikev2-auth-policy']"


def test_authorization_policy_16_9_1_is_cli_only() -> None:
    fragment = build_authorization_policies(SEED.authorization_policies, OLDEST)
    (crypto,) = fragment.elements
    (policy,) = xp(crypto, "c:ikev2/c:authorization/c:policy")
    assert [child.tag for child in policy] == [qn(X["c"], "policy-name")]
    assert [(i.parents, i.line) for i in fragment.cli] == [
        (("crypto ikev2 authorization policy ikev2-auth-policy",), "pool ACPOOL"),
        (("crypto ikev2 authorization policy ikev2-auth-policy",), "dns 10.0.1.1"),
        (
            ("crypto ikev2 authorization policy ikev2-auth-policy",),
            "route set access-list split_tunnel",
        ),
    ]
    assert all(i.reason.startswith("16.9.1: no ikev2 authorization policy") for i in fragment.cli)
    assert {i.area for i in fragment.cli} == {"ikev2_authorization_policy"}


@pytest.mark.parametrize("release", ALL[1:], ids=ids[1:])
def test_authorization_policy_modelled_from_17_3(release: Release) -> None:
    root = native(build(release))
    assert texts(root, f"{POLICY}/c:pool/c:pool-name") == ["ACPOOL"]
    assert texts(root, f"{POLICY}/c:dns/c:primary") == ["10.0.1.1"]
    assert not xp(root, f"{POLICY}/c:dns/c:secondary")
    route = f"{POLICY}/c:route/c:set/c:access-list/c:access-list-range"
    assert texts(root, route) == ["split_tunnel"]


def test_two_dns_servers_are_primary_and_secondary() -> None:
    intent = seed_with(authorization_policies=[{"dns": ["10.0.1.1", "10.0.1.2"]}])
    root = native(build(Release.V17_3_1, intent))
    assert texts(root, f"{POLICY}/c:dns/c:secondary") == ["10.0.1.2"]
    cli = build_authorization_policies(intent.authorization_policies, OLDEST).cli
    assert [i.line for i in cli][1] == "dns 10.0.1.1 10.0.1.2"


# --- 5. proposal / policy -------------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_proposal_and_policy(release: Release) -> None:
    root = native(build(release))
    proposal = "n:crypto/c:ikev2/c:proposal[c:name='IKEv2-prop1']"
    assert xp(root, f"{proposal}/c:encryption/c:aes-cbc-256")
    assert xp(root, f"{proposal}/c:integrity/c:sha256")
    assert xp(root, f"{proposal}/c:group/c:fourteen")
    policy = "n:crypto/c:ikev2/c:policy[c:name='IKEv2-pol']"
    if release == OLDEST:
        assert texts(root, f"{policy}/c:proposal") == ["IKEv2-prop1"]
    else:
        assert texts(root, f"{policy}/c:proposal/c:proposals") == ["IKEv2-prop1"]


def test_second_policy_proposal_on_16_9_1_goes_to_cli() -> None:
    intent = seed_with(
        proposals=[{"name": "P1"}, {"name": "P2", "group": [19, 20]}],
        policies=[{"name": "POL", "proposals": ["P1", "P2"]}],
    )
    payload = build(OLDEST, intent)
    root = native(payload)
    assert texts(root, "n:crypto/c:ikev2/c:policy/c:proposal") == ["P1"]
    assert [(i.parents, i.line) for i in payload.cli if i.area == "ikev2_policy"] == [
        (("crypto ikev2 policy POL",), "proposal P2")
    ]
    newer = native(build(Release.V17_3_1, intent))
    assert texts(newer, "n:crypto/c:ikev2/c:policy/c:proposal/c:proposals") == ["P1", "P2"]
    assert xp(newer, "n:crypto/c:ikev2/c:proposal[c:name='P2']/c:group/c:twenty")


def test_smart_defaults_have_no_proposal_or_policy() -> None:
    root = native(build(Release.V17_15_1, seed_with(proposals=[], policies=[])))
    assert not xp(root, "n:crypto/c:ikev2/c:proposal")
    assert not xp(root, "n:crypto/c:ikev2/c:policy")


# --- 6. AnyConnect profile -----------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_anyconnect_profile(release: Release) -> None:
    root = native(build(release))
    anyconnect = "n:crypto/c:vpn/c:anyconnect"
    if release >= Release.V17_9_1:
        assert texts(root, f"{anyconnect}/c:profile[c:profile-name='acvpn']/c:file") == [
            "bootflash:/acvpn.xml"
        ]
        assert not xp(root, f"{anyconnect}/c:profile-container")
    else:
        assert texts(root, f"{anyconnect}/c:profile-container/c:profile") == ["acvpn"]
        assert texts(root, f"{anyconnect}/c:profile-container/c:filename") == [
            "bootflash:/acvpn.xml"
        ]


def test_second_anyconnect_profile_before_17_9_goes_to_cli() -> None:
    intent = seed_with(anyconnect_profiles=[{}, {"name": "other", "url": "bootflash:/other.xml"}])
    fragment = build_anyconnect_profiles(intent.anyconnect_profiles, Release.V17_3_1)
    assert [i.text for i in fragment.cli] == [
        "crypto vpn anyconnect profile other bootflash:/other.xml"
    ]
    assert not build_anyconnect_profiles(intent.anyconnect_profiles, Release.V17_9_1).cli


# --- 7. IKEv2 profile -----------------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_profile_common_nodes(release: Release) -> None:
    root = native(build(release))
    assert xp(root, f"{PROFILE}/c:authentication/c:local/c:rsa-sig")
    assert xp(root, f"{PROFILE}/c:authentication/c:remote/c:anyconnect-eap/c:aggregate")
    assert texts(root, f"{PROFILE}/c:aaa/c:authentication/c:anyconnect-eap") == [
        "a-eap-authen-local"
    ]
    assert xp(root, f"{PROFILE}/c:aaa/c:authorization/c:user/c:anyconnect-eap/c:cached")
    assert texts(root, f"{PROFILE}/c:virtual-template/c:number") == ["100"]
    # One <authorization> holding both the group and the user lines.
    assert len(xp(root, f"{PROFILE}/c:aaa/c:authorization")) == 1


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_profile_authorization_group_list_shape(release: Release) -> None:
    root = native(build(release))
    group = f"{PROFILE}/c:aaa/c:authorization/c:group/c:anyconnect-eap"
    if release >= Release.V17_12_1:
        assert texts(root, f"{group}/c:list-v2/c:name") == ["a-eap-author-grp"]
        username = f"{group}/c:list-v2/c:aaa-config/c:username/c:username"
        assert texts(root, username) == ["ikev2-auth-policy"]
        assert not xp(root, f"{group}/c:list")
    else:
        assert texts(root, f"{group}/c:list[c:name='a-eap-author-grp']/c:username") == [
            "ikev2-auth-policy"
        ]
        assert not xp(root, f"{group}/c:list-v2")


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_profile_key_id_shape(release: Release) -> None:
    root = native(build(release))
    remote = f"{PROFILE}/c:match/c:identity/c:remote"
    leaf = "c:key-ids" if release >= Release.V17_9_1 else "c:key-id"
    assert texts(root, f"{remote}/{leaf}") == ["*$AnyConnectClient$*"]
    assert len(xp(root, f"{remote}/*")) == 1


def test_second_key_id_is_a_leaf_list_entry_or_a_cli_item() -> None:
    intent = seed_with(ikev2_profiles=[{"match_key_ids": ["*$AnyConnectClient$*", "corp"]}])
    remote = f"{PROFILE}/c:match/c:identity/c:remote"
    assert texts(native(build(Release.V17_9_1, intent)), f"{remote}/c:key-ids") == [
        "*$AnyConnectClient$*",
        "corp",
    ]
    old = build(Release.V17_3_1, intent)
    assert [i.text for i in old.cli if i.area == "ikev2_profile"] == [
        "crypto ikev2 profile AnyConnect-EAP\n match identity remote key-id corp"
    ]


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_profile_anyconnect_profile(release: Release) -> None:
    payload = build(release)
    nodes = texts(native(payload), f"{PROFILE}/c:anyconnect/c:profile")
    items = [i for i in payload.cli if i.area == "ikev2_profile"]
    if release == OLDEST:
        assert nodes == []
        assert [(i.parents, i.line) for i in items] == [
            (("crypto ikev2 profile AnyConnect-EAP",), "anyconnect profile acvpn")
        ]
        assert items[0].reason == (
            "16.9.1: no ikev2 profile 'anyconnect profile' in Cisco-IOS-XE-crypto"
        )
    else:
        assert nodes == ["acvpn"]
        assert items == []


def test_profile_without_aggregate_is_refused() -> None:
    intent = seed_with(ikev2_profiles=[{"aggregate": False}])
    with pytest.raises(PayloadError) as info:
        build(Release.V17_15_1, intent)
    assert info.value.path == "ikev2_profiles[0].aggregate"


# --- 8. http-url cert and HTTP servers ------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_http_url_cert_off(release: Release) -> None:
    root = native(build(release))
    http_url = "n:crypto/c:ikev2/c:http-url"
    if release >= Release.V17_9_1:
        assert texts(root, f"{http_url}/c:cert-leaf") == ["false"]
        assert not xp(root, f"{http_url}/c:cert")
    else:
        (cert,) = xp(root, f"{http_url}/c:cert")
        assert cert.get(qn(NC, "operation")) == "remove"


@pytest.mark.parametrize("release", [OLDEST, Release.V17_9_1], ids=["16.9.1", "17.9.1"])
def test_http_url_cert_on(release: Release) -> None:
    root = native(build(release, seed_with(http_url_cert=True)))
    if release >= Release.V17_9_1:
        assert texts(root, "n:crypto/c:ikev2/c:http-url/c:cert-leaf") == ["true"]
    else:
        (cert,) = xp(root, "n:crypto/c:ikev2/c:http-url/c:cert")
        assert cert.get(qn(NC, "operation")) is None


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_http_servers_always_written(release: Release) -> None:
    root = native(build(release))
    assert texts(root, "n:ip/http:http/http:server") == ["false"]
    assert texts(root, "n:ip/http:http/http:secure-server") == ["false"]


# --- 9. / 10. IPsec -------------------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_transform_set_and_profile(release: Release) -> None:
    root = native(build(release))
    ts = "n:crypto/c:ipsec/c:transform-set[c:tag='TS']"
    assert texts(root, f"{ts}/c:esp") == ["esp-aes"]
    assert texts(root, f"{ts}/c:key-bit") == ["256"]
    assert texts(root, f"{ts}/c:esp-hmac") == ["esp-sha256-hmac"]
    mode = "c:tunnel-choice" if release >= Release.V17_9_1 else "c:tunnel"
    assert [n.tag.split("}")[1] for n in xp(root, f"{ts}/c:mode/*")] == [mode.split(":")[1]]
    profile = "n:crypto/c:ipsec/c:profile[c:name='AnyConnect-EAP']/c:set"
    assert texts(root, f"{profile}/c:transform-set") == ["TS"]
    assert texts(root, f"{profile}/c:ikev2-profile") == ["AnyConnect-EAP"]


# --- 11. / 12. / 14. interfaces -------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_loopback(release: Release) -> None:
    root = native(build(release))
    primary = "n:interface/n:Loopback[n:name='100']/n:ip/n:address/n:primary"
    assert texts(root, f"{primary}/n:address") == ["10.0.0.1"]
    assert texts(root, f"{primary}/n:mask") == ["255.255.255.255"]


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_virtual_template(release: Release) -> None:
    payload = build(release)
    root = native(payload)
    assert texts(root, f"{VT}/n:type") == ["tunnel"]
    assert texts(root, f"{VT}/n:ip/n:unnumbered") == ["Loopback100"]
    assert texts(root, f"{VT}/n:ip/n:mtu") == ["1400"]
    assert not xp(root, f"{VT}/n:ip/nat:nat")
    mode = "tun:ipv4-mode" if release >= Release.V17_15_1 else "tun:ipv4"
    assert len(xp(root, f"{VT}/tun:tunnel/tun:mode/tun:ipsec/*")) == 1
    assert xp(root, f"{VT}/tun:tunnel/tun:mode/tun:ipsec/{mode}")
    option = f"{VT}/tun:tunnel/tun:protection/c:ipsec/c:profile-option/c:name"
    lines = [i.line for i in payload.cli if i.area == "virtual_template"]
    if release == OLDEST:
        assert texts(root, option) == []
        assert lines == ["tunnel protection ipsec profile AnyConnect-EAP", "ip nat inside"]
    else:
        assert texts(root, option) == ["AnyConnect-EAP"]
        assert lines == ["ip nat inside"]


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_nat_outside_on_gigabitethernet(release: Release) -> None:
    root = native(build(release))
    assert xp(root, "n:interface/n:GigabitEthernet[n:name='1']/n:ip/nat:nat/nat:outside")


def test_interface_names_split() -> None:
    assert split_interface("GigabitEthernet1", path="p") == ("GigabitEthernet", "1")
    assert split_interface("TenGigabitEthernet0/1/0", path="p") == ("TenGigabitEthernet", "0/1/0")
    assert split_interface("Port-channel10", path="p") == ("Port-channel", "10")
    with pytest.raises(PayloadError) as info:
        split_interface("outside", path="nat.outside_interfaces[0]")
    assert info.value.path == "nat.outside_interfaces[0]"


# --- 13. / 14. ACLs and NAT -----------------------------------------------------------------------
@pytest.mark.parametrize("release", ALL, ids=ids)
def test_standard_acl_shape(release: Release) -> None:
    root = native(build(release))
    ace = "n:ip/n:access-list/acl:standard[acl:name='split_tunnel']/acl:access-list-seq-rule"
    assert texts(root, f"{ace}/acl:sequence") == ["10"]
    prefix = "acl:ipv4-address-prefix" if release >= Release.V17_9_1 else "acl:ipv4-prefix"
    assert texts(root, f"{ace}/acl:permit/acl:std-ace/{prefix}") == ["10.0.0.0"]
    assert texts(root, f"{ace}/acl:permit/acl:std-ace/acl:mask") == ["0.255.255.255"]


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_extended_acl(release: Release) -> None:
    root = native(build(release))
    rule = "n:ip/n:access-list/acl:extended[acl:name='NAT']/acl:access-list-seq-rule/acl:ace-rule"
    assert texts(root, f"{rule}/acl:action") == ["permit"]
    assert texts(root, f"{rule}/acl:protocol") == ["ip"]
    assert texts(root, f"{rule}/acl:ipv4-address") == ["192.168.10.0"]
    assert texts(root, f"{rule}/acl:mask") == ["0.0.0.255"]
    assert xp(root, f"{rule}/acl:dst-any")


@pytest.mark.parametrize("release", [OLDEST, Release.V17_9_1], ids=["16.9.1", "17.9.1"])
def test_host_entries(release: Release) -> None:
    intent = seed_with(
        acls=[
            {"kind": "standard", "name": "S", "entries": [{"prefix": "10.1.1.1"}]},
            {
                "kind": "extended",
                "name": "E",
                "entries": [{"source": "host 10.2.2.2", "destination": "10.3.0.0 0.0.255.255"}],
            },
        ]
    )
    root = native(build(release, intent))
    new = release >= Release.V17_9_1
    std = "n:ip/n:access-list/acl:standard/acl:access-list-seq-rule/acl:permit/acl:std-ace"
    assert texts(root, f"{std}/{'acl:host-address' if new else 'acl:host'}") == ["10.1.1.1"]
    rule = "n:ip/n:access-list/acl:extended/acl:access-list-seq-rule/acl:ace-rule"
    assert texts(root, f"{rule}/{'acl:host-address' if new else 'acl:host'}") == ["10.2.2.2"]
    assert texts(root, f"{rule}/acl:dest-ipv4-address") == ["10.3.0.0"]
    assert texts(root, f"{rule}/acl:dest-mask") == ["0.0.255.255"]


def test_bad_ace_address_names_the_field() -> None:
    intent = seed_with(
        acls=[{"kind": "extended", "name": "E", "entries": [{"source": "host nowhere"}]}]
    )
    with pytest.raises(PayloadError) as info:
        build(Release.V17_15_1, intent)
    assert info.value.path == "acls[0].entries[0].source"


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_nat_inside_source_shape(release: Release) -> None:
    root = native(build(release))
    source = "n:ip/nat:nat/nat:inside/nat:source"
    if release >= Release.V17_9_1:
        entry = f"{source}/nat:list-interface/nat:list[nat:id='NAT']"
        overload = "nat:overload-new"
        assert not xp(root, f"{source}/nat:list")
    else:
        entry = f"{source}/nat:list[nat:id='NAT']"
        overload = "nat:overload"
    assert xp(root, f"{entry}/nat:interface[nat:name='GigabitEthernet1']/{overload}")


def test_nat_rules_sharing_an_acl_share_one_entry() -> None:
    intent = seed_with(
        nat={
            "inside_source": [
                {"acl": "NAT", "interface": "GigabitEthernet1"},
                {"acl": "NAT", "interface": "GigabitEthernet2", "overload": False},
            ]
        }
    )
    assert intent.nat is not None
    (ip,) = build_nat(intent.nat, Release.V17_15_1).elements
    (entry,) = xp(ip, "nat:nat/nat:inside/nat:source/nat:list-interface/nat:list")
    assert texts(entry, "nat:interface/nat:name") == ["GigabitEthernet1", "GigabitEthernet2"]
    assert len(xp(entry, "nat:interface/nat:overload-new")) == 1


def test_no_nat_means_no_nat_nodes_and_no_cli() -> None:
    intent = seed_with(nat=None, virtual_templates=[{"nat_inside": False}])
    payload = build(Release.V17_15_1, intent)
    assert not xp(native(payload), "//nat:nat")
    assert payload.cli == []


# --- the variants above are what the models accept ----------------------------------------------
VARIANTS: dict[str, dict[str, Any]] = {
    "http-url-cert-on": {"http_url_cert": True},
    "transport-mode": {"transform_sets": [{"mode": "transport"}]},
    "host-aces": {
        "acls": [
            {"kind": "standard", "name": "split_tunnel", "entries": [{"prefix": "10.1.1.1"}]},
            {"kind": "extended", "name": "NAT", "entries": [{"source": "host 192.168.10.5"}]},
        ]
    },
    "two-key-ids": {"ikev2_profiles": [{"match_key_ids": ["*$AnyConnectClient$*", "corp"]}]},
    "no-overload": {"nat": {"inside_source": [{"overload": False}]}},
}


@pytest.mark.parametrize("release", ALL, ids=ids)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variants_validate(variant: str, release: Release) -> None:
    payload = build(release, seed_with(**VARIANTS[variant]))
    assert validate_config(release, payload.config) == []


def test_nat_without_overload_on_17_3_1_goes_to_cli() -> None:
    intent = seed_with(nat={"inside_source": [{"overload": False}]})
    assert intent.nat is not None
    fragment = build_nat(intent.nat, Release.V17_3_1)
    assert fragment.elements == []
    assert [i.text for i in fragment.cli] == [
        "ip nat inside source list NAT interface GigabitEthernet1"
    ]
    for release in (OLDEST, Release.V17_9_1):
        other = build_nat(intent.nat, release)
        assert other.cli == []
        assert xp(other.elements[0], "//nat:interface[nat:name='GigabitEthernet1']")
