"""Nornir connection plugin `flexvpn_netconf`: a NetconfConnection per host.

Inventory example (hosts.yaml)::

    hub1:
      hostname: 192.0.2.1
      port: 830
      username: admin
      password: ...
      connection_options:
        flexvpn_netconf:
          extras:
            known_hosts: ~/.ssh/known_hosts
            connect_timeout: 15
            rpc_timeout: 60

Tasks use `task.host.get_connection(CONNECTION_NAME, task.nornir.config)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from nornir.core.configuration import Config

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.models import SecretRef
from nornir_flexvpn.intent.secrets import resolve_ref
from nornir_flexvpn.netconf.connection import NETCONF_PORT, ConnectionParams, NetconfConnection

CONNECTION_NAME: Final = "flexvpn_netconf"
_EXTRAS_PATH: Final = f"connection_options.{CONNECTION_NAME}.extras"

_PATHS: Final = ("known_hosts", "key_filename")
_FLOATS: Final = ("connect_timeout", "rpc_timeout")
_BOOLS: Final = ("verify_host_key", "allow_agent", "look_for_keys")
_OPTIONAL_INTS: Final = ("keepalive",)


def params_from_inventory(
    hostname: str | None,
    username: str | None,
    password: str | None,
    port: int | None,
    extras: dict[str, Any] | None = None,
) -> ConnectionParams:
    """ConnectionParams from a Nornir host's fields; unknown or mistyped extras are refused."""
    options: dict[str, Any] = {}
    for key, value in (extras or {}).items():
        where = f"{_EXTRAS_PATH}.{key}"
        if key in _PATHS:
            options[key] = _path(value, where)
        elif key in _FLOATS:
            options[key] = _number(value, where)
        elif key in _BOOLS:
            if not isinstance(value, bool):
                raise IntentError(f"must be true or false, not {value!r}", path=where)
            options[key] = value
        elif key in _OPTIONAL_INTS:
            options[key] = None if value is None else int(_number(value, where))
        else:
            known = ", ".join(sorted((*_PATHS, *_FLOATS, *_BOOLS, *_OPTIONAL_INTS)))
            raise IntentError(f"unknown option {key!r}; known: {known}", path=where)
    return ConnectionParams(
        host=hostname or "",
        username=username or "",
        password=password,
        port=port or NETCONF_PORT,
        **options,
    )


class FlexVpnNetconf:
    """Opens a `NetconfConnection`; `connection` is that object."""

    connection: NetconfConnection

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
        params = params_from_inventory(hostname, username, secret, port, extras)
        self.connection = NetconfConnection.open(params)

    def close(self) -> None:
        self.connection.close()


def resolve_password(value: str | None, *, base_dir: Path) -> str | None:
    """A Nornir password may be a reference, as intent secrets are: `env:NAME`
    or `file:PATH` (relative to the inventory folder), so inventories in git
    hold no passwords. Anything else is the password itself."""
    if value is None or not value.startswith(("env:", "file:")):
        return value
    ref = SecretRef.model_validate(value)
    secret, _ = resolve_ref(ref, field="password", base_dir=base_dir)
    return secret


def _inventory_dir(configuration: Config | None) -> Path:
    options = configuration.inventory.options if configuration is not None else None
    host_file = (options or {}).get("host_file")
    return Path(host_file).expanduser().resolve().parent if host_file else Path.cwd()


def _path(value: Any, where: str) -> Path:
    if not isinstance(value, str | Path) or not str(value):
        raise IntentError(f"must be a file path, not {value!r}", path=where)
    return Path(value).expanduser()


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IntentError(f"must be a number of seconds, not {value!r}", path=where)
    return float(value)
