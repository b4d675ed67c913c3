"""Where the releases' models differ for the seed's lines, in one place.

Every builder asks `shapes_for(release)` instead of comparing versions, so a
new release is one entry here. Each field names the newest non-deprecated
shape the release's modules offer (read from the modules with pyang; see
../shared/yang/README.md, "Where the releases differ").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from nornir_flexvpn.releases import Release

# `crypto ikev2 policy` proposals: one `proposal` leaf (16.9.1) or `proposal[proposals]`.
PolicyProposalShape = Literal["leaf", "list"]
# `aaa authorization group anyconnect-eap`: `list[name]/username` or `list-v2` (17.12.1 on).
AuthzGroupShape = Literal["list", "list-v2"]
# `crypto ikev2 profile / pki trustpoint`: `trustpoint` leaf or `trust-points[name]` (17.9.1 on).
TrustpointRefShape = Literal["leaf", "list"]
# `match identity remote key-id`: `key-id` leaf or `key-ids` leaf-list (17.9.1 on).
KeyIdShape = Literal["leaf", "leaf-list"]
# `crypto ikev2 http-url cert`: `cert` empty leaf or `cert-leaf` boolean (17.9.1 on).
HttpUrlCertShape = Literal["empty", "boolean"]
# `crypto vpn anyconnect profile`: one `profile-container` or `profile[profile-name]` (17.9.1 on).
AnyConnectProfileShape = Literal["container", "list"]
# transform-set `mode tunnel`: `mode/tunnel` or `mode/tunnel-choice` (17.9.1 on).
TransformModeShape = Literal["tunnel", "tunnel-choice"]
# ACL addresses: `ipv4-prefix`/`host` or `ipv4-address-prefix`/`host-address` (17.9.1 on).
AclAddressShape = Literal["prefix", "address"]
# `ip nat inside source list L interface I overload`: `source/list` or `list-interface/list`.
NatSourceShape = Literal["list", "list-interface"]
# VT `tunnel mode ipsec ipv4`: `ipsec/ipv4` or `ipsec/ipv4-mode` (17.15.1 on).
TunnelModeShape = Literal["ipv4", "ipv4-mode"]


@dataclass(frozen=True)
class Shapes:
    """The model shapes of one release for every line the builders emit."""

    release: Release
    # 16.9.1 has no ikev2 authorization policy pool / dns / route set access-list.
    authorization_policy_attributes: bool
    # 16.9.1 has no ikev2 profile `anyconnect profile`.
    profile_anyconnect: bool
    # 16.9.1 has no `tunnel protection ipsec` on a Virtual-Template.
    template_tunnel_protection: bool
    # No release up to 17.18.1 models `ip nat inside` on a Virtual-Template.
    template_nat_inside: bool
    # 17.3.1's `source/list/interface` has a mandatory `overload`: without it, CLI only.
    nat_interface_overload_required: bool
    policy_proposal: PolicyProposalShape
    authorization_group: AuthzGroupShape
    trustpoint_ref: TrustpointRefShape
    key_id: KeyIdShape
    http_url_cert: HttpUrlCertShape
    anyconnect_profile: AnyConnectProfileShape
    transform_mode: TransformModeShape
    acl_address: AclAddressShape
    nat_source: NatSourceShape
    tunnel_mode: TunnelModeShape


@cache
def shapes_for(release: Release) -> Shapes:
    """The shapes of `release` (cached: releases are few and shapes immutable)."""
    from_17_3 = release.at_least("17.3.1")
    from_17_9 = release.at_least("17.9.1")
    return Shapes(
        release=release,
        authorization_policy_attributes=from_17_3,
        profile_anyconnect=from_17_3,
        template_tunnel_protection=from_17_3,
        template_nat_inside=False,
        nat_interface_overload_required=release == Release.V17_3_1,
        policy_proposal="list" if from_17_3 else "leaf",
        authorization_group="list-v2" if release.at_least("17.12.1") else "list",
        trustpoint_ref="list" if from_17_9 else "leaf",
        key_id="leaf-list" if from_17_9 else "leaf",
        http_url_cert="boolean" if from_17_9 else "empty",
        anyconnect_profile="list" if from_17_9 else "container",
        transform_mode="tunnel-choice" if from_17_9 else "tunnel",
        acl_address="address" if from_17_9 else "prefix",
        nat_source="list-interface" if from_17_9 else "list",
        tunnel_mode="ipv4-mode" if release.at_least("17.15.1") else "ipv4",
    )
