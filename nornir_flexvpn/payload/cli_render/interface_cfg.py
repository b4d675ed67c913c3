"""interface blocks (steps 11, 12, 14): Loopback, Virtual-Template, the outside interface.

Every interface type under native/interface renders the same common lines;
the Virtual-Template's tunnel lines read both shapes of `tunnel mode ipsec
ipv4` (`mode/ipsec/ipv4` up to 17.12, `mode/ipsec/ipv4-mode` from 17.15)
and of `tunnel protection ipsec profile` (`profile-option/name`, or the old
`profile` leaf). `ip nat inside` on a Virtual-Template is in no model: it
arrives as a CLI item.
"""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.payload.cli_render.blocks import Block, canonical_interface
from nornir_flexvpn.payload.cli_render.xmlread import (
    Reader,
    element_children,
    is_removed,
    localname,
)


def _address_lines(r: Reader, ip: etree._Element | None) -> list[str]:
    lines: list[str] = []
    unnumbered = r.text(ip, "unnumbered")
    if unnumbered is not None:
        lines.append(f"ip unnumbered {canonical_interface(unnumbered)}")
    primary = r.find(ip, "address/primary")
    if primary is not None:
        address, mask = r.text(primary, "address"), r.text(primary, "mask")
        lines.append(f"ip address {address} {mask}")
    for entry in r.find_all(ip, "address/secondary"):
        address, mask = r.text(entry, "address"), r.text(entry, "mask")
        r.flag(entry, "secondary")
        lines.append(f"ip address {address} {mask} secondary")
    if r.flag(ip, "address/dhcp"):
        lines.append("ip address dhcp")
    if r.flag(ip, "address/negotiated"):
        lines.append("ip address negotiated")
    return lines


def _ip_lines(r: Reader, ip: etree._Element | None) -> list[str]:
    lines = _address_lines(r, ip)
    mtu = r.text(ip, "mtu")
    if mtu is not None:
        lines.append(f"ip mtu {mtu}")
    for side in ("inside", "outside"):
        if r.flag(ip, f"nat/{side}"):
            lines.append(f"ip nat {side}")
    mss = r.text(ip, "tcp/adjust-mss")
    if mss is not None:
        lines.append(f"ip tcp adjust-mss {mss}")
    for leaf, word in (("redirects", "redirects"), ("proxy-arp", "proxy-arp")):
        value = r.boolean(ip, leaf)
        if value is not None:
            lines.append(("" if value else "no ") + f"ip {word}")
    return lines


def _tunnel_lines(r: Reader, tunnel: etree._Element | None) -> list[str]:
    lines: list[str] = []
    source = r.text(tunnel, "source")
    if source is not None:
        lines.append(f"tunnel source {canonical_interface(source)}")
    ipsec = r.find(tunnel, "mode/ipsec")
    if ipsec is not None:
        for family, leaves in (("ipv4", ("ipv4-mode", "ipv4")), ("ipv6", ("ipv6-mode", "ipv6"))):
            for leaf in leaves:
                if r.flag(ipsec, leaf):
                    overlay = "v6-overlay" if family == "ipv4" else "v4-overlay"
                    extra = " " + overlay if r.flag(ipsec, f"{leaf}/{overlay}") else ""
                    lines.append(f"tunnel mode ipsec {family}{extra}")
        if r.flag(ipsec, "dual-overlay-mode") or r.flag(ipsec, "dual-overlay"):
            lines.append("tunnel mode ipsec dual-overlay")
    protection = r.find(tunnel, "protection/ipsec")
    if protection is not None:
        option = r.find(protection, "profile-option")
        name = r.text(option, "name")
        if name is None:
            name = r.text(protection, "profile")  # obsolete shape
            option = protection
        if name is not None:
            words = ["tunnel protection ipsec profile", name]
            for leaf in ("ikev2-profile", "isakmp-profile"):
                value = r.text(option, leaf)
                if value is not None:
                    words += [leaf, value]
            if r.flag(option, "shared"):
                words.append("shared")
            lines.append(" ".join(words))
    return lines


def _interface_block(r: Reader, kind: str, entry: etree._Element) -> Block:
    name = r.text(entry, "name") or ""
    header = f"interface {kind}{name}"
    if is_removed(entry):
        r.use(entry)
        return Block(f"no {header}")
    kind_of = r.text(entry, "type")
    if kind_of is not None:
        header += f" type {kind_of}"
    lines: list[str] = []
    description = r.text(entry, "description")
    if description is not None:
        lines.append(f"description {description}")
    vrf = r.text(entry, "vrf/forwarding")
    if vrf is not None:
        lines.append(f"vrf forwarding {vrf}")
    lines += _ip_lines(r, r.find(entry, "ip"))
    mtu = r.text(entry, "mtu")
    if mtu is not None:
        lines.append(f"mtu {mtu}")
    shutdown = r.find(entry, "shutdown")
    if shutdown is not None:
        r.use(shutdown)
        lines.append("no shutdown" if is_removed(shutdown) else "shutdown")
    auto = r.boolean(entry, "negotiation/auto")
    if auto is not None:
        lines.append(("" if auto else "no ") + "negotiation auto")
    for leaf in ("enabled", "sysid"):
        value = r.boolean(entry, f"mop/{leaf}")
        if value is not None:
            lines.append(("" if value else "no ") + f"mop {leaf}")
    lines += _tunnel_lines(r, r.find(entry, "tunnel"))
    return Block(header, [" " + line for line in lines])


def render_interfaces(r: Reader, native: etree._Element, out: list[Block]) -> None:
    container = r.find(native, "interface")
    if container is None:
        return
    for node in element_children(container):
        kind = localname(node)
        if kind.endswith("-subinterface"):  # a container of `<Type><name>1.10</name>` entries
            for entry in element_children(node):
                out.append(_interface_block(r, localname(entry), entry))
            continue
        out.append(_interface_block(r, kind, node))
