"""`Cisco-IOS-XE-interfaces-oper`, parsed: the Loopback, the Virtual-Template, each Virtual-Access."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from nornir_flexvpn.checks import xmlread as x
from nornir_flexvpn.namespaces import INTERFACES_OPER

NS = INTERFACES_OPER
ROOT = "interfaces"

ADMIN = {
    "if-state-unknown": "unknown",
    "if-state-up": "up",
    "if-state-down": "down",
    "if-state-test": "test",
}
OPER = {
    "if-oper-state-invalid": "invalid",
    "if-oper-state-ready": "up",
    "if-oper-state-no-pass": "down",
    "if-oper-state-test": "test",
    "if-oper-state-unknown": "unknown",
    "if-oper-state-dormant": "dormant",
    "if-oper-state-not-present": "not-present",
    "if-oper-state-lower-layer-down": "lower-layer-down",
}


@dataclass(frozen=True)
class InterfaceState:
    name: str
    admin: str | None
    oper: str | None
    address: str | None
    mask: str | None
    mtu: int | None
    template: str | None  # a Virtual-Access's Virtual-Template (higher-layer-if)
    packets_in: int | None
    packets_out: int | None
    in_errors: int | None
    out_errors: int | None
    in_discards: int | None
    out_discards: int | None

    @property
    def up(self) -> bool:
        return self.admin == "up" and self.oper == "up"

    @property
    def status(self) -> str:
        if self.admin == "down":
            return "administratively down"
        return f"{self.admin or '?'}/{self.oper or '?'}"


def parse_interfaces(data: etree._Element) -> dict[str, InterfaceState]:
    root = x.top(data, NS, ROOT)
    if root is None:
        return {}
    base = f"/{ROOT}"
    out: dict[str, InterfaceState] = {}
    for entry in x.children(root, NS, "interface"):
        name = x.key(entry, NS, "name", f"{base}/interface")
        where = x.keyed(base, "interface", "name", name)
        higher = [(e.text or "").strip() for e in x.children(entry, NS, "higher-layer-if")]
        stats = x.child(entry, NS, "statistics", where)
        here = f"{where}/statistics"

        def counter(
            leaf: str, stats: etree._Element | None = stats, here: str = here
        ) -> int | None:
            return x.integer(stats, NS, leaf, here) if stats is not None else None

        out[name] = InterfaceState(
            name=name,
            admin=x.enum(entry, NS, "admin-status", where, ADMIN),
            oper=x.enum(entry, NS, "oper-status", where, OPER),
            address=x.address(entry, NS, "ipv4", where),
            mask=x.address(entry, NS, "ipv4-subnet-mask", where),
            mtu=x.integer(entry, NS, "mtu", where),
            template=next((h for h in higher if h.startswith("Virtual-Template")), None),
            packets_in=counter("in-unicast-pkts"),
            packets_out=counter("out-unicast-pkts"),
            in_errors=counter("in-errors"),
            out_errors=counter("out-errors"),
            in_discards=counter("in-discards"),
            out_discards=counter("out-discards"),
        )
    return out
