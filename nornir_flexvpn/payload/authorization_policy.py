"""Steps 4 and 13: `crypto ikev2 authorization policy` (pool, dns, split-tunnel route set)."""

from __future__ import annotations

from nornir_flexvpn.intent.models import AuthorizationPolicy
from nornir_flexvpn.namespaces import CRYPTO, NATIVE
from nornir_flexvpn.payload.elements import chain, child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.shapes import shapes_for
from nornir_flexvpn.releases import Release


def _reason(release: Release, node: str) -> str:
    return f"{release.value}: no ikev2 authorization policy '{node}' in Cisco-IOS-XE-crypto"


def policy_lines(policy: AuthorizationPolicy) -> list[tuple[str, str]]:
    """(model node, CLI line) for each attribute the policy sets, in CLI order."""
    lines: list[tuple[str, str]] = []
    if policy.pool is not None:
        lines.append(("pool", f"pool {policy.pool}"))
    if policy.dns:
        lines.append(("dns", "dns " + " ".join(str(a) for a in policy.dns)))
    if policy.route_set_acl is not None:
        lines.append(("route set access-list", f"route set access-list {policy.route_set_acl}"))
    return lines


def build_authorization_policies(policies: list[AuthorizationPolicy], release: Release) -> Fragment:
    """`<crypto><ikev2><authorization><policy>`; CLI items where the release has no node."""
    fragment = Fragment("ikev2_authorization_policy")
    if not policies:
        return fragment
    modelled = shapes_for(release).authorization_policy_attributes
    crypto = fragment.add(element(NATIVE, "crypto"))
    holder = chain(child(crypto, CRYPTO, "ikev2"), "authorization")
    for policy in policies:
        entry = leaf(holder, "policy")
        leaf(entry, "policy-name", policy.name)
        if not modelled:
            parents = (f"crypto ikev2 authorization policy {policy.name}",)
            for node, line in policy_lines(policy):
                fragment.cli_item(line, parents, reason=_reason(release, node))
            continue
        if policy.route_set_acl is not None:
            acl = chain(entry, "route", "set", "access-list")
            leaf(acl, "access-list-range", policy.route_set_acl)
        if policy.pool is not None:
            leaf(leaf(entry, "pool"), "pool-name", policy.pool)
        if policy.dns:
            dns = leaf(entry, "dns")
            for local, address in zip(("primary", "secondary"), policy.dns, strict=False):
                leaf(dns, local, str(address))
    return fragment
