"""The lab headend's IOS CLI: what NAPALM's `ios` driver needs, and IOS's refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import paramiko
import pytest
from lxml import etree
from napalm import get_network_driver
from napalm.base.exceptions import MergeConfigException
from ncclient import manager

from nornir_flexvpn.cli_channel.napalm_channel import NapalmCliChannel, NapalmDriver
from nornir_flexvpn.errors import CliChannelError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.intent.secrets import resolve_secrets
from nornir_flexvpn.lab.cli_config import INVALID_INPUT
from nornir_flexvpn.lab.cli_exec import CONFIG_BANNER, IosCli
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.types import CliItem
from nornir_flexvpn.releases import Release

VT = "interface Virtual-Template100 type tunnel"


def _with_seed_config(headend: Headend) -> None:
    """The seed's modelled objects, over NETCONF (the CLI only adds to existing objects)."""
    secrets = resolve_secrets(FlexVpnIntent(), base_dir=Path.cwd())
    payload = build_payload(FlexVpnIntent(), headend.identity.release, secrets)
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="running", config=etree.tostring(payload.config).decode())


def _cli(lab: ThreadedLab, headend: Headend, *lines: str) -> list[str]:
    device: Any = headend.device
    cli = IosCli(device, "admin")
    return lab.call(lambda: [cli.run(line) for line in lines])


def _overlay(lab: ThreadedLab, headend: Headend) -> dict[str, list[str]]:
    device: Any = headend.device
    return lab.call(lambda: {k: list(v) for k, v in device.cli_overlay.items()})


def _napalm(headend: Headend) -> Any:
    driver = get_network_driver("ios")(
        headend.host,
        headend.username,
        headend.password,
        optional_args={
            "port": headend.port,
            "ssh_strict": True,
            "system_host_keys": False,
            "alt_host_keys": True,
            "alt_key_file": str(headend.known_hosts),
            "use_keys": False,
            "allow_agent": False,
        },
    )
    driver.open()
    return driver


def test_refusals_look_like_ios(lab: LabFactory, lab_server: ThreadedLab) -> None:
    headend = lab(Release.parse("17.3.1"))
    _with_seed_config(headend)
    out = _cli(
        lab_server,
        headend,
        "show bogus",
        "configure terminal",
        "router bgp 65000",
        "interface Virtual-Template7",
        VT,
        "ip nat inside",
        "end",
    )
    assert out[0].endswith(f"^\n{INVALID_INPUT}\n")
    assert out[1].startswith("Enter configuration commands")
    assert INVALID_INPUT in out[2]
    assert "not configured" in out[3]
    assert out[4] == out[5] == ""
    assert _overlay(lab_server, headend) == {VT: ["ip nat inside"]}


def test_modelled_lines_become_modelled_xml(lab: LabFactory, lab_server: ThreadedLab) -> None:
    # 17.3.1 models `tunnel protection ipsec profile` on a Virtual-Template: the line
    # edits the datastore NETCONF reads, never the CLI overlay.
    headend = lab(Release.parse("17.3.1"))
    _with_seed_config(headend)
    device: Any = headend.device
    seeded = lab_server.call(lambda: device.datastore_xml("running"))
    assert b"profile-option" in seeded
    _cli(lab_server, headend, "conf t", VT, "no tunnel protection ipsec profile", "end")
    assert b"profile-option" not in lab_server.call(lambda: device.datastore_xml("running"))
    out = _cli(lab_server, headend, "conf t", VT, "tunnel protection ipsec profile AnyConnect-EAP")
    assert out == [CONFIG_BANNER + "\n", "", ""]
    assert lab_server.call(lambda: device.datastore_xml("running")) == seeded
    assert _overlay(lab_server, headend) == {}


def test_prompts_and_show_commands(lab: LabFactory, lab_server: ThreadedLab) -> None:
    headend = lab(Release.V16_9_1)
    _with_seed_config(headend)
    device: Any = headend.device
    cli = IosCli(device, "admin")

    def session() -> list[str]:
        prompts = [cli.prompt()]
        cli.run("conf t")
        prompts.append(cli.prompt())
        cli.run("crypto ikev2 profile AnyConnect-EAP")
        prompts.append(cli.prompt())
        cli.run("anyconnect profile acvpn")
        cli.run("end")
        prompts.append(cli.prompt())
        return prompts

    assert lab_server.call(session) == [
        f"{headend.name}#",
        f"{headend.name}(config)#",
        f"{headend.name}(config-ikev2-profile)#",
        f"{headend.name}#",
    ]
    version, running, section = _cli(
        lab_server,
        headend,
        "show version",
        "show running-config",
        "show running-config | section ikev2 profile",
    )
    assert "Version 16.09.01" in version
    assert running.startswith("Building configuration...")
    assert running.rstrip().endswith("end")
    assert " anyconnect profile acvpn" in running.splitlines()
    assert section.splitlines()[0] == "crypto ikev2 profile AnyConnect-EAP"
    assert " anyconnect profile acvpn" in section.splitlines()


def test_napalm_merge_commit_and_its_own_rollback(lab: LabFactory, lab_server: ThreadedLab) -> None:
    headend = lab(Release.V16_9_1)
    _with_seed_config(headend)
    driver = _napalm(headend)
    try:
        driver.load_merge_candidate(config=f"{VT}\n ip nat inside\nend\n")
        assert "+ip nat inside" in driver.compare_config()
        driver.commit_config()
        assert " ip nat inside" in driver.get_config(retrieve="running")["running"].splitlines()
        merged = _overlay(lab_server, headend)
        assert merged == {VT: ["ip nat inside"]}
        # A refused line: NAPALM restores its rollback file with `configure replace`.
        driver.load_merge_candidate(config=f"{VT}\n no ip nat inside\n bogus line\nend\n")
        with pytest.raises(MergeConfigException):
            driver.commit_config()
        assert _overlay(lab_server, headend) == merged
    finally:
        driver.close()


def test_exec_channel_runs_one_command(lab: LabFactory) -> None:
    headend = lab(Release.V16_9_1)
    client = paramiko.SSHClient()
    client.load_host_keys(str(headend.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        headend.host,
        port=headend.port,
        username=headend.username,
        password=headend.password,
        look_for_keys=False,
        allow_agent=False,
    )
    try:
        _, stdout, _ = client.exec_command("show version")
        assert "Cisco IOS XE Software, Version 16.09.01" in stdout.read().decode()
    finally:
        client.close()


def test_channel_errors_never_carry_secrets(lab: LabFactory) -> None:
    headend = lab(Release.V16_9_1)
    channel = NapalmCliChannel(
        "lab", lambda: _napalm_driver(headend), redact=lambda t: t.replace("TopSecret1", "***")
    )
    item = CliItem(area="aaa", line="username x password 0 TopSecret1", reason="test")
    try:
        with pytest.raises(CliChannelError) as caught:
            channel.apply([item])
    finally:
        channel.close()
    assert "TopSecret1" not in str(caught.value)
    assert "username x password" in str(caught.value)
    assert channel.sent == []


def _napalm_driver(headend: Headend) -> NapalmDriver:
    driver: NapalmDriver = _napalm(headend)
    return driver
