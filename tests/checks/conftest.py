"""Lab headends deployed with the seed intent, for the post-check tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from nornir.core import Nornir

from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.lab.inventory import write_inventory
from nornir_flexvpn.lab.server import Headend, ThreadedLab

NornirFor = Callable[[list[Headend]], Nornir]
RunningOf = Callable[[Headend], bytes]


@pytest.fixture
def nornir_for(lab_server: ThreadedLab, tmp_path: Path) -> Iterator[NornirFor]:
    """`nornir_for([headend, ...])` writes an inventory for them and opens a Nornir."""
    opened: list[Nornir] = []
    count = 0

    def make(headends: list[Headend]) -> Nornir:
        nonlocal count
        count += 1
        folder = write_inventory(lab_server.server, tmp_path / f"inv{count}", headends)
        nr = open_nornir(folder, workers=4)
        opened.append(nr)
        return nr

    yield make
    for nr in opened:
        nr.close_connections(on_good=True, on_failed=True)


@pytest.fixture
def running_of(lab_server: ThreadedLab) -> RunningOf:
    """`running_of(headend)`: the whole running datastore, read in the lab's thread."""

    def read(headend: Headend) -> bytes:
        device = headend.device
        data: bytes = lab_server.call(lambda: device.datastore_xml("running"))  # type: ignore[attr-defined]
        return data

    return read
