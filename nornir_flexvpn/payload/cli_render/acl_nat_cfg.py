"""ip access-list standard/extended (steps 13, 14) and ip nat inside source (14).

Entries are written without their sequence numbers, in sequence order, as
the document writes them (`show running-config` prefixes `10 `, `20 `...).
Shapes: standard source `ipv4-prefix`/`host` (16.9-17.3) or
`ipv4-address-prefix`/`host-address` (17.9 on); NAT
`source/list[id]/interface[name]/overload` (up to 17.12) or
`source/list-interface/list[id]/interface[name]/overload-new` (17.9 on).
"""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.payload.cli_render.blocks import Block, canonical_interface
from nornir_flexvpn.payload.cli_render.xmlread import Reader, is_removed

_PORT_OPS = ("eq", "gt", "lt", "neq")
_TCP_FLAGS = ("ack", "fin", "psh", "rst", "syn", "urg", "established")


def _sequence(r: Reader, entry: etree._Element) -> int:
    value = r.text(entry, "sequence") or "0"
    return int(value) if value.isdigit() else 0


def _standard_source(r: Reader, ace: etree._Element | None) -> str:
    for leaf in ("ipv4-address-prefix", "ipv4-prefix"):
        prefix = r.text(ace, leaf)
        if prefix is not None:
            mask = r.text(ace, "mask")
            return f"{prefix} {mask}" if mask else prefix
    if r.flag(ace, "any"):
        return "any"
    for leaf in ("host-address", "host"):
        host = r.text(ace, leaf)
        if host is not None:
            return host  # IOS writes a standard host entry as the bare address
    return ""


def _standard_acl(r: Reader, acl: etree._Element) -> Block:
    header = f"ip access-list standard {r.text(acl, 'name')}"
    lines: list[str] = []
    for entry in sorted(r.find_all(acl, "access-list-seq-rule"), key=lambda e: _sequence(r, e)):
        remark = r.text(entry, "remark")
        if remark is not None:
            lines.append(f" remark {remark}")
        for action in ("permit", "deny"):
            ace = r.find(entry, f"{action}/std-ace")
            if r.find(entry, action) is None:
                continue
            words = [action, _standard_source(r, ace)]
            if r.flag(ace, "log"):
                words.append("log")
            lines.append(" " + " ".join(w for w in words if w))
    return Block(header, lines)


def _address(r: Reader, rule: etree._Element, side: str) -> str:
    """Source (`side` "") or destination (`side` "dst") of an extended entry."""
    if side == "":
        prefix, mask, anyleaf, hosts, group = (
            "ipv4-address",
            "mask",
            "any",
            ("host-address", "host"),
            "object-group",
        )
    else:
        prefix, mask, anyleaf, hosts, group = (
            "dest-ipv4-address",
            "dest-mask",
            "dst-any",
            ("dst-host-address", "dst-host"),
            "dst-object-group",
        )
    address = r.text(rule, prefix)
    if address is not None:
        return f"{address} {r.text(rule, mask)}"
    if r.flag(rule, anyleaf):
        return "any"
    for leaf in hosts:
        host = r.text(rule, leaf)
        if host is not None:
            return f"host {host}"
    name = r.text(rule, group)
    if name is not None:
        return f"object-group {name}"
    return ""


def _ports(r: Reader, rule: etree._Element, side: str) -> str:
    for op in _PORT_OPS:
        first = r.text(rule, f"{side}-{op}")
        if first is not None:
            more = [
                v for n in range(2, 11) if (v := r.text(rule, f"{side}-{op}-port{n}")) is not None
            ]
            return " ".join([op, first, *more])
    low = r.text(rule, f"{side}-range1")
    if low is not None:
        return f"range {low} {r.text(rule, f'{side}-range2')}"
    return ""


def _extended_acl(r: Reader, acl: etree._Element) -> Block:
    header = f"ip access-list extended {r.text(acl, 'name')}"
    lines: list[str] = []
    for entry in sorted(r.find_all(acl, "access-list-seq-rule"), key=lambda e: _sequence(r, e)):
        remark = r.text(entry, "remark")
        if remark is not None:
            lines.append(f" remark {remark}")
        rule = r.find(entry, "ace-rule")
        if rule is None:
            continue
        words = [
            r.text(rule, "action") or "",
            r.text(rule, "protocol") or "",
            _address(r, rule, ""),
            _ports(r, rule, "src"),
            _address(r, rule, "dst"),
            _ports(r, rule, "dst"),
        ]
        words += [flag for flag in _TCP_FLAGS if r.flag(rule, flag)]
        for leaf in ("named-msg-type", "dscp", "precedence", "tos", "option"):
            value = r.text(rule, leaf)
            if value is not None:
                words.append(value if leaf == "named-msg-type" else f"{leaf} {value}")
        for flag in ("fragments", "log", "log-input"):
            if r.flag(rule, flag):
                words.append(flag)
        time_range = r.text(rule, "time-range")
        if time_range is not None:
            words += ["time-range", time_range]
        lines.append(" " + " ".join(w for w in words if w))
    return Block(header, lines)


def render_acls(r: Reader, native: etree._Element, out: list[Block]) -> None:
    access_list = r.find(native, "ip/access-list")
    for kind, render in (("standard", _standard_acl), ("extended", _extended_acl)):
        for acl in r.find_all(access_list, kind):
            if is_removed(acl):
                r.use(acl)
                out.append(Block(f"no ip access-list {kind} {r.text(acl, 'name')}"))
                continue
            out.append(render(r, acl))


def _nat_interface_lines(r: Reader, acl: str, entry: etree._Element) -> str:
    name = canonical_interface(r.text(entry, "name") or "")
    words = [f"ip nat inside source list {acl} interface {name}"]
    for leaf in ("vrf",):
        value = r.text(entry, leaf)
        if value is not None:
            words.append(f"{leaf} {value}")
    if r.flag(entry, "overload") or r.flag(entry, "overload-new"):
        words.append("overload")
    return " ".join(words)


def render_nat(r: Reader, native: etree._Element, out: list[Block]) -> None:
    source = r.find(native, "ip/nat/inside/source")
    if source is None:
        return
    # 17.9.1 on: list-interface / list-pool; before: one `list` holding both.
    lists = [*r.find_all(source, "list-interface/list"), *r.find_all(source, "list")]
    lists += r.find_all(source, "list-pool/list")
    for entry in lists:
        acl = r.text(entry, "id") or ""
        if is_removed(entry):
            r.use(entry)
            out.append(Block(f"no ip nat inside source list {acl}"))
            continue
        for interface in r.find_all(entry, "interface"):
            line = _nat_interface_lines(r, acl, interface)
            if is_removed(interface):
                r.use(interface)
                line = "no " + line
            out.append(Block(line))
        for pool in r.find_all(entry, "pool"):
            words = [f"ip nat inside source list {acl} pool {r.text(pool, 'name')}"]
            if r.flag(pool, "overload"):
                words.append("overload")
            out.append(Block(" ".join(words)))
