"""Steps 5, 7 and 8: IKEv2 proposals and policies, the AnyConnect-EAP profile, http-url cert."""

from __future__ import annotations

from typing import Final

from lxml import etree

from nornir_flexvpn.errors import PayloadError
from nornir_flexvpn.intent.models import (
    FlexVpnIntent,
    Ikev2Policy,
    Ikev2Profile,
    Ikev2Proposal,
)
from nornir_flexvpn.namespaces import CRYPTO, NATIVE
from nornir_flexvpn.payload.elements import chain, child, element, leaf, mark_remove
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.shapes import Shapes, shapes_for
from nornir_flexvpn.releases import Release

# DH group numbers as Cisco-IOS-XE-crypto spells the proposal's empty leaves.
DH_GROUP_LEAVES: Final[dict[int, str]] = {
    1: "one",
    2: "two",
    5: "five",
    14: "fourteen",
    15: "fifteen",
    16: "sixteen",
    19: "nineteen",
    20: "twenty",
    21: "twenty-one",
    24: "twenty-four",
}


def _proposal(holder: etree._Element, proposal: Ikev2Proposal) -> None:
    entry = leaf(holder, "proposal")
    leaf(entry, "name", proposal.name)
    encryption = leaf(entry, "encryption")
    for algorithm in proposal.encryption:
        leaf(encryption, algorithm)
    group = leaf(entry, "group")
    for number in proposal.group:
        leaf(group, DH_GROUP_LEAVES[number])
    integrity = leaf(entry, "integrity")
    for hash_name in proposal.integrity:
        leaf(integrity, hash_name)


def _policy(
    holder: etree._Element, policy: Ikev2Policy, shapes: Shapes, fragment: Fragment
) -> None:
    entry = leaf(holder, "policy")
    leaf(entry, "name", policy.name)
    if shapes.policy_proposal == "list":
        for name in policy.proposals:
            leaf(leaf(entry, "proposal"), "proposals", name)
        return
    first, *others = policy.proposals
    leaf(entry, "proposal", first)
    for name in others:
        fragment.cli_item(
            f"proposal {name}",
            (f"crypto ikev2 policy {policy.name}",),
            area="ikev2_policy",
            reason=f"{shapes.release.value}: ikev2 policy 'proposal' is a single leaf"
            " in Cisco-IOS-XE-crypto",
        )


def _authorization_group(aaa: etree._Element, profile: Ikev2Profile, shapes: Shapes) -> None:
    group = profile.aaa_authorization_group
    if group is None:
        return
    holder = chain(aaa, "authorization", "group", "anyconnect-eap")
    if shapes.authorization_group == "list-v2":
        entry = leaf(holder, "list-v2")
        leaf(entry, "name", group.list)
        username = chain(entry, "aaa-config", "username")
        leaf(username, "username", group.policy)
    else:
        entry = leaf(holder, "list")
        leaf(entry, "name", group.list)
        leaf(entry, "username", group.policy)


def _profile(
    holder: etree._Element,
    profile: Ikev2Profile,
    index: int,
    shapes: Shapes,
    fragment: Fragment,
) -> None:
    release = shapes.release.value
    parents = (f"crypto ikev2 profile {profile.name}",)
    if not profile.aggregate:
        # The models only have `authentication remote anyconnect-eap aggregate`.
        raise PayloadError(
            "IOS-XE offers 'authentication remote anyconnect-eap' only with 'aggregate'"
            " (crypto/ikev2/profile/authentication/remote/anyconnect-eap/aggregate)",
            path=f"ikev2_profiles[{index}].aggregate",
        )
    entry = leaf(holder, "profile")
    leaf(entry, "name", profile.name)
    aaa = leaf(entry, "aaa")
    if profile.aaa_authentication_anyconnect_eap is not None:
        authn = leaf(aaa, "authentication")
        leaf(authn, "anyconnect-eap", profile.aaa_authentication_anyconnect_eap)
    _authorization_group(aaa, profile, shapes)
    if profile.aaa_authorization_user_cached:
        leaf(chain(aaa, "authorization", "user", "anyconnect-eap"), "cached")
    if len(aaa) == 0:
        entry.remove(aaa)
    if profile.anyconnect_profile is not None:
        if shapes.profile_anyconnect:
            leaf(leaf(entry, "anyconnect"), "profile", profile.anyconnect_profile)
        else:
            fragment.cli_item(
                f"anyconnect profile {profile.anyconnect_profile}",
                parents,
                area="ikev2_profile",
                reason=f"{release}: no ikev2 profile 'anyconnect profile' in Cisco-IOS-XE-crypto",
            )
    # Local before remote: the document's note on CSCvb29701 / CSCvb24236.
    authentication = leaf(entry, "authentication")
    leaf(leaf(authentication, "local"), profile.local_auth)
    remote = chain(authentication, "remote", profile.remote_auth)
    leaf(remote, "aggregate")
    identity = chain(entry, "match", "identity", "remote")
    if shapes.key_id == "leaf-list":
        for key_id in profile.match_key_ids:
            leaf(identity, "key-ids", key_id)
    else:
        first, *others = profile.match_key_ids
        leaf(identity, "key-id", first)
        for key_id in others:
            fragment.cli_item(
                f"match identity remote key-id {key_id}",
                parents,
                area="ikev2_profile",
                reason=f"{release}: ikev2 profile 'match identity remote key-id' is a single"
                " leaf in Cisco-IOS-XE-crypto",
            )
    if profile.trustpoint is not None:
        pki = leaf(entry, "pki")
        if shapes.trustpoint_ref == "list":
            leaf(leaf(pki, "trust-points"), "name", profile.trustpoint)
        else:
            leaf(pki, "trustpoint", profile.trustpoint)
    if profile.virtual_template is not None:
        leaf(leaf(entry, "virtual-template"), "number", str(profile.virtual_template))


def _http_url(ikev2: etree._Element, enabled: bool, shapes: Shapes) -> None:
    http_url = leaf(ikev2, "http-url")
    if shapes.http_url_cert == "boolean":
        leaf(http_url, "cert-leaf", "true" if enabled else "false")
        return
    # An empty leaf: present means on, so "off" has to remove it.
    cert = leaf(http_url, "cert")
    if not enabled:
        mark_remove(cert)


def build_ikev2(intent: FlexVpnIntent, release: Release) -> Fragment:
    """`<crypto><ikev2>`: proposals, policies, profiles and http-url cert."""
    shapes = shapes_for(release)
    fragment = Fragment("ikev2")
    crypto = fragment.add(element(NATIVE, "crypto"))
    ikev2 = child(crypto, CRYPTO, "ikev2")
    for proposal in intent.proposals:
        _proposal(ikev2, proposal)
    for policy in intent.policies:
        _policy(ikev2, policy, shapes, fragment)
    for index, profile in enumerate(intent.ikev2_profiles):
        _profile(ikev2, profile, index, shapes, fragment)
    _http_url(ikev2, intent.http_url_cert, shapes)
    return fragment
