"""Step 14: `ip nat inside source list ACL interface IF overload`.

The interface side (`ip nat outside`, and the Virtual-Template's unmodelled
`ip nat inside`) is in interfaces.py.
"""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.intent.models import Nat
from nornir_flexvpn.namespaces import NAT, NATIVE
from nornir_flexvpn.payload.elements import chain, child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.shapes import shapes_for
from nornir_flexvpn.releases import Release


def build_nat(nat: Nat | None, release: Release) -> Fragment:
    """`<ip><nat><inside><source>`: `list-interface/list` from 17.9.1, `list` before."""
    shapes = shapes_for(release)
    fragment = Fragment("nat")
    if nat is None or not nat.inside_source:
        return fragment
    ip = element(NATIVE, "ip")
    source = chain(child(ip, NAT, "nat"), "inside", "source")
    new_shape = shapes.nat_source == "list-interface"
    holder = leaf(source, "list-interface") if new_shape else source
    entries: dict[str, etree._Element] = {}
    for rule in nat.inside_source:
        if not rule.overload and shapes.nat_interface_overload_required:
            fragment.cli_item(
                f"ip nat inside source list {rule.acl} interface {rule.interface}",
                reason=f"{release.value}: nat inside source list interface without 'overload'"
                " has no node in Cisco-IOS-XE-nat (overload is mandatory there)",
            )
            continue
        entry = entries.get(rule.acl)
        if entry is None:
            entry = entries[rule.acl] = leaf(holder, "list")
            leaf(entry, "id", rule.acl)
        interface = leaf(entry, "interface")
        leaf(interface, "name", rule.interface)
        if rule.overload:
            leaf(interface, "overload-new" if new_shape else "overload")
    if entries:
        fragment.add(ip)
    return fragment
