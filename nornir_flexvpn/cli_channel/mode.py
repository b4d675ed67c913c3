"""When the NAPALM CLI channel is used: the user's choice against what the release needs."""

from __future__ import annotations

from enum import Enum

from nornir_flexvpn.netconf.capabilities import DeviceCapabilities


class CliChannelMode(Enum):
    AUTO = "auto"  # only where the lines need it (CLI items and no cli-rpc)
    NAPALM = "napalm"  # always for CLI items, even where cli-rpc exists
    NEVER = "never"  # never: a release that needs it gets a refusal naming the lines


def needs_cli_channel(caps: DeviceCapabilities) -> bool:
    """The release's NETCONF cannot send configuration-mode CLI (no Cisco-IOS-XE-cli-rpc)."""
    return not caps.cli_rpc


def use_napalm(mode: CliChannelMode, caps: DeviceCapabilities) -> bool:
    if mode is CliChannelMode.NEVER:
        return False
    return mode is CliChannelMode.NAPALM or needs_cli_channel(caps)
