"""Project-wide fixtures: the lab headend (NETCONF over SSH on 127.0.0.1)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nornir_flexvpn.lab.fixtures import LabFactory, lab_factory, lab_session
from nornir_flexvpn.lab.server import ThreadedLab

_SHARED_YANG = Path(__file__).resolve().parents[1].parent / "shared" / "yang"
if _SHARED_YANG.is_dir():
    os.environ.setdefault("FLEXVPN_YANG_DIR", str(_SHARED_YANG))


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedLab]:
    """One lab server (its own loop thread) for the whole session."""
    with lab_session(tmp_path_factory.mktemp("lab")) as lab:
        yield lab


@pytest.fixture
def lab(lab_server: ThreadedLab) -> Iterator[LabFactory]:
    """`lab(release=..., candidate=..., n=...)` starts headends, stopped after the test."""
    with lab_factory(lab_server) as factory:
        yield factory
