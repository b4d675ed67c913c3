"""Serve RESTCONF from running lab headends, and tell an inventory about it.

`start_restconf(server, headend)` gives the headend a RESTCONF listener on
its own port (same host, same credentials, a certificate from the lab CA);
`write_restconf_inventory` copies the lab CA beside an inventory written by
`lab.inventory.write_inventory` and adds each host's
`connection_options.flexvpn_restconf` (port, ca_bundle).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.restconf_ca import (
    CA_CERT_FILE,
    issue_server_cert,
    load_or_create_ca,
    server_context,
)
from nornir_flexvpn.lab.restconf_server import RestconfEndpoint
from nornir_flexvpn.lab.server import Headend, LabServer

CONNECTION_NAME: Final = "flexvpn_restconf"


def start_restconf(server: LabServer, headend: Headend, *, port: int = 0) -> RestconfEndpoint:
    from nornir_flexvpn.lab.device import LabDevice

    device = headend.device
    if not isinstance(device, LabDevice):
        raise LabError(f"{headend.name} has no lab device to serve RESTCONF from", path="device")
    ca = load_or_create_ca(server.state_dir)
    chain, key = issue_server_cert(ca, headend.name, hosts=(headend.host, "localhost"))
    endpoint = RestconfEndpoint(
        device,
        username=headend.username,
        password=headend.password,
        tls=server_context(chain, key),
        host=headend.host,
        port=port,
    )
    endpoint.start()
    return endpoint


def write_restconf_inventory(
    server: LabServer, directory: Path, endpoints: Mapping[str, RestconfEndpoint]
) -> Path:
    """Add `flexvpn_restconf` options to `directory/hosts.yaml`; returns the CA copy."""
    ca = load_or_create_ca(server.state_dir)
    target = directory / CA_CERT_FILE
    if target.resolve() != ca.cert_path.resolve():
        shutil.copyfile(ca.cert_path, target)
    hosts_file = directory / "hosts.yaml"
    hosts: dict[str, Any] = yaml.safe_load(hosts_file.read_text(encoding="utf-8")) or {}
    for name, endpoint in endpoints.items():
        if name not in hosts:
            raise LabError(f"no host {name!r} in {hosts_file}", path=name)
        options = hosts[name].setdefault("connection_options", {})
        options[CONNECTION_NAME] = {"port": endpoint.port, "extras": {"ca_bundle": CA_CERT_FILE}}
    tmp = hosts_file.with_name(hosts_file.name + ".tmp")
    tmp.write_text(yaml.safe_dump(hosts, sort_keys=False), encoding="utf-8")
    tmp.replace(hosts_file)
    return target
