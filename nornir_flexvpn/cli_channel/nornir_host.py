"""The CLI channel of one Nornir host, through the nornir-napalm connection plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from nornir.core.task import Task

from nornir_flexvpn.cli_channel.napalm_channel import NapalmCliChannel, NapalmDriver
from nornir_flexvpn.cli_channel.params import NapalmParams
from nornir_flexvpn.deploy.redaction import Redactor, redact_cli
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.netconf.plugin import CONNECTION_NAME, params_from_inventory, resolve_password

NAPALM_CONNECTION = "napalm"


def napalm_params(task: Task) -> NapalmParams:
    """The host's NETCONF credentials and host-key rules, at its `napalm` address."""
    host = task.host
    netconf = host.get_connection_parameters(CONNECTION_NAME)
    base = _inventory_dir(task)
    password = resolve_password(netconf.password, base_dir=base)
    conn_params = params_from_inventory(
        netconf.hostname, netconf.username, password, netconf.port, netconf.extras
    )
    napalm = host.get_connection_parameters(NAPALM_CONNECTION)
    extras: dict[str, Any] = dict(napalm.extras or {})
    optional_args = extras.pop("optional_args", {}) or {}
    if not isinstance(optional_args, dict):
        raise IntentError(
            "must be a mapping", path=f"connection_options.{NAPALM_CONNECTION}.extras.optional_args"
        )
    return NapalmParams.from_netconf(
        conn_params, hostname=napalm.hostname, port=napalm.port, optional_args=optional_args
    )


def napalm_channel(task: Task, secrets: Redactor | None = None) -> NapalmCliChannel:
    """A CLI channel for the task's host; it connects on first use (`close()` ends it)."""
    params = napalm_params(task)
    host = task.host
    config = task.nornir.config

    def opener() -> NapalmDriver:
        params.check_known()
        if NAPALM_CONNECTION in host.connections:
            host.close_connection(NAPALM_CONNECTION)
        conn = host.open_connection(
            NAPALM_CONNECTION,
            config,
            hostname=params.hostname,
            username=params.username,
            password=params.password,
            port=params.port,
            platform="ios",
            extras={"optional_args": params.optional_args(), "timeout": params.timeout},
            default_to_host_attributes=False,
        )
        return cast(NapalmDriver, conn.connection)

    def closer(driver: NapalmDriver) -> None:
        if NAPALM_CONNECTION in host.connections:
            host.close_connection(NAPALM_CONNECTION)
        else:
            driver.close()

    return NapalmCliChannel(
        f"{params.hostname}:{params.port}",
        opener,
        closer=closer,
        redact=lambda text: redact_cli(text, secrets),
    )


def _inventory_dir(task: Task) -> Path:
    options = task.nornir.config.inventory.options or {}
    host_file = options.get("host_file")
    return Path(host_file).expanduser().resolve().parent if host_file else Path.cwd()
