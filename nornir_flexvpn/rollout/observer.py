"""What a rollout tells its watchers (the live progress, tests)."""

from __future__ import annotations

from collections.abc import Sequence

from nornir_flexvpn.rollout.plan import Wave
from nornir_flexvpn.rollout.records import HostRecord
from nornir_flexvpn.rollout.state import WaveLog


class Observer:
    """No-op base: override what you need. Host callbacks come from worker threads."""

    def wave_started(self, wave: Wave, hosts: Sequence[str]) -> None:
        return None

    def host_started(self, record: HostRecord) -> None:
        return None

    def host_finished(self, record: HostRecord) -> None:
        return None

    def wave_finished(self, wave: Wave, log: WaveLog) -> None:
        return None

    def message(self, text: str) -> None:
        return None
