"""Lab fleets for rollout tests: headends plus a Nornir inventory for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nornir.core import Nornir

from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.inventory import write_inventory
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.releases import Release


@dataclass
class Fleet:
    nr: Nornir
    headends: list[Headend]
    inventory: Path
    lab: ThreadedLab

    def by_name(self) -> dict[str, Headend]:
        return {h.name: h for h in self.headends}

    def running(self, headend: Headend) -> bytes:
        device = headend.device
        data: bytes = self.lab.call(lambda: device.datastore_xml("running"))  # type: ignore[attr-defined]
        return data

    def snapshot(self) -> dict[str, bytes]:
        return {h.name: self.running(h) for h in self.headends}

    def reopen(self) -> Nornir:
        """A fresh Nornir on the same inventory (as a resumed run would open)."""
        self.nr.close_connections(on_good=True, on_failed=True)
        self.nr = open_nornir(self.inventory, workers=4)
        return self.nr


FleetFactory = Callable[..., Fleet]


@pytest.fixture
def fleet(lab: LabFactory, lab_server: ThreadedLab, tmp_path: Path) -> Iterator[FleetFactory]:
    """`fleet(n, confirmed_commit=False)`: n candidate headends (17.15.1) and their Nornir."""
    opened: list[Fleet] = []

    def make(n: int, *, confirmed_commit: bool = False) -> Fleet:
        headends = lab(Release.V17_15_1, candidate=True, confirmed_commit=confirmed_commit, n=n)
        folder = write_inventory(lab_server.server, tmp_path / f"inv{len(opened)}", headends)
        made = Fleet(open_nornir(folder, workers=4), headends, folder, lab_server)
        opened.append(made)
        return made

    yield make
    for made in opened:
        made.nr.close_connections(on_good=True, on_failed=True)


def settled(fleet: Fleet, headend: Headend) -> bool:
    """Not mid-transaction: no lock held, no uncommitted candidate, no pending confirmed commit."""
    device: Any = headend.device

    def read() -> bool:
        locked = any(device.locks.holder(s) is not None for s in ("running", "candidate"))
        return not locked and not device.candidate_dirty and not device.confirmed.pending

    result: bool = fleet.lab.call(read)
    return result
