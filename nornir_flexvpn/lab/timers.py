"""Timers of the lab device (confirmed-commit timeout, cisco-ia revert timer).

Real timers run on threads and call back into the device, which takes its
own lock. Tests use `ManualTimers` and move time by hand, so nothing sleeps
and nothing depends on the wall clock.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Timers(Protocol):
    def start(self, seconds: float, callback: Callable[[], None]) -> TimerHandle: ...


class ThreadTimers:
    """Wall-clock timers (daemon threads)."""

    def start(self, seconds: float, callback: Callable[[], None]) -> TimerHandle:
        timer = threading.Timer(seconds, callback)
        timer.daemon = True
        timer.start()
        return timer


@dataclass
class _Pending:
    due: float
    order: int
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class ManualTimers:
    """Timers driven by `advance(seconds)`: deterministic, for tests."""

    now: float = 0.0
    _pending: list[_Pending] = field(default_factory=list)
    _order: itertools.count[int] = field(default_factory=itertools.count)

    def start(self, seconds: float, callback: Callable[[], None]) -> TimerHandle:
        pending = _Pending(self.now + seconds, next(self._order), callback)
        self._pending.append(pending)
        return pending

    def active(self) -> int:
        return sum(1 for p in self._pending if not p.cancelled)

    def advance(self, seconds: float) -> int:
        """Move time on and fire what fell due, in order; returns how many fired."""
        self.now += seconds
        fired = 0
        while True:
            due = sorted(
                (p for p in self._pending if not p.cancelled and p.due <= self.now),
                key=lambda p: (p.due, p.order),
            )
            if not due:
                break
            first = due[0]
            first.cancelled = True
            first.callback()
            fired += 1
        self._pending = [p for p in self._pending if not p.cancelled]
        return fired
