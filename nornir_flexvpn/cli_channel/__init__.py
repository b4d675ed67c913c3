"""The CLI channel: lines no model carries, sent over SSH through NAPALM's `ios` driver.

For releases whose NETCONF has no Cisco-IOS-XE-cli-rpc (16.9, 17.3), the
transaction (`netconf.transaction.Transaction(cli_channel=...)`) sends its
CLI items through `NapalmCliChannel` inside the same checkpoint guard, and the
planner reads them back with `NapalmCliChannel.running`.
"""

from nornir_flexvpn.cli_channel.mode import CliChannelMode, needs_cli_channel
from nornir_flexvpn.cli_channel.napalm_channel import NapalmCliChannel, SentLine
from nornir_flexvpn.cli_channel.params import NapalmParams

__all__ = ["CliChannelMode", "NapalmCliChannel", "NapalmParams", "SentLine", "needs_cli_channel"]
