"""Cisco-IOS-XE-cli-rpc (17.9.1 on): config-mode CLI for lines no model carries.

The lab understands only what the project needs to send this way - `ip nat
inside` / `no ip nat inside` on `interface Virtual-Template<N> type tunnel`
- and keeps it as a CLI overlay beside the modelled data. Everything else is
refused the way IOS refuses it, and a refused batch changes nothing. The
lab's `configure confirm` (exec, as on IOS) confirms a cisco-ia timed rollback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.lab import cli_config
from nornir_flexvpn.lab.contract import SessionInfo
from nornir_flexvpn.lab.params import rpc_params
from nornir_flexvpn.lab.redact import redact_cli_line
from nornir_flexvpn.lab.replies import operation_not_supported, rpc_error
from nornir_flexvpn.lab.xmlutil import default_nsmap, nc, text_of
from nornir_flexvpn.namespaces import CLI_RPC, NC

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

INVALID_INPUT = "% Invalid input detected at '^' marker."
_VT_HEADER = re.compile(
    r"^interface\s+virtual-template\s*(\d+)(?:\s+type\s+tunnel)?$", re.IGNORECASE
)
_NAT_INSIDE = re.compile(r"^(no\s+)?ip\s+nat\s+inside$", re.IGNORECASE)
_CONFIRM = re.compile(r"^(do\s+)?configure\s+confirm$", re.IGNORECASE)


def vt_section(number: int) -> str:
    return f"interface Virtual-Template{number} type tunnel"


@dataclass
class CliRejected(Exception):
    lineno: int
    line: str
    reason: str = INVALID_INPUT


def section_exists(device: LabDevice, section: str) -> bool:
    # Every overlay section the lab knows (the CLI shell adds IKEv2 ones on 16.9).
    return cli_config.section_exists(device, section)


def apply_lines(device: LabDevice, text: str) -> tuple[dict[str, list[str]], bool]:
    """The overlay after `text`, and whether it asked to confirm a timed rollback.

    Raises CliRejected naming the first line the lab does not understand."""
    overlay = {k: list(v) for k, v in device.cli_overlay.items()}
    confirm = False
    section: str | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line or line.startswith("!"):
            continue
        if line.lower() in ("end", "exit"):
            section = None
            continue
        if _CONFIRM.match(line):
            confirm = True
            continue
        header = _VT_HEADER.match(line)
        if header:
            section = vt_section(int(header.group(1)))
            if not section_exists(device, section):
                raise CliRejected(
                    lineno, raw, f"% Virtual-Template{header.group(1)} is not configured (lab)"
                )
            continue
        nat = _NAT_INSIDE.match(line)
        if nat and section is not None:
            lines = overlay.setdefault(section, [])
            if nat.group(1):
                if "ip nat inside" in lines:
                    lines.remove("ip nat inside")
                if not lines:
                    del overlay[section]
            elif "ip nat inside" not in lines:
                lines.append("ip nat inside")
            continue
        raise CliRejected(lineno, raw)
    return overlay, confirm


def _require_rpc(device: LabDevice, name: str) -> None:
    if not device.has_rpc("Cisco-IOS-XE-cli-rpc", name):
        raise operation_not_supported(f"<{name}> in {device.release.value}")


def _run(device: LabDevice, session: SessionInfo, text: str, rpc: str) -> None:
    device.locks.check_writable("running", session.session_id)
    try:
        overlay, confirm = apply_lines(device, text)
    except CliRejected as rejected:
        raise rpc_error(
            f"{rejected.reason} (line {rejected.lineno}: {redact_cli_line(rejected.line.strip())!r})",
            "operation-failed",
            path=f"/cli-rpc:{rpc}",
            info={"bad-element": "config-clis" if rpc == "config-ios-cli-rpc" else "clis"},
        ) from None
    device.cli_overlay = overlay
    if confirm:
        device.ia.confirm()


def _result(value: str) -> etree._Element:
    reply = etree.Element(nc("rpc-reply"), nsmap=default_nsmap(NC))
    etree.SubElement(reply, f"{{{CLI_RPC}}}result", nsmap=default_nsmap(CLI_RPC)).text = value
    return reply


def config_ios_cli_rpc(
    device: LabDevice, session: SessionInfo, op: etree._Element
) -> etree._Element:
    _require_rpc(device, "config-ios-cli-rpc")
    params = rpc_params(
        op, CLI_RPC, ("config-clis", "timeout", "error-patterns"), required=("config-clis",)
    )
    _run(device, session, text_of(params["config-clis"]), "config-ios-cli-rpc")
    return _result("")


def config_ios_cli_trans(
    device: LabDevice, session: SessionInfo, op: etree._Element
) -> etree._Element:
    _require_rpc(device, "config-ios-cli-trans")
    params = rpc_params(op, CLI_RPC, ("clis", "do-commit", "operation"), required=("clis",))
    operation = text_of(params.get("operation")) or "merge"
    if operation != "merge":
        raise operation_not_supported(f"config-ios-cli-trans operation {operation!r} in the lab")
    _run(device, session, text_of(params["clis"]), "config-ios-cli-trans")
    return _result("")
