"""Lab headends for the client's integration tests.

The lab's transport is the real NETCONF-over-SSH server; behind it sits the
lab's stub device with a script: answers for chosen operations (rpc-errors
with paths, a slow reply), so each error path of the client is exercised
over the wire without the full device model.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from nornir_flexvpn.lab.contract import KillSession, SessionInfo
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.lab.stub import StubDevice
from nornir_flexvpn.netconf.connection import ConnectionParams
from nornir_flexvpn.releases import Release

Answer = Callable[[etree._Element], etree._Element | None]


@dataclass
class ScriptedDevice:
    """The stub device, except for the operations `script` answers."""

    inner: StubDevice
    script: dict[str, Answer] = field(default_factory=dict)
    received: list[etree._Element] = field(default_factory=list)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def capabilities(self) -> list[str]:
        return self.inner.capabilities()

    def open_session(self, username: str, peer: str) -> SessionInfo:
        return self.inner.open_session(username, peer)

    def close_session(self, session_id: int) -> None:
        self.inner.close_session(session_id)

    def set_session_killer(self, killer: KillSession) -> None:
        self.inner.set_session_killer(killer)

    def rpc(self, session: SessionInfo, operation: etree._Element) -> etree._Element | None:
        with self._guard:
            self.received.append(copy.deepcopy(operation))
        answer = self.script.get(etree.QName(operation).localname)
        if answer is not None:
            return answer(operation)
        return self.inner.rpc(session, operation)

    def operations(self) -> list[str]:
        with self._guard:
            return [etree.QName(op).localname for op in self.received]


@dataclass
class Scripted:
    headend: Headend
    device: ScriptedDevice

    def params(self, **overrides: object) -> ConnectionParams:
        base: dict[str, object] = {
            "host": self.headend.host,
            "port": self.headend.port,
            "username": self.headend.username,
            "password": self.headend.password,
            "known_hosts": self.headend.known_hosts,
            "connect_timeout": 10.0,
            "rpc_timeout": 10.0,
        }
        base.update(overrides)
        return ConnectionParams(**base)  # type: ignore[arg-type]


StartScripted = Callable[..., Scripted]


@pytest.fixture
def scripted(lab: LabFactory) -> StartScripted:
    """`scripted(script={...}, release=..., candidate=...)` starts one scripted headend."""

    def start(
        script: dict[str, Answer] | None = None,
        release: Release = Release.V17_15_1,
        candidate: bool = False,
        confirmed_commit: bool = False,
        authorized_keys: tuple[str, ...] | list[str] = (),
    ) -> Scripted:
        devices: list[ScriptedDevice] = []

        def factory(identity: HeadendIdentity, models_dir: Path) -> ScriptedDevice:
            device = ScriptedDevice(StubDevice.create(identity, models_dir), dict(script or {}))
            devices.append(device)
            return device

        headend = lab(
            release,
            candidate=candidate,
            confirmed_commit=confirmed_commit,
            device_factory=factory,
            authorized_keys=authorized_keys,
        )
        return Scripted(headend, devices[0])

    return start
