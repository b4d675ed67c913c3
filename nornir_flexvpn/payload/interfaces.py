"""Steps 11, 12 and 14's interface lines: Loopback, Virtual-Template, `ip nat outside`."""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

from nornir_flexvpn.errors import PayloadError
from nornir_flexvpn.intent.models import FlexVpnIntent, Loopback, VirtualTemplate
from nornir_flexvpn.namespaces import CRYPTO, NAT, NATIVE, TUNNEL
from nornir_flexvpn.payload.elements import chain, child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.shapes import Shapes, shapes_for
from nornir_flexvpn.releases import Release

# `GigabitEthernet1`, `GigabitEthernet0/0/1`, `TenGigabitEthernet0/1/0.100`.
_INTERFACE: Final = re.compile(r"^([A-Za-z][A-Za-z-]*?)(\d[\d/.:]*)$")


def split_interface(name: str, *, path: str) -> tuple[str, str]:
    """(`GigabitEthernet`, `1`): the native list and its key, from the name as CLI writes it."""
    match = _INTERFACE.match(name)
    if match is None:
        raise PayloadError(
            f"interface {name!r} is not <type><number> (e.g. GigabitEthernet1)", path=path
        )
    return match.group(1), match.group(2)


def template_mode_line(template: VirtualTemplate) -> str:
    """The mode line entering the template, as the CLI items' parent."""
    return f"interface Virtual-Template{template.number} type tunnel"


def _loopback(holder: etree._Element, loopback: Loopback) -> None:
    entry = leaf(holder, "Loopback")
    leaf(entry, "name", str(loopback.number))
    primary = chain(entry, "ip", "address", "primary")
    leaf(primary, "address", str(loopback.address))
    leaf(primary, "mask", str(loopback.mask))


def _template(
    holder: etree._Element, template: VirtualTemplate, shapes: Shapes, fragment: Fragment
) -> None:
    release = shapes.release.value
    parents = (template_mode_line(template),)
    entry = leaf(holder, "Virtual-Template")
    leaf(entry, "name", str(template.number))
    leaf(entry, "type", "tunnel")
    ip = leaf(entry, "ip")
    if template.unnumbered_loopback is not None:
        leaf(ip, "unnumbered", f"Loopback{template.unnumbered_loopback}")
    if template.mtu is not None:
        leaf(ip, "mtu", str(template.mtu))
    if template.nat_inside and shapes.template_nat_inside:
        leaf(child(ip, NAT, "nat"), "inside")
    if len(ip) == 0:
        entry.remove(ip)
    tunnel = child(entry, TUNNEL, "tunnel")
    ipsec_mode = chain(tunnel, "mode", "ipsec")
    leaf(ipsec_mode, shapes.tunnel_mode)
    if template.ipsec_profile is not None:
        if shapes.template_tunnel_protection:
            protection = child(leaf(tunnel, "protection"), CRYPTO, "ipsec")
            leaf(leaf(protection, "profile-option"), "name", template.ipsec_profile)
        else:
            fragment.cli_item(
                f"tunnel protection ipsec profile {template.ipsec_profile}",
                parents,
                area="virtual_template",
                reason=f"{release}: no 'tunnel protection ipsec' on Virtual-Template in"
                " Cisco-IOS-XE-tunnel/-crypto",
            )
    if template.nat_inside and not shapes.template_nat_inside:
        fragment.cli_item(
            "ip nat inside",
            parents,
            area="virtual_template",
            reason=f"{release}: no 'ip nat inside' on Virtual-Template in Cisco-IOS-XE-nat",
        )


def _nat_outside(holder: etree._Element, name: str, index: int) -> None:
    kind, number = split_interface(name, path=f"nat.outside_interfaces[{index}]")
    entry = leaf(holder, kind)
    leaf(entry, "name", number)
    leaf(child(leaf(entry, "ip"), NAT, "nat"), "outside")


def build_interfaces(intent: FlexVpnIntent, release: Release) -> Fragment:
    """`<interface>`: Loopbacks, Virtual-Templates, and the NAT outside interfaces."""
    shapes = shapes_for(release)
    fragment = Fragment("interfaces")
    outside = intent.nat.outside_interfaces if intent.nat is not None else []
    if not (intent.loopbacks or intent.virtual_templates or outside):
        return fragment
    holder = fragment.add(element(NATIVE, "interface"))
    for loopback in intent.loopbacks:
        _loopback(holder, loopback)
    for template in intent.virtual_templates:
        _template(holder, template, shapes, fragment)
    for index, name in enumerate(outside):
        _nat_outside(holder, name, index)
    return fragment
