"""Lab inventories whose intent names a PKCS12 bundle, for the files/PKI flow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir.core import Nornir

from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.lab.inventory import SEED_GROUP, write_inventory
from nornir_flexvpn.lab.server import Headend, ThreadedLab

PASSPHRASE_ENV = "FLEXVPN_TRUSTPOINT_PASSPHRASE"
# Distinctive, so that a grep of every output finds it if it leaks anywhere.
PASSPHRASE = "Pk12-Zebra-8c1f-Quokka"

MaterialNornir = Callable[..., tuple[Nornir, Path]]


def set_intent(folder: Path, **changes: Any) -> None:
    """Merge `changes` into the seed group's `flexvpn:` mapping (one level deep)."""
    path = folder / "groups.yaml"
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    intent = groups[SEED_GROUP]["data"]["flexvpn"]
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(intent.get(key), dict):
            intent[key].update(value)
        else:
            intent[key] = value
    path.write_text(yaml.safe_dump(groups, sort_keys=False), encoding="utf-8")


@pytest.fixture
def material_nornir(
    lab_server: ThreadedLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MaterialNornir]:
    """`material_nornir([headend], bundle=b"...")`: an inventory whose trustpoint is
    delivered from `bundle.p12` next to it, with the passphrase in the environment."""
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    opened: list[Nornir] = []
    count = 0

    def make(
        headends: list[Headend], *, bundle: bytes | None = None, **changes: Any
    ) -> tuple[Nornir, Path]:
        nonlocal count
        count += 1
        folder = write_inventory(lab_server.server, tmp_path / f"inv{count}", headends)
        if bundle is not None:
            (folder / "bundle.p12").write_bytes(bundle)
            changes.setdefault("trustpoint", {})
            changes["trustpoint"] = {"pkcs12_source": "bundle.p12", **changes["trustpoint"]}
        if changes:
            set_intent(folder, **changes)
        nr = open_nornir(folder, workers=4)
        opened.append(nr)
        return nr, folder

    yield make
    for nr in opened:
        nr.close_connections(on_good=True, on_failed=True)


RunningOf = Callable[[Headend], bytes]


@pytest.fixture
def running_of(lab_server: ThreadedLab) -> RunningOf:
    """`running_of(headend)`: the whole running datastore, read in the lab's thread."""

    def read(headend: Headend) -> bytes:
        device = headend.device
        data: bytes = lab_server.call(lambda: device.datastore_xml("running"))  # type: ignore[attr-defined]
        return data

    return read
