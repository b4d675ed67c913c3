"""The release-difference table: one row per release, as read from the modules."""

from __future__ import annotations

import pytest

from nornir_flexvpn.payload.shapes import shapes_for
from nornir_flexvpn.releases import Release

# (policy proposal, authz group, trustpoint ref, key-id, http-url cert, anyconnect profile,
#  transform mode, ACL address, NAT source, tunnel mode, 17.3-only attributes)
EXPECTED = {
    Release.V16_9_1: (
        "leaf", "list", "leaf", "leaf", "empty", "container",
        "tunnel", "prefix", "list", "ipv4", False,
    ),
    Release.V17_3_1: (
        "list", "list", "leaf", "leaf", "empty", "container",
        "tunnel", "prefix", "list", "ipv4", True,
    ),
    Release.V17_9_1: (
        "list", "list", "list", "leaf-list", "boolean", "list",
        "tunnel-choice", "address", "list-interface", "ipv4", True,
    ),
    Release.V17_12_1: (
        "list", "list-v2", "list", "leaf-list", "boolean", "list",
        "tunnel-choice", "address", "list-interface", "ipv4", True,
    ),
    Release.V17_15_1: (
        "list", "list-v2", "list", "leaf-list", "boolean", "list",
        "tunnel-choice", "address", "list-interface", "ipv4-mode", True,
    ),
    Release.V17_18_1: (
        "list", "list-v2", "list", "leaf-list", "boolean", "list",
        "tunnel-choice", "address", "list-interface", "ipv4-mode", True,
    ),
}  # fmt: skip


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_shapes_per_release(release: Release) -> None:
    s = shapes_for(release)
    assert (
        s.policy_proposal,
        s.authorization_group,
        s.trustpoint_ref,
        s.key_id,
        s.http_url_cert,
        s.anyconnect_profile,
        s.transform_mode,
        s.acl_address,
        s.nat_source,
        s.tunnel_mode,
        s.authorization_policy_attributes,
    ) == EXPECTED[release]
    assert s.profile_anyconnect == s.template_tunnel_protection == release.at_least("17.3.1")
    assert s.nat_interface_overload_required == (release == Release.V17_3_1)
    # No release here models `ip nat inside` on a Virtual-Template.
    assert s.template_nat_inside is False


def test_every_release_has_a_row() -> None:
    assert set(EXPECTED) == set(Release)
