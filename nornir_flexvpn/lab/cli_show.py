"""What the lab's CLI prints: `show running-config`, `show version`, `dir`.

`show running-config` is the modelled running datastore rendered as IOS
lines (`payload.render_cli`) with the CLI overlay merged into its sections,
so NAPALM's `get_config()` and the planner read exactly what both the NETCONF
side and the CLI side changed. Nothing the lab renders is hidden: secrets
print as the device holds them, like IOS does; callers redact.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.lab.bootflash import Bootflash
from nornir_flexvpn.namespaces import NC
from nornir_flexvpn.payload.render_cli import render_cli
from nornir_flexvpn.payload.types import CliItem

if TYPE_CHECKING:
    from nornir_flexvpn.lab.datastore import Snapshot
    from nornir_flexvpn.lab.device import LabDevice

FILE_SYSTEM = "bootflash:"
# The lab's SSH server always serves SCP into bootflash (lab.sftp), as
# `ip scp server enable` makes a router do; NAPALM looks for the line.
SCP_LINE = "ip scp server enable"


def config_text(snapshot: Snapshot, device: LabDevice, *, extra: list[str]) -> str:
    """IOS configuration text of a snapshot (running or startup)."""
    data = etree.Element(f"{{{NC}}}data")
    for root in snapshot.roots:
        data.append(root)
    items = [
        CliItem(area="lab", line=line, parents=(section,))
        for section, lines in snapshot.cli_overlay.items()
        for line in lines
    ]
    body = render_cli(data, device.release, items)
    lines = [f"version {device.release.value.rsplit('.', 1)[0]}", *extra, *body.splitlines()]
    return "!\n" + "\n".join(lines) + "\n!\nend\n"


def show_config(text: str) -> str:
    """The `show running-config` frame around configuration text."""
    return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n{text}"


def show_version(device: LabDevice) -> str:
    release = device.release.value
    parts = release.split(".")
    dotted = f"{int(parts[0]):02d}.{int(parts[1]):02d}.{int(parts[2]):02d}"
    platform = device.identity.platform or "csr1000v"
    return (
        f"Cisco IOS XE Software, Version {dotted}\n"
        f"Cisco IOS Software [lab], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
        f"Version {release}, RELEASE SOFTWARE (fc1)\n"
        f"{hostname(device)} uptime is 1 hour, 0 minutes\n"
        f'System image file is "bootflash:packages.conf"\n'
        f"cisco {platform} (VXE) processor with 2072472K/3075K bytes of memory.\n"
        f"Configuration register is 0x2102\n"
    )


def hostname(device: LabDevice) -> str:
    for root in device._stores["running"]:
        for node in root.iterfind("{*}hostname"):
            if node.text and node.text.strip():
                return node.text.strip()
    return device.identity.name


def _stamp() -> str:
    return datetime.now(UTC).strftime("%b %d %Y %H:%M:%S +00:00")


def dir_listing(bootflash: Bootflash, name: str) -> str:
    """`dir bootflash:` or `dir bootflash:/<name>` as IOS prints it."""
    files = bootflash.listing()
    if name:
        files = [f for f in files if f.name == name]
        if not files:
            return f"%Error opening {FILE_SYSTEM}/{name} (No such file or directory)\n"
    header = f"Directory of {FILE_SYSTEM}/{name}\n\n"
    rows = "".join(
        f"{i:>8}  -rw-{f.size:>16}  {_stamp()}  {f.name}\n" for i, f in enumerate(files, start=11)
    )
    total = bootflash.capacity
    return f"{header}{rows}\n{total} bytes total ({bootflash.free} bytes free)\n"


def md5_line(url: str, data: bytes) -> str:
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return f"{'.' * 10}Done!\nverify /md5 ({url}) = {digest}\n"
