"""What every task needs from its Nornir host: the intent, secrets, a session."""

from __future__ import annotations

from pathlib import Path

from nornir.core.task import Task

from nornir_flexvpn.intent.loader import HostIntent, intent_from_host
from nornir_flexvpn.intent.secrets import ResolvedSecrets, resolve_secrets
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.plugin import CONNECTION_NAME


def inventory_dir(task: Task) -> Path | None:
    """The folder of the SimpleInventory files (secret files are relative to it)."""
    options = task.nornir.config.inventory.options or {}
    host_file = options.get("host_file")
    return Path(host_file).resolve().parent if host_file else None


def host_intent(task: Task) -> HostIntent:
    return intent_from_host(task.host, inventory_dir=inventory_dir(task))


def host_secrets(task: Task, host: HostIntent) -> ResolvedSecrets:
    base = host.inventory_dir or inventory_dir(task) or Path.cwd()
    return resolve_secrets(host.intent, base_dir=base)


def connection(task: Task) -> NetconfConnection:
    conn = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    assert isinstance(conn, NetconfConnection)
    if not conn.connected:
        # Nornir caches connections per host; a session lost in an earlier run is replaced.
        task.host.connections.pop(CONNECTION_NAME, None)
        conn = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
        assert isinstance(conn, NetconfConnection)
    caps = conn.capabilities
    # From 17.12 the hello names no Cisco-IOS-XE module; the yang-library does.
    if caps.yang_library and not caps.has_module("Cisco-IOS-XE-native"):
        conn.load_yang_library()
    return conn


def reconnect(task: Task) -> NetconfConnection:
    """A fresh session after the old one died (its locks died with it)."""
    try:
        task.host.close_connection(CONNECTION_NAME)
    except Exception:
        task.host.connections.pop(CONNECTION_NAME, None)
    return connection(task)
