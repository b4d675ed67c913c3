"""`Cisco-IOS-XE-interfaces-oper`: the headend's interfaces as `show interfaces` sees them.

GigabitEthernet and Loopback interfaces from the running config, each
Virtual-Template (a template is never up), and one Virtual-Access per
connected client, derived from its template (address borrowed through `ip
unnumbered`, ip mtu) with the session's packet counters. Every release has
this module; `prune` fits the shape to it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.lab.clients import ClientSession
from nornir_flexvpn.lab.headend_config import HeadendConfig, read_headend_config
from nornir_flexvpn.lab.oper import OperBuilder, date_and_time, prune
from nornir_flexvpn.namespaces import INTERFACES_OPER

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

ROOT = "interfaces"
UP = ("if-state-up", "if-oper-state-ready")
TEMPLATE = ("if-state-up", "if-oper-state-no-pass")
SHUT = ("if-state-down", "if-oper-state-no-pass")
_B = OperBuilder(INTERFACES_OPER)
_BOOT = dt.datetime.now(dt.UTC)


def interfaces_oper_state(device: LabDevice) -> list[etree._Element]:
    if device.index.root(INTERFACES_OPER, ROOT) is None:
        return []
    config = read_headend_config(device)
    root = _B.root(ROOT)
    index = 0
    for name, itf in sorted(config.physical.items()):
        index += 1
        entry = _interface(
            root, name, "iana-iftype-ethernet-csmacd", SHUT if itf.shutdown else UP, index, _BOOT
        )
        _B.leaf(entry, "phys-address", f"52:54:00:00:00:{index:02x}")
        _B.leaf(entry, "speed", 1_000_000_000)
        _counters(entry, 0, 0, 0, 0, _BOOT)
        _addressing(entry, itf.address, itf.mask, 1500)
    for name, itf in sorted(config.loopbacks.items()):
        index += 1
        entry = _interface(
            root, name, "iana-iftype-sw-loopback", SHUT if itf.shutdown else UP, index, _BOOT
        )
        _B.leaf(entry, "speed", 8_000_000_000)
        _counters(entry, 0, 0, 0, 0, _BOOT)
        _addressing(entry, itf.address, itf.mask, 1514)
    for number, vt in sorted(config.virtual_templates.items()):
        index += 1
        entry = _interface(
            root, f"Virtual-Template{number}", "iana-iftype-tunnel", TEMPLATE, index, _BOOT
        )
        _B.leaf(entry, "speed", 100_000)
        _counters(entry, 0, 0, 0, 0, _BOOT)
        _addressing(entry, *_borrowed(config, vt.unnumbered), vt.mtu or 1500)
    for session in sorted(device.runtime.sessions.values(), key=lambda s: s.virtual_access):
        _virtual_access(root, config, session, 1000 + session.virtual_access)
    pruned = prune(device.index, root)
    return [] if pruned is None or len(pruned) == 0 else [pruned]


def _borrowed(config: HeadendConfig, unnumbered: str | None) -> tuple[str | None, str | None]:
    if unnumbered is None:
        return None, None
    key = unnumbered.replace(" ", "")
    for table in (config.loopbacks, config.physical):
        itf = table.get(key)
        if itf is not None:
            return itf.address, itf.mask
    return None, None


def _virtual_access(
    root: etree._Element, config: HeadendConfig, session: ClientSession, if_index: int
) -> None:
    entry = _interface(root, session.interface, "iana-iftype-tunnel", UP, if_index, session.created)
    _B.leaf(entry, "higher-layer-if", f"Virtual-Template{session.virtual_template}")
    _B.leaf(entry, "speed", 100_000)
    _counters(
        entry,
        session.packets_in,
        session.octets_in,
        session.packets_out,
        session.octets_out,
        session.created,
    )
    _addressing(entry, *_borrowed(config, session.unnumbered), session.mtu or 1500)
    _B.leaf(entry, "description", f"AnyConnect {session.user} {session.assigned_ip}")


def _interface(
    root: etree._Element,
    name: str,
    kind: str,
    status: tuple[str, str],
    if_index: int,
    since: dt.datetime,
) -> etree._Element:
    entry = _B.node(root, "interface")
    _B.leaf(entry, "name", name)
    _B.leaf(entry, "interface-type", kind)
    _B.leaf(entry, "admin-status", status[0])
    _B.leaf(entry, "oper-status", status[1])
    _B.leaf(entry, "last-change", date_and_time(since))
    _B.leaf(entry, "if-index", if_index)
    return entry


def _counters(
    entry: etree._Element,
    packets_in: int,
    octets_in: int,
    packets_out: int,
    octets_out: int,
    since: dt.datetime,
) -> None:
    stats = _B.node(entry, "statistics")
    _B.leaf(stats, "discontinuity-time", date_and_time(since))
    _B.leaf(stats, "in-octets", octets_in)
    _B.leaf(stats, "in-unicast-pkts", packets_in)
    _B.leaf(stats, "in-broadcast-pkts", 0)
    _B.leaf(stats, "in-multicast-pkts", 0)
    _B.leaf(stats, "in-discards", 0)
    _B.leaf(stats, "in-errors", 0)
    _B.leaf(stats, "in-unknown-protos", 0)
    _B.leaf(stats, "out-octets", octets_out % 2**32)
    _B.leaf(stats, "out-unicast-pkts", packets_out)
    _B.leaf(stats, "out-broadcast-pkts", 0)
    _B.leaf(stats, "out-multicast-pkts", 0)
    _B.leaf(stats, "out-discards", 0)
    _B.leaf(stats, "out-errors", 0)
    _B.leaf(stats, "in-discards-64", 0)
    _B.leaf(stats, "in-errors-64", 0)
    _B.leaf(stats, "in-unknown-protos-64", 0)
    _B.leaf(stats, "out-octets-64", octets_out)


def _addressing(entry: etree._Element, address: str | None, mask: str | None, mtu: int) -> None:
    _B.leaf(entry, "vrf", "")
    if address and mask:
        _B.leaf(entry, "ipv4", address)
        _B.leaf(entry, "ipv4-subnet-mask", mask)
    _B.leaf(entry, "mtu", mtu)
