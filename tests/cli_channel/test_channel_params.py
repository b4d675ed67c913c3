"""Who the CLI channel logs in as, which host keys it trusts, and when it is used."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_flexvpn.cli_channel.mode import CliChannelMode, use_napalm
from nornir_flexvpn.cli_channel.napalm_channel import config_commands
from nornir_flexvpn.cli_channel.params import NapalmParams
from nornir_flexvpn.errors import HostKeyError, IntentError
from nornir_flexvpn.netconf.capabilities import DeviceCapabilities
from nornir_flexvpn.netconf.connection import ConnectionParams
from nornir_flexvpn.payload.types import CliItem

BASE = "urn:ietf:params:netconf:base:1.0"
CLI_RPC = "http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc?module=Cisco-IOS-XE-cli-rpc"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"


def _netconf(tmp_path: Path, **kwargs: object) -> ConnectionParams:
    known = tmp_path / "known_hosts"
    known.write_text(f"[192.0.2.1]:830 {KEY}\n")
    return ConnectionParams(
        host="192.0.2.1",
        username="admin",
        password="s3cret-pw",
        port=830,
        known_hosts=known,
        **kwargs,  # type: ignore[arg-type]
    )


def test_same_credentials_and_known_hosts_as_netconf(tmp_path: Path) -> None:
    params = NapalmParams.from_netconf(_netconf(tmp_path), port=22, optional_args={"fast_cli": 1})
    args = params.optional_args()
    assert (params.username, params.password, params.port) == ("admin", "s3cret-pw", 22)
    assert args["ssh_strict"] is True and args["alt_host_keys"] is True
    assert args["system_host_keys"] is False
    assert args["alt_key_file"] == str(tmp_path / "known_hosts")
    assert args["fast_cli"] == 1 and args["port"] == 22
    assert "s3cret-pw" not in repr(params)


def test_unknown_endpoint_is_refused_before_connecting(tmp_path: Path) -> None:
    on_830 = NapalmParams.from_netconf(_netconf(tmp_path))
    on_830.check_known()
    with pytest.raises(HostKeyError, match=r"192\.0\.2\.1:22 is unknown"):
        NapalmParams.from_netconf(_netconf(tmp_path), port=22).check_known()


def test_host_key_rules_cannot_be_loosened_in_napalm_extras(tmp_path: Path) -> None:
    with pytest.raises(IntentError, match="ssh_strict"):
        NapalmParams.from_netconf(_netconf(tmp_path), optional_args={"ssh_strict": False})


def test_unverified_never_writes_known_hosts(tmp_path: Path) -> None:
    params = NapalmParams.from_netconf(_netconf(tmp_path, verify_host_key=False))
    params.check_known()  # warns only
    args = params.optional_args()
    assert args["ssh_strict"] is False and args["alt_host_keys"] is False


def test_auto_uses_napalm_only_without_cli_rpc() -> None:
    old = DeviceCapabilities.parse([BASE])
    new = DeviceCapabilities.parse([BASE, CLI_RPC])
    assert new.cli_rpc and not old.cli_rpc
    assert use_napalm(CliChannelMode.AUTO, old) and not use_napalm(CliChannelMode.AUTO, new)
    assert use_napalm(CliChannelMode.NAPALM, new)
    assert not use_napalm(CliChannelMode.NEVER, old)


def test_each_item_enters_and_leaves_its_mode() -> None:
    items = [
        CliItem("vt", "ip nat inside", ("interface Virtual-Template100 type tunnel",)),
        CliItem("global", "file prompt quiet"),
    ]
    assert config_commands(items) == [
        "interface Virtual-Template100 type tunnel",
        "ip nat inside",
        "exit",
        "file prompt quiet",
    ]
