"""`build_payload`: the whole headend for one release, as one `<config><native>`."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.namespaces import NATIVE, NC, qn
from nornir_flexvpn.payload.aaa import build_aaa
from nornir_flexvpn.payload.acl import build_acls
from nornir_flexvpn.payload.anyconnect import build_anyconnect_profiles
from nornir_flexvpn.payload.authorization_policy import build_authorization_policies
from nornir_flexvpn.payload.elements import default_nsmap, merge_into
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.http import build_http
from nornir_flexvpn.payload.ikev2 import build_ikev2
from nornir_flexvpn.payload.interfaces import build_interfaces
from nornir_flexvpn.payload.ipsec import build_ipsec
from nornir_flexvpn.payload.nat import build_nat
from nornir_flexvpn.payload.pki import build_pki
from nornir_flexvpn.payload.pool import build_pools
from nornir_flexvpn.payload.secrets_protocol import UserSecrets
from nornir_flexvpn.payload.types import CliItem, Payload
from nornir_flexvpn.releases import Release


def build_fragments(
    intent: FlexVpnIntent, release: Release, secrets: UserSecrets
) -> list[Fragment]:
    """Every area's fragment, in the document's step order (which fixes the payload's order)."""
    return [
        build_aaa(intent.aaa, release, secrets),
        build_pki(intent.trustpoint, release),
        build_pools(intent.pools, release),
        build_authorization_policies(intent.authorization_policies, release),
        build_anyconnect_profiles(intent.anyconnect_profiles, release),
        build_ikev2(intent, release),
        build_http(intent, release),
        build_ipsec(intent.transform_sets, intent.ipsec_profiles, release),
        build_interfaces(intent, release),
        build_acls(intent.acls, release),
        build_nat(intent.nat, release),
    ]


def assemble(fragments: list[Fragment]) -> tuple[etree._Element, list[CliItem]]:
    """One `<nc:config><native>` holding every fragment's subtrees, and all CLI items."""
    config = etree.Element(qn(NC, "config"), nsmap={"nc": NC})
    native = etree.SubElement(config, qn(NATIVE, "native"), nsmap=default_nsmap(NATIVE))
    cli: list[CliItem] = []
    for fragment in fragments:
        for node in fragment.elements:
            merge_into(native, node)
        cli.extend(fragment.cli)
    return config, cli


def build_payload(intent: FlexVpnIntent, release: Release, secrets: UserSecrets) -> Payload:
    """The headend's configuration for `release`: native XML plus the lines it cannot model.

    Pure: no I/O, and the same intent, release and secrets give the same bytes.
    """
    config, cli = assemble(build_fragments(intent, release, secrets))
    return Payload(release=release, config=config, cli=cli)
