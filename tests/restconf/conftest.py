"""RESTCONF on lab headends: a listener per headend, an inventory naming it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from nornir.core import Nornir

from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.lab.inventory import write_inventory
from nornir_flexvpn.lab.restconf_ca import CA_CERT_FILE
from nornir_flexvpn.lab.restconf_lab import start_restconf, write_restconf_inventory
from nornir_flexvpn.lab.restconf_server import RestconfEndpoint
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.restconf.client import RestconfClient, RestconfParams

RestconfFor = Callable[[Headend], RestconfEndpoint]
InventoryFor = Callable[[list[Headend]], Path]
ClientFor = Callable[[Headend], RestconfClient]


@pytest.fixture
def restconf_for(lab_server: ThreadedLab) -> Iterator[RestconfFor]:
    started: list[RestconfEndpoint] = []

    def start(headend: Headend) -> RestconfEndpoint:
        endpoint = start_restconf(lab_server.server, headend)
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.stop()


@pytest.fixture
def inventory_for(
    lab_server: ThreadedLab, restconf_for: RestconfFor, tmp_path: Path
) -> InventoryFor:
    """An inventory folder for the headends, each also serving RESTCONF."""
    count = 0

    def make(headends: list[Headend]) -> Path:
        nonlocal count
        count += 1
        folder = write_inventory(lab_server.server, tmp_path / f"inv{count}", headends)
        endpoints = {h.name: restconf_for(h) for h in headends}
        write_restconf_inventory(lab_server.server, folder, endpoints)
        return folder

    return make


@pytest.fixture
def nornir_on(inventory_for: InventoryFor) -> Iterator[Callable[[list[Headend]], Nornir]]:
    opened: list[Nornir] = []

    def make(headends: list[Headend]) -> Nornir:
        nr = open_nornir(inventory_for(headends), workers=4)
        opened.append(nr)
        return nr

    yield make
    for nr in opened:
        nr.close_connections(on_good=True, on_failed=True)


@pytest.fixture
def client_for(lab_server: ThreadedLab, restconf_for: RestconfFor) -> Iterator[ClientFor]:
    """A verified client (the lab CA as bundle) to a headend's RESTCONF."""
    clients: list[RestconfClient] = []

    def make(headend: Headend) -> RestconfClient:
        endpoint = restconf_for(headend)
        params = RestconfParams(
            headend.host,
            headend.username,
            headend.password,
            port=endpoint.port,
            ca_bundle=lab_server.server.state_dir / CA_CERT_FILE,
            timeout=20,
        )
        client = RestconfClient.open(params)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
