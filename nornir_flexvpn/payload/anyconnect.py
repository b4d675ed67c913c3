"""Step 6: `crypto vpn anyconnect profile NAME URL` (the client profile served to clients)."""

from __future__ import annotations

from nornir_flexvpn.intent.models import AnyConnectProfile
from nornir_flexvpn.namespaces import CRYPTO, NATIVE
from nornir_flexvpn.payload.elements import chain, child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.shapes import shapes_for
from nornir_flexvpn.releases import Release


def build_anyconnect_profiles(profiles: list[AnyConnectProfile], release: Release) -> Fragment:
    """`<crypto><vpn><anyconnect>`: `profile[profile-name]` from 17.9.1, one container before."""
    fragment = Fragment("anyconnect_profile")
    if not profiles:
        return fragment
    crypto = fragment.add(element(NATIVE, "crypto"))
    anyconnect = chain(child(crypto, CRYPTO, "vpn"), "anyconnect")
    if shapes_for(release).anyconnect_profile == "list":
        for profile in profiles:
            entry = leaf(anyconnect, "profile")
            leaf(entry, "profile-name", profile.name)
            leaf(entry, "file", profile.url)
        return fragment
    first, *others = profiles
    container = leaf(anyconnect, "profile-container")
    leaf(container, "profile", first.name)
    leaf(container, "filename", first.url)
    for profile in others:
        fragment.cli_item(
            f"crypto vpn anyconnect profile {profile.name} {profile.url}",
            reason=f"{release.value}: Cisco-IOS-XE-crypto holds one vpn anyconnect"
            " 'profile-container' (no profile list)",
        )
    return fragment
