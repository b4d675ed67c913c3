"""Steps 9 and 10: the IPsec transform set and the IPsec profile."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.intent.models import IpsecProfile, TransformSet
from nornir_flexvpn.namespaces import CRYPTO, NATIVE
from nornir_flexvpn.payload.elements import child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.shapes import Shapes, shapes_for
from nornir_flexvpn.releases import Release


def _mode(entry: etree._Element, transform: TransformSet, shapes: Shapes) -> None:
    mode = leaf(entry, "mode")
    if shapes.transform_mode == "tunnel-choice":
        leaf(mode, "tunnel-choice" if transform.mode == "tunnel" else "transport-choice")
    else:
        leaf(mode, transform.mode)


def build_ipsec(
    transform_sets: list[TransformSet], profiles: list[IpsecProfile], release: Release
) -> Fragment:
    """`<crypto><ipsec>`: `transform-set[tag]` and `profile[name]/set`."""
    shapes = shapes_for(release)
    fragment = Fragment("ipsec")
    if not transform_sets and not profiles:
        return fragment
    crypto = fragment.add(element(NATIVE, "crypto"))
    ipsec = child(crypto, CRYPTO, "ipsec")
    for transform in transform_sets:
        entry = leaf(ipsec, "transform-set")
        leaf(entry, "tag", transform.name)
        leaf(entry, "esp", transform.encryption)
        if transform.key_bits is not None:
            leaf(entry, "key-bit", str(transform.key_bits))
        if transform.integrity is not None:
            leaf(entry, "esp-hmac", transform.integrity)
        _mode(entry, transform, shapes)
    for profile in profiles:
        entry = leaf(ipsec, "profile")
        leaf(entry, "name", profile.name)
        settings = leaf(entry, "set")
        leaf(settings, "ikev2-profile", profile.ikev2_profile)
        leaf(settings, "transform-set", profile.transform_set)
    return fragment
