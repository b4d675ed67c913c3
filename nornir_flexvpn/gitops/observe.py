"""Plan one headend against the revision in force, retrying transient failures.

Read-only (the plan's one filtered get-config). Connection failures and
dropped sessions are retried a bounded number of times with exponential
backoff; a stop request cuts the wait short and skips hosts not started yet.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from nornir.core.task import Result, Task

from nornir_flexvpn.deploy.planner import HostPlan
from nornir_flexvpn.errors import (
    ConnectError,
    HostKeyError,
    RpcTimeoutError,
    SessionClosedError,
)
from nornir_flexvpn.netconf.plugin import CONNECTION_NAME
from nornir_flexvpn.tasks.plan_flexvpn import plan_flexvpn

TRANSIENT = (ConnectError, SessionClosedError, RpcTimeoutError)


@dataclass(frozen=True)
class RetryPolicy:
    """Within a tick: `attempts` tries, `base_delay` doubling up to `max_delay`.
    Across ticks: an unreachable host waits `interval * 2**(failures-1)`, at
    most `max_backoff` seconds, before it is tried again."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_backoff: float = 3600.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay, self.base_delay * 2**attempt))

    def backoff(self, failures: int, interval: float) -> float:
        return float(min(self.max_backoff, max(interval, 1.0) * 2 ** max(failures - 1, 0)))


@dataclass
class Observation:
    host: str
    plan: HostPlan | None = None
    error: BaseException | None = None
    unreachable: bool = False
    skipped: bool = False
    attempts: int = 0
    seconds: float = 0.0


def transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT) and not isinstance(exc, HostKeyError)


def drop_connection(task: Task) -> None:
    try:
        task.host.close_connection(CONNECTION_NAME)
    except Exception:
        task.host.connections.pop(CONNECTION_NAME, None)


def observe_host(task: Task, retry: RetryPolicy, stop: threading.Event) -> Result:
    """A Nornir task; `result` is an Observation (never raises for device errors)."""
    seen = Observation(host=task.host.name)
    if stop.is_set():
        seen.skipped = True
        return Result(host=task.host, result=seen)
    started = time.monotonic()
    for attempt in range(max(retry.attempts, 1)):
        seen.attempts = attempt + 1
        try:
            result = plan_flexvpn(task)
        except Exception as exc:
            seen.error = exc
            if not transient(exc):
                break
            seen.unreachable = True
            drop_connection(task)
            if attempt + 1 < retry.attempts and stop.wait(retry.delay(attempt)):
                break
            continue
        plan = result.result
        assert isinstance(plan, HostPlan)
        seen.plan, seen.error, seen.unreachable = plan, None, False
        break
    seen.seconds = time.monotonic() - started
    return Result(host=task.host, result=seen)
