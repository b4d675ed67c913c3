"""The `flexvpn_netconf` Nornir connection plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nornir.core.configuration import Config
from nornir.core.inventory import ConnectionOptions, Host
from nornir.core.plugins.connections import ConnectionPluginRegister

from nornir_flexvpn.errors import HostKeyError, IntentError
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.plugin import CONNECTION_NAME, FlexVpnNetconf, params_from_inventory

Start = Callable[..., Any]


def _host(target: Any, **extras: Any) -> Host:
    headend = target.headend
    return Host(
        name="hub1",
        hostname=headend.host,
        port=headend.port,
        username=headend.username,
        password=headend.password,
        connection_options={
            CONNECTION_NAME: ConnectionOptions(
                extras={"known_hosts": str(headend.known_hosts), "rpc_timeout": 5, **extras}
            )
        },
    )


def test_registered_under_its_entry_point_name() -> None:
    ConnectionPluginRegister.auto_register()
    assert ConnectionPluginRegister.available[CONNECTION_NAME] is FlexVpnNetconf


def test_nornir_host_opens_and_closes_a_connection(scripted: Start) -> None:
    target = scripted()
    host = _host(target)
    ConnectionPluginRegister.auto_register()
    conn = host.get_connection(CONNECTION_NAME, Config())
    assert isinstance(conn, NetconfConnection) and conn.connected
    assert conn.params.rpc_timeout == 5.0 and conn.rpc_timeout == 5.0
    assert conn.get_config().tag.endswith("data")
    host.close_connections()
    assert not conn.connected


def test_host_key_checks_apply_through_nornir(scripted: Start, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    host = _host(scripted(), known_hosts=str(empty))
    ConnectionPluginRegister.auto_register()
    with pytest.raises(HostKeyError):
        host.get_connection(CONNECTION_NAME, Config())


def test_extras_are_checked_by_name_and_type() -> None:
    with pytest.raises(IntentError) as unknown:
        params_from_inventory("h", "u", "p", 830, {"passphrase": "hunter2"})
    assert unknown.value.path == f"connection_options.{CONNECTION_NAME}.extras.passphrase"
    assert "hunter2" not in str(unknown.value)
    with pytest.raises(IntentError, match="true or false"):
        params_from_inventory("h", "u", "p", 830, {"verify_host_key": "no"})
    with pytest.raises(IntentError, match="number of seconds"):
        params_from_inventory("h", "u", "p", 830, {"rpc_timeout": "60"})
    params = params_from_inventory(
        "h", "u", "p", None, {"keepalive": None, "known_hosts": "~/kh", "connect_timeout": 3}
    )
    assert params.port == 830 and params.keepalive is None
    assert params.connect_timeout == 3.0 and params.known_hosts == Path("~/kh").expanduser()
    with pytest.raises(IntentError) as no_host:
        params_from_inventory(None, "u", "p", None)
    assert no_host.value.path == "hostname"
