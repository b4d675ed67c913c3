"""cisco-ia checkpoint / rollback / revert (timers driven by hand) and the CLI RPC."""

from __future__ import annotations

import pytest
from lxml import etree

from nornir_flexvpn.lab.testing import (
    Client,
    all_datastores,
    connect,
    loopback,
    make_device,
    native,
)
from nornir_flexvpn.lab.timers import ManualTimers
from nornir_flexvpn.namespaces import CISCO_IA, CLI_RPC, NATIVE
from nornir_flexvpn.releases import Release

N = f"{{{NATIVE}}}"
IA = f'xmlns="{CISCO_IA}"'


def _loopbacks(client: Client) -> list[str]:
    data = client.get_config()
    return [e.findtext(f"{N}name") or "" for e in data.iterfind(f".//{N}interface/{N}Loopback")]


def _result(reply: etree._Element | None) -> str:
    assert reply is not None
    return reply.findtext(f"{{{CISCO_IA}}}result") or ""


def _checkpoint(client: Client) -> str:
    result = _result(client.rpc(f"<checkpoint {IA}/>"))
    assert result.startswith("Checkpoint successful: ")
    return result.split(": ", 1)[1]


def _setup() -> tuple[Client, ManualTimers, str]:
    device, timers = make_device()
    client = connect(device)
    client.edit(loopback(1))
    url = _checkpoint(client)
    client.edit(loopback(2))
    return client, timers, url


def test_checkpoint_and_plain_rollback() -> None:
    client, timers, url = _setup()
    assert _loopbacks(client) == ["1", "2"]
    assert "Rollback successful" in _result(
        client.rpc(f"<rollback {IA}><target-url>{url}</target-url></rollback>")
    )
    assert _loopbacks(client) == ["1"]
    assert timers.active() == 0


def test_timed_rollback_reverts_when_the_timer_fires() -> None:
    client, timers, url = _setup()
    client.rpc(
        f"<rollback {IA}><target-url>{url}</target-url><revert-timer>5</revert-timer></rollback>"
    )
    assert _loopbacks(client) == ["1"]
    assert client.device.ia.timed_rollback_pending
    assert timers.advance(4 * 60) == 0
    assert _loopbacks(client) == ["1"]
    assert timers.advance(60) == 1
    assert _loopbacks(client) == ["1", "2"]
    assert not client.device.ia.timed_rollback_pending


def test_timed_rollback_confirmed_stays() -> None:
    device, timers = make_device(Release.V17_9_1)
    client = connect(device)
    client.edit(loopback(1))
    url = _checkpoint(client)
    client.edit(loopback(2))
    client.rpc(
        f"<rollback {IA}><target-url>{url}</target-url><revert-timer>1</revert-timer></rollback>"
    )
    client.rpc(
        f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>do configure confirm'
        "</config-clis></config-ios-cli-rpc>"
    )
    assert timers.advance(600) == 0
    assert _loopbacks(client) == ["1"]


def test_revert_now_timer_and_idle() -> None:
    client, timers, url = _setup()
    rollback = (
        f"<rollback {IA}><target-url>{url}</target-url><revert-timer>2</revert-timer></rollback>"
    )
    client.rpc(rollback)
    assert "Revert successful" in _result(client.rpc(f"<revert {IA}><now/></revert>"))
    assert _loopbacks(client) == ["1", "2"]
    assert timers.advance(3600) == 0

    client.rpc(rollback)
    client.rpc(f"<revert {IA}><timer>10</timer></revert>")
    assert timers.advance(9 * 60) == 0
    assert timers.advance(60) == 1
    assert _loopbacks(client) == ["1", "2"]

    client.rpc(rollback)
    client.rpc(f"<revert {IA}><idle>3</idle></revert>")
    timers.advance(2 * 60)
    assert _loopbacks(client) == ["1"]  # any RPC restarts the idle countdown
    assert timers.advance(2 * 60) == 0
    assert timers.advance(60) == 1
    assert _loopbacks(client) == ["1", "2"]


def test_revert_without_pending_rollback_fails() -> None:
    client, _, _ = _setup()
    assert client.error(f"<revert {IA}/>").tag == "operation-failed"


@pytest.mark.parametrize("bad", ["0", "121", "-3", "soon"])
def test_revert_timer_range(bad: str) -> None:
    client, timers, url = _setup()
    before = all_datastores(client.device)
    error = client.error(
        f"<rollback {IA}><target-url>{url}</target-url>"
        f"<revert-timer>{bad}</revert-timer></rollback>"
    )
    assert error.tag == "invalid-value"
    assert all_datastores(client.device) == before
    assert timers.active() == 0


def test_rollback_to_unknown_file_and_missing_url() -> None:
    client, _, _ = _setup()
    unknown = client.error(f"<rollback {IA}><target-url>bootflash:/nope</target-url></rollback>")
    assert unknown.tag == "invalid-value"
    missing = client.error(f"<rollback {IA}/>")
    assert missing.tag == "missing-element"
    stray = client.error(f"<rollback {IA}><target-url>x</target-url><force/></rollback>")
    assert stray.tag == "unknown-element"


def test_rollback_to_an_invalid_file_is_rollback_failed() -> None:
    device, _ = make_device()
    client = connect(device)
    url = _checkpoint(client)
    device.files[url].roots[0].append(etree.Element(f"{N}hostnam"))
    before = all_datastores(device)
    error = client.error(f"<rollback {IA}><target-url>{url}</target-url></rollback>")
    assert error.tag == "rollback-failed"
    assert all_datastores(device) == before


def test_save_config_and_is_syncing() -> None:
    client, _, _ = _setup()
    assert client.device.datastore_xml("startup") != client.device.datastore_xml("running")
    assert "successful" in _result(client.rpc(f"<save-config {IA}/>"))
    assert client.device.datastore_xml("startup") == client.device.datastore_xml("running")
    reply = client.rpc(f"<is-syncing {IA}/>")
    assert reply is not None
    assert reply.findtext(f"{{{CISCO_IA}}}syncing") == "false"
    assert reply.findtext(f"{{{CISCO_IA}}}running-datastore-locked") == "false"


# --- Cisco-IOS-XE-cli-rpc -------------------------------------------------------------------------
def _cli(client: Client, text: str) -> etree._Element | None:
    return client.rpc(
        f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>{text}'
        "</config-clis></config-ios-cli-rpc>"
    )


VT = native(
    "<interface><Virtual-Template><name>100</name><type>tunnel</type>"
    "</Virtual-Template></interface>"
)


def test_ip_nat_inside_on_a_virtual_template_goes_to_the_overlay() -> None:
    device, _ = make_device()
    client = connect(device)
    client.edit(VT)
    running = device.datastore_xml("running")
    _cli(client, "interface Virtual-Template100 type tunnel\n ip nat inside\nend")
    assert device.cli_overlay == {"interface Virtual-Template100 type tunnel": ["ip nat inside"]}
    assert device.datastore_xml("running") == running
    assert " ip nat inside" in device.render_running_config()
    _cli(client, "interface Virtual-Template 100 type tunnel\n no ip nat inside")
    assert device.cli_overlay == {}


def test_cli_lines_the_lab_does_not_know_are_refused_atomically() -> None:
    device, _ = make_device()
    client = connect(device)
    client.edit(VT)
    before = all_datastores(device)
    error = client.error(
        f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>'
        "interface Virtual-Template100 type tunnel\n ip nat inside\n ip nat sideways"
        "</config-clis></config-ios-cli-rpc>"
    )
    assert error.tag == "operation-failed"
    assert "% Invalid input detected at '^' marker." in error.message
    assert "line 3" in error.message
    assert device.cli_overlay == {}
    assert all_datastores(device) == before
    unknown_vt = client.error(
        f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>'
        "interface Virtual-Template7 type tunnel\n ip nat inside</config-clis></config-ios-cli-rpc>"
    )
    assert unknown_vt.tag == "operation-failed"


def test_overlay_follows_the_virtual_template() -> None:
    device, _ = make_device()
    client = connect(device)
    client.edit(VT)
    _cli(client, "interface Virtual-Template100 type tunnel\n ip nat inside")
    client.edit(
        native(
            '<interface><Virtual-Template nc:operation="delete" '
            'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><name>100</name>'
            "</Virtual-Template></interface>"
        )
    )
    assert device.cli_overlay == {}


def test_cli_rpc_only_where_the_release_has_it() -> None:
    device, _ = make_device(Release.V17_3_1)
    error = connect(device).error(
        f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>end</config-clis></config-ios-cli-rpc>'
    )
    assert error.tag == "operation-not-supported"


def test_checkpoint_keeps_the_overlay() -> None:
    device, _ = make_device()
    client = connect(device)
    client.edit(VT)
    _cli(client, "interface Virtual-Template100 type tunnel\n ip nat inside")
    url = _checkpoint(client)
    _cli(client, "interface Virtual-Template100 type tunnel\n no ip nat inside")
    client.rpc(f"<rollback {IA}><target-url>{url}</target-url></rollback>")
    assert device.cli_overlay == {"interface Virtual-Template100 type tunnel": ["ip nat inside"]}
