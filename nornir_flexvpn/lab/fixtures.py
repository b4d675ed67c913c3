"""pytest support: one lab server per test session, headends per test.

`tests/conftest.py` exposes these as fixtures: `lab_server` (session scope, a
`ThreadedLab`) and `lab` (function scope, a `LabFactory`): `lab()` starts one
headend and returns its `Headend` (host, port, username, password,
known_hosts, ssh_config and the device for white-box assertions); `lab(n=3)`
returns a list. Headends a test started are stopped when it ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import overload

from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.server import DeviceFactory, Headend, LabServer, ThreadedLab
from nornir_flexvpn.releases import DEFAULT_RELEASE, Release

_names = itertools.count(1)


class LabFactory:
    """Starts headends on a running lab and remembers them for `cleanup()`."""

    def __init__(self, lab: ThreadedLab, *, device_factory: DeviceFactory | None = None) -> None:
        self.lab = lab
        self.device_factory = device_factory
        self.started: list[str] = []

    @overload
    def __call__(
        self,
        release: Release | str = ...,
        *,
        platform: str = ...,
        candidate: bool = ...,
        confirmed_commit: bool = ...,
        n: None = None,
        device_factory: DeviceFactory | None = ...,
        authorized_keys: Sequence[str] = ...,
        name: str | None = ...,
    ) -> Headend: ...

    @overload
    def __call__(
        self,
        release: Release | str = ...,
        *,
        platform: str = ...,
        candidate: bool = ...,
        confirmed_commit: bool = ...,
        n: int,
        device_factory: DeviceFactory | None = ...,
        authorized_keys: Sequence[str] = ...,
        name: str | None = ...,
    ) -> list[Headend]: ...

    def __call__(
        self,
        release: Release | str = DEFAULT_RELEASE,
        *,
        platform: str = "",
        candidate: bool = False,
        confirmed_commit: bool = False,
        n: int | None = None,
        device_factory: DeviceFactory | None = None,
        authorized_keys: Sequence[str] = (),
        name: str | None = None,
    ) -> Headend | list[Headend]:
        rel = release if isinstance(release, Release) else Release.parse(release)
        factory = device_factory or self.device_factory
        count = 1 if n is None else n
        headends: list[Headend] = []
        for _ in range(count):
            label = name if name and count == 1 else f"{name or 'lab'}{next(_names)}"
            identity = HeadendIdentity(
                label, rel, platform, candidate=candidate, confirmed_commit=confirmed_commit
            )
            device = factory(identity, self.lab.server.models_dir) if factory else None
            headend = self.lab.add_headend(identity, authorized_keys=authorized_keys, device=device)
            self.started.append(headend.name)
            headends.append(headend)
        return headends[0] if n is None else headends

    def cleanup(self) -> None:
        while self.started:
            self.lab.remove_headend(self.started.pop())


@contextmanager
def lab_session(
    state_dir: Path,
    *,
    models_dir: Path | None = None,
    device_factory: DeviceFactory | None = None,
) -> Iterator[ThreadedLab]:
    """A lab server in a background thread for the whole test session."""
    server = LabServer(state_dir, models_dir=models_dir, device_factory=device_factory)
    with server.run_in_thread() as lab:
        yield lab


@contextmanager
def lab_factory(
    lab: ThreadedLab, *, device_factory: DeviceFactory | None = None
) -> Iterator[LabFactory]:
    factory = LabFactory(lab, device_factory=device_factory)
    try:
        yield factory
    finally:
        factory.cleanup()
