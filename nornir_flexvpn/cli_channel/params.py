"""How the CLI channel logs in: the same credentials and host keys as NETCONF.

The Nornir host gives hostname/port/username/password through its `napalm`
connection options (set `connection_options.napalm.port: 22` where NETCONF
listens on 830; the lab serves both on one port). The password may be a
`file:`/`env:` reference, resolved exactly as the NETCONF plugin does. Host
keys are checked against the NETCONF connection's known_hosts (its
`extras.known_hosts`, default ~/.ssh/known_hosts) before any password is
sent: an unknown or changed key refuses the connection.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nornir_flexvpn.errors import HostKeyError, IntentError
from nornir_flexvpn.netconf.connection import ConnectionParams
from nornir_flexvpn.netconf.hostkeys import DEFAULT_KNOWN_HOSTS, KnownHostKeys, known_hosts_name

log = logging.getLogger(__name__)

# Options the channel owns: host-key policy and credentials are not the user's to loosen here.
_OWNED = frozenset(
    {
        "port",
        "ssh_strict",
        "system_host_keys",
        "alt_host_keys",
        "alt_key_file",
        "use_keys",
        "key_file",
        "allow_agent",
        "ssh_config_file",
    }
)
_EXTRAS_PATH = "connection_options.napalm.extras.optional_args"


@dataclass(frozen=True)
class NapalmParams:
    """What NAPALM's `ios` driver needs; `password` never in repr."""

    hostname: str
    port: int
    username: str
    password: str | None = field(repr=False)
    known_hosts: Path = DEFAULT_KNOWN_HOSTS
    verify_host_key: bool = True
    key_filename: Path | None = None
    allow_agent: bool = False
    timeout: int = 60
    user_optional_args: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_netconf(
        cls,
        netconf: ConnectionParams,
        *,
        hostname: str | None = None,
        port: int | None = None,
        optional_args: dict[str, Any] | None = None,
    ) -> NapalmParams:
        """The NETCONF connection's credentials and host-key rules, at the SSH CLI's address."""
        extra = dict(optional_args or {})
        owned = sorted(set(extra) & _OWNED)
        if owned:
            raise IntentError(
                f"{', '.join(owned)} cannot be set here: the CLI channel uses the NETCONF "
                "connection's credentials and host-key rules",
                path=_EXTRAS_PATH,
            )
        return cls(
            hostname=hostname or netconf.host,
            port=port or netconf.port,
            username=netconf.username,
            password=netconf.password,
            known_hosts=netconf.known_hosts_path,
            verify_host_key=netconf.verify_host_key,
            key_filename=netconf.key_filename,
            allow_agent=netconf.allow_agent,
            user_optional_args=extra,
        )

    def check_known(self) -> None:
        """Refuse before connecting when known_hosts has no key for this endpoint."""
        if not self.verify_host_key:
            log.warning(
                "host key verification is OFF for the CLI channel to %s:%s "
                "(verify_host_key=False): the server's identity is not checked",
                self.hostname,
                self.port,
            )
            return
        known = KnownHostKeys.load(self.known_hosts, self.hostname, self.port)
        if not known.keys:
            raise HostKeyError(
                f"host key of {self.hostname}:{self.port} is unknown: no entry for "
                f"{known_hosts_name(self.hostname, self.port)!r} in {known.path} (the CLI "
                "channel never accepts an unknown key)",
                path="known_hosts",
            )

    def optional_args(self) -> dict[str, Any]:
        """NAPALM `optional_args` (netmiko's): strict host keys from our file only."""
        args: dict[str, Any] = dict(self.user_optional_args)
        args.update(
            port=self.port,
            ssh_strict=self.verify_host_key,
            system_host_keys=False,
            # Unverified (verify_host_key=False) must not write the server's key into
            # known_hosts either: paramiko saves auto-added keys to a loaded file.
            alt_host_keys=self.verify_host_key,
            alt_key_file=str(self.known_hosts.expanduser()),
            use_keys=self.key_filename is not None,
            key_file=str(self.key_filename.expanduser()) if self.key_filename else None,
            allow_agent=self.allow_agent,
            ssh_config_file=None,
        )
        return args
