"""Nornir connection plugin `flexvpn_restconf`: a RestconfClient per host.

Inventory example (hosts.yaml)::

    hub1:
      hostname: 192.0.2.1
      username: admin
      password: file:hub1-password      # or env:NAME, as for flexvpn_netconf
      connection_options:
        flexvpn_restconf:
          port: 443
          extras:
            ca_bundle: restconf-ca.pem    # relative to the inventory folder
            verify: true                  # false: no certificate check (logged)
            timeout: 30

Tasks use `task.host.get_connection(CONNECTION_NAME, task.nornir.config)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from nornir.core.configuration import Config
from nornir.core.plugins.connections import ConnectionPluginRegister

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.netconf.plugin import resolve_password
from nornir_flexvpn.restconf.client import RESTCONF_PORT, RestconfClient, RestconfParams

CONNECTION_NAME: Final = "flexvpn_restconf"
_EXTRAS_PATH: Final = f"connection_options.{CONNECTION_NAME}.extras"
_KNOWN: Final = ("ca_bundle", "verify", "timeout", "root")


def params_from_inventory(
    hostname: str | None,
    username: str | None,
    password: str | None,
    port: int | None,
    extras: dict[str, Any] | None = None,
    *,
    base_dir: Path | None = None,
) -> RestconfParams:
    """RestconfParams from a Nornir host's fields; unknown or mistyped extras are refused."""
    options: dict[str, Any] = {}
    for key, value in (extras or {}).items():
        where = f"{_EXTRAS_PATH}.{key}"
        if key == "ca_bundle":
            if not isinstance(value, str | Path) or not str(value):
                raise IntentError(f"must be a file path, not {value!r}", path=where)
            path = Path(value).expanduser()
            options[key] = path if path.is_absolute() or base_dir is None else base_dir / path
        elif key == "verify":
            if not isinstance(value, bool):
                raise IntentError(f"must be true or false, not {value!r}", path=where)
            options[key] = value
        elif key == "timeout":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise IntentError(f"must be a number of seconds, not {value!r}", path=where)
            options[key] = float(value)
        elif key == "root":
            if not isinstance(value, str):
                raise IntentError(f"must be a path like /restconf, not {value!r}", path=where)
            options[key] = value
        else:
            raise IntentError(f"unknown option {key!r}; known: {', '.join(_KNOWN)}", path=where)
    return RestconfParams(
        host=hostname or "",
        username=username or "",
        password=password,
        port=port or RESTCONF_PORT,
        **options,
    )


class FlexVpnRestconf:
    """Opens a `RestconfClient`; `connection` is that object."""

    connection: RestconfClient

    def open(
        self,
        hostname: str | None,
        username: str | None,
        password: str | None,
        port: int | None,
        platform: str | None,
        extras: dict[str, Any] | None = None,
        configuration: Config | None = None,
    ) -> None:
        base = _inventory_dir(configuration)
        secret = resolve_password(password, base_dir=base)
        params = params_from_inventory(hostname, username, secret, port, extras, base_dir=base)
        self.connection = RestconfClient.open(params)

    def close(self) -> None:
        self.connection.close()


def register_plugin() -> None:
    """Make `flexvpn_restconf` known to Nornir (also declared as an entry point)."""
    if CONNECTION_NAME not in ConnectionPluginRegister.available:
        ConnectionPluginRegister.register(CONNECTION_NAME, FlexVpnRestconf)


def _inventory_dir(configuration: Config | None) -> Path:
    options = configuration.inventory.options if configuration is not None else None
    host_file = (options or {}).get("host_file")
    return Path(host_file).expanduser().resolve().parent if host_file else Path.cwd()
