"""The few running-config facts the checks set against state: pools and Virtual-Templates.

Read through the same `get` as the state (a filtered <get> returns the
configuration of `native` too), so a RESTCONF source serves it as well.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from lxml import etree

from nornir_flexvpn.checks import xmlread as x
from nornir_flexvpn.errors import OperReplyError
from nornir_flexvpn.namespaces import CRYPTO, NATIVE, TUNNEL

ROOT = "native"


@dataclass(frozen=True)
class PoolConfig:
    name: str
    start: str
    last: str

    @property
    def size(self) -> int:
        return int(ipaddress.IPv4Address(self.last)) - int(ipaddress.IPv4Address(self.start)) + 1

    def holds(self, address: str | None) -> bool:
        if address is None:
            return False
        try:
            value = int(ipaddress.IPv4Address(address))
        except ValueError:
            return False
        low, high = int(ipaddress.IPv4Address(self.start)), int(ipaddress.IPv4Address(self.last))
        return low <= value <= high


@dataclass(frozen=True)
class TemplateConfig:
    number: int
    unnumbered: str | None
    mtu: int | None
    ipsec_profile: str | None
    tunnel_mode: str | None
    nat_inside: bool


@dataclass(frozen=True)
class RunningFacts:
    pools: dict[str, PoolConfig]
    templates: dict[int, TemplateConfig]


def parse_running(data: etree._Element) -> RunningFacts:
    root = x.top(data, NATIVE, ROOT)
    if root is None:
        return RunningFacts({}, {})
    base = f"/{ROOT}"
    pools: dict[str, PoolConfig] = {}
    local = x.child(root, NATIVE, "ip", base)
    local = x.child(local, NATIVE, "local", f"{base}/ip") if local is not None else None
    for pool in x.children(local, NATIVE, "pool") if local is not None else []:
        name = x.key(pool, NATIVE, "id", f"{base}/ip/local/pool")
        where = x.keyed(f"{base}/ip/local", "pool", "id", name)
        start = x.address(pool, NATIVE, "start", where)
        last = x.address(pool, NATIVE, "last", where)
        if start is None or last is None:
            raise OperReplyError("a pool needs start and last addresses", path=where)
        pools[name] = PoolConfig(name, start, last)
    templates: dict[int, TemplateConfig] = {}
    interface = x.child(root, NATIVE, "interface", base)
    for vt in x.children(interface, NATIVE, "Virtual-Template") if interface is not None else []:
        number = x.key(vt, NATIVE, "name", f"{base}/interface/Virtual-Template")
        where = x.keyed(f"{base}/interface", "Virtual-Template", "name", number)
        if not number.isdigit():
            raise OperReplyError(f"{number!r} is not a template number", path=where)
        templates[int(number)] = _template(vt, int(number), where)
    return RunningFacts(pools, templates)


def _template(vt: etree._Element, number: int, where: str) -> TemplateConfig:
    ip = x.child(vt, NATIVE, "ip", where)
    unnumbered = mtu = None
    nat_inside = False
    if ip is not None:
        unnumbered = x.text(ip, NATIVE, "unnumbered", f"{where}/ip")
        mtu = x.integer(ip, NATIVE, "mtu", f"{where}/ip")
        nat = ip.find("{http://cisco.com/ns/yang/Cisco-IOS-XE-nat}nat")
        nat_inside = (
            nat is not None
            and nat.find("{http://cisco.com/ns/yang/Cisco-IOS-XE-nat}inside") is not None
        )
    tunnel = x.child(vt, TUNNEL, "tunnel", where)
    profile = mode = None
    if tunnel is not None:
        here = f"{where}/tunnel"
        protection = x.child(tunnel, TUNNEL, "protection", here)
        ipsec = (
            x.child(protection, CRYPTO, "ipsec", f"{here}/protection")
            if protection is not None
            else None
        )
        if ipsec is not None:
            option = x.child(ipsec, CRYPTO, "profile-option", f"{here}/protection/ipsec")
            if option is not None:
                profile = x.text(option, CRYPTO, "name", f"{here}/protection/ipsec/profile-option")
            else:
                profile = x.text(ipsec, CRYPTO, "profile", f"{here}/protection/ipsec")
        modes = x.child(tunnel, TUNNEL, "mode", here)
        if modes is not None:
            ipsec_mode = x.child(modes, TUNNEL, "ipsec", f"{here}/mode")
            if (
                ipsec_mode is not None
                and x.child(ipsec_mode, TUNNEL, "ipv4", f"{here}/mode/ipsec") is not None
            ):
                mode = "ipsec ipv4"
    return TemplateConfig(number, unnumbered, mtu, profile, mode, nat_inside)
