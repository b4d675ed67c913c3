"""The configuration a lab headend boots with, per release.

What a fresh virtual router has after its day-0 bootstrap: hostname, the
outside interface with its address and no shutdown, the NETCONF admin user,
`netconf-yang`, and the HTTP servers the image ships enabled (the source
document's step 8 turns them off, so they must be on to begin with). The
admin secret is a fixed type-9 hash (not a usable password: the lab's SSH
credentials live in the transport, never in the configuration).
"""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.lab.xmlutil import parse
from nornir_flexvpn.namespaces import CISCO_IA, HTTP, NATIVE, SELF_MGMT
from nornir_flexvpn.releases import Release

OUTSIDE_INTERFACE = "1"  # GigabitEthernet1
OUTSIDE_ADDRESS = "198.51.100.2"
OUTSIDE_MASK = "255.255.255.0"
ADMIN_USER = "admin"
# A well-formed scrypt ($9$) hash of nothing anybody knows; it only has to look real.
_ADMIN_HASH = "$9$lab0000000000$Lc0H2d6XgR4u8W1bQ9sV3yJ5nK7pT0mZ2aE4fC6hD8k"
# netconf-yang's snmp-trap-control as IOS-XE shows it after `netconf-yang`.
_DEFAULT_TRAP_OIDS = ("1.3.6.1.4.1.9.9.41.2.0.1", "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.4")


def baseline_config(release: Release, hostname: str) -> list[etree._Element]:
    """The top-level data nodes of the boot configuration (running = startup).

    The same lines express it in every supported release; `release` is the
    seam for a release that ships different defaults.
    """
    native = parse(
        f"""<native xmlns="{NATIVE}">
  <hostname>{hostname}</hostname>
  <username>
    <name>{ADMIN_USER}</name>
    <privilege>15</privilege>
    <secret><encryption>9</encryption><secret>{_ADMIN_HASH}</secret></secret>
  </username>
  <ip>
    <http xmlns="{HTTP}">
      <server>true</server>
      <secure-server>true</secure-server>
    </http>
  </ip>
  <interface>
    <GigabitEthernet>
      <name>{OUTSIDE_INTERFACE}</name>
      <ip><address><primary>
        <address>{OUTSIDE_ADDRESS}</address><mask>{OUTSIDE_MASK}</mask>
      </primary></address></ip>
    </GigabitEthernet>
  </interface>
</native>"""
    )
    traps = "".join(
        f"<trap-list><trap-oid>{oid}</trap-oid></trap-list>" for oid in _DEFAULT_TRAP_OIDS
    )
    netconf_yang = parse(
        f"""<netconf-yang xmlns="{SELF_MGMT}">
  <cisco-ia xmlns="{CISCO_IA}">
    <snmp-trap-control>{traps}</snmp-trap-control>
  </cisco-ia>
</netconf-yang>"""
    )
    return [native, netconf_yang]
