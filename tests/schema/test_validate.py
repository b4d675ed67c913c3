"""Validation against each release: valid seed-like config, and errors naming the data path."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml import etree

from nornir_flexvpn.errors import YangValidationError
from nornir_flexvpn.namespaces import AAA, CISCO_IA, CRYPTO, CRYPTO_OPER, NATIVE, NC
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema import (
    ensure_valid_config,
    parse_config,
    validate_config,
    validate_oper,
    validate_reply,
    validate_rpc,
)

from .samples import PROPOSAL, crypto, line_of, seed_like, xml

ALL = list(Release)
WITH_REFERENCES = [r for r in Release if r.at_least("17.3.1")]
POOL = "/Cisco-IOS-XE-native:native/ip/local/pool[id='ACPOOL']"


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_seed_like_config_validates(release: Release) -> None:
    assert validate_config(release, seed_like()) == []
    ensure_valid_config(release, seed_like())


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_misspelled_element_names_path_and_line(release: Release) -> None:
    data = seed_like(("<start>192.168.10.5</start>", "<strat>192.168.10.5</strat>"))
    [issue] = validate_config(release, data)
    assert issue.path == POOL
    assert '"strat"' in issue.message and "pool" in issue.message
    assert issue.line == line_of("<start>")


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_bad_enum_value_names_leaf(release: Release) -> None:
    data = seed_like(("<esp>esp-aes</esp>", "<esp>esp-aes-512</esp>"))
    [issue] = validate_config(release, data)
    assert issue.path == (
        "/Cisco-IOS-XE-native:native/crypto/Cisco-IOS-XE-crypto:ipsec/transform-set[tag='TS']/esp"
    )
    assert "esp-aes-512" in issue.message
    assert issue.line == line_of("<esp>")


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_bad_address_pattern(release: Release) -> None:
    data = seed_like(("<last>192.168.10.10</last>", "<last>192.168.10.300</last>"))
    [issue] = validate_config(release, data)
    assert issue.path == f"{POOL}/last"
    assert "192.168.10.300" in issue.message


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_wrong_namespace_is_refused(release: Release) -> None:
    data = seed_like((f'<ikev2 xmlns="{CRYPTO}">', f'<ikev2 xmlns="{CRYPTO}-typo">'))
    [issue] = validate_config(release, data)
    assert issue.path == "/Cisco-IOS-XE-native:native/crypto"
    assert f"{CRYPTO}-typo" in issue.message


def test_element_in_the_wrong_module_namespace_is_refused() -> None:
    # new-model belongs to the aaa module: in native's namespace it is unknown.
    data = seed_like((f'<new-model xmlns="{AAA}"/>', "<new-model/>"))
    [issue] = validate_config(Release.V17_15_1, data)
    assert issue.path == "/Cisco-IOS-XE-native:native/aaa"
    assert "new-model" in issue.message


@pytest.mark.parametrize("release", WITH_REFERENCES, ids=lambda r: r.value)
def test_dangling_leafref_is_reported(release: Release) -> None:
    profile = "<profile><name>PR</name><keyring><local><name>KR</name></local></keyring></profile>"
    [issue] = validate_config(release, crypto(PROPOSAL + profile))
    assert issue.path == (
        "/Cisco-IOS-XE-native:native/crypto/Cisco-IOS-XE-crypto:ikev2/profile[name='PR']"
        "/keyring/local/name"
    )
    assert "leafref" in issue.message and '"KR"' in issue.message
    keyring = "<keyring><name>KR</name></keyring>"
    assert validate_config(release, crypto(PROPOSAL + keyring + profile)) == []


@pytest.mark.parametrize("release", WITH_REFERENCES, ids=lambda r: r.value)
def test_ipsec_profile_naming_missing_transform_set_fails_its_must(release: Release) -> None:
    profile = f"""
    <native xmlns="{NATIVE}"><crypto><ipsec xmlns="{CRYPTO}">
      <profile><name>AnyConnect-EAP</name><set><transform-set>TS</transform-set></set></profile>
    </ipsec></crypto></native>"""
    [issue] = validate_config(release, xml(profile))
    assert issue.path.startswith(
        "/Cisco-IOS-XE-native:native/crypto/Cisco-IOS-XE-crypto:ipsec/profile[name='AnyConnect-EAP']"
    )
    assert "transform set" in issue.message


def test_the_oldest_release_has_no_such_references() -> None:
    # 16.9.1's crypto model declares neither the leafref nor the must: nothing to catch.
    profile = "<profile><name>PR</name><keyring><local>KR</local></keyring></profile>"
    assert validate_config(Release.V16_9_1, crypto(PROPOSAL + profile)) == []


@pytest.mark.parametrize("release", ALL, ids=lambda r: r.value)
def test_policy_naming_existing_proposal_validates(release: Release) -> None:
    # 17.3.1 and 17.9.1 only pass this thanks to the `must` repair.
    if release is Release.V16_9_1:
        policy = "<policy><name>POL</name><proposal>P1</proposal></policy>"
    else:
        policy = "<policy><name>POL</name><proposal><proposals>P1</proposals></proposal></policy>"
    assert validate_config(release, crypto(PROPOSAL + policy)) == []
    if release is not Release.V16_9_1:
        [issue] = validate_config(release, crypto(policy))
        assert "/policy[name='POL']/proposal[proposals='P1']" in issue.path


def test_ensure_valid_config_raises_with_release_and_path() -> None:
    data = seed_like(("<start>192.168.10.5</start>", "<strat>192.168.10.5</strat>"))
    with pytest.raises(YangValidationError) as info:
        ensure_valid_config(Release.V17_9_1, data)
    assert info.value.release == "17.9.1"
    assert info.value.path == POOL
    assert "[17.9.1]" in str(info.value) and POOL in str(info.value)
    assert len(info.value.issues) == 1


def test_state_data_is_not_configuration() -> None:
    oper = xml(f'<crypto-oper-data xmlns="{CRYPTO_OPER}"/>')
    [issue] = validate_config(Release.V17_15_1, oper)
    assert "crypto-oper-data" in issue.message or "state" in issue.message.lower()


def test_netconf_operation_attributes_are_accepted() -> None:
    data = crypto(
        f'<proposal xmlns:nc="{NC}" nc:operation="replace"><name>P1</name>'
        "<encryption><aes-cbc-256/></encryption><integrity><sha256/></integrity>"
        "<group><fourteen/></group></proposal>"
    )
    assert validate_config(Release.V17_15_1, data) == []
    unknown = crypto('<proposal xmlns:x="urn:x" x:color="red"><name>P1</name></proposal>')
    assert validate_config(Release.V17_15_1, unknown) != []


def test_data_wrapper_and_empty_config() -> None:
    data = xml(f'<data xmlns="{NC}">{etree.tostring(crypto(PROPOSAL)).decode()}</data>')
    assert validate_config(Release.V17_15_1, data) == []
    assert validate_config(Release.V17_15_1, xml(f'<config xmlns="{NC}"/>')) == []


def test_parse_config_gives_the_tree() -> None:
    with parse_config(Release.V17_15_1, seed_like()) as tree:
        assert tree is not None
        text = tree.print_mem("json", with_siblings=True)
    assert '"ACPOOL"' in str(text)
    with (
        pytest.raises(YangValidationError),
        parse_config(Release.V17_15_1, seed_like(("<esp>esp-aes</esp>", "<esp>x</esp>"))),
    ):
        pass


@pytest.mark.parametrize("release", WITH_REFERENCES, ids=lambda r: r.value)
def test_crypto_oper_state_validates(release: Release) -> None:
    sa = f"""
    <crypto-oper-data xmlns="{CRYPTO_OPER}">
      <crypto-ikev2-sa>
        <sa-id>1</sa-id>
        <sa-data>
          <sa-id>1</sa-id>
          <sa-status>crypto-sa-status-active</sa-status>
          <local-ip-addr>203.0.113.1</local-ip-addr>
          <local-port>4500</local-port>
        </sa-data>
      </crypto-ikev2-sa>
    </crypto-oper-data>"""
    assert validate_oper(release, xml(sa)) == []
    bad = sa.replace("crypto-sa-status-active", "ready")
    [issue] = validate_oper(release, xml(bad))
    assert issue.path.endswith("crypto-ikev2-sa[sa-id='1']/sa-data/sa-status")


def test_rpc_input_and_output() -> None:
    release = Release.V17_15_1
    rollback = xml(
        f'<rollback xmlns="{CISCO_IA}"><target-url>bootflash:cp</target-url>'
        "<revert-on-error/></rollback>"
    )
    assert validate_rpc(release, rollback) == []
    wrapped = xml(f'<rpc xmlns="{NC}" message-id="1"><save-config xmlns="{CISCO_IA}"/></rpc>')
    assert validate_rpc(release, wrapped) == []
    [missing] = validate_rpc(
        release, xml(f'<rollback xmlns="{CISCO_IA}"><nolock>true</nolock></rollback>')
    )
    assert missing.path == "/cisco-ia:rollback/target-url"
    assert "Mandatory" in missing.message
    save = xml(f'<save-config xmlns="{CISCO_IA}"/>')
    reply = xml(f'<rpc-reply xmlns="{NC}"><result xmlns="{CISCO_IA}">ok</result></rpc-reply>')
    assert validate_reply(release, save, reply) == []
    bad = xml(f'<rpc-reply xmlns="{NC}"><outcome xmlns="{CISCO_IA}">ok</outcome></rpc-reply>')
    [issue] = validate_reply(release, save, bad)
    assert "outcome" in issue.message


def test_parallel_validation_is_consistent() -> None:
    good = seed_like()
    bad = seed_like(("<start>192.168.10.5</start>", "<strat>192.168.10.5</strat>"))

    def check(i: int) -> bool:
        if i % 2:
            return validate_config(Release.V17_15_1, good) == []
        issues = validate_config(Release.V17_15_1, bad)
        return len(issues) == 1 and issues[0].path == POOL

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(check, range(60)))


def test_secret_values_never_reach_issues() -> None:
    # The password's text also lands in an enum leaf, whose error quotes the value.
    user = f"""
    <native xmlns="{NATIVE}"><username><name>test</name>
      <password><encryption>cisco123</encryption><password>cisco123</password></password>
    </username></native>"""
    [issue] = validate_config(Release.V17_15_1, xml(user))
    assert "cisco123" not in issue.message and "cisco123" not in issue.path
    assert "<redacted>" in issue.message
    assert issue.path.endswith("username[name='test']/password/encryption")
    with pytest.raises(YangValidationError) as info:
        ensure_valid_config(Release.V17_15_1, xml(user))
    assert "cisco123" not in str(info.value) and "cisco123" not in repr(info.value.issues)
