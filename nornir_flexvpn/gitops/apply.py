"""Apply a set of headends: the one seam between the controller and the rollout engine.

Wired today: the host-by-host adapter below (each host through
`deploy_flexvpn`, the safe deploy with its commit gate), which honours the
repository's canary and failure budget. The rollout engine (issue 8,
`nornir_flexvpn.rollout`) replaces the body of `apply_hosts` when it lands;
the controller only sees `ApplyReport`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from nornir.core import Nornir
from nornir.core.filter import F

from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.gitops.config import RolloutSettings, amount
from nornir_flexvpn.tasks.deploy_flexvpn import deploy_flexvpn

ENGINE = "host-by-host"


@dataclass
class HostApply:
    host: str
    outcome: DeployOutcome | None
    error: BaseException | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None and self.outcome is not None and not self.outcome.failed


@dataclass
class ApplyReport:
    engine: str
    done: dict[str, HostApply] = field(default_factory=dict)
    not_started: list[str] = field(default_factory=list)
    halted: str | None = None  # why the rollout stopped early

    @property
    def failed(self) -> list[str]:
        return [name for name, h in self.done.items() if not h.ok]


def rollout_order(names: Sequence[str], settings: RolloutSettings) -> tuple[list[str], list[str]]:
    """(canary, rest): explicit canary names that are in `names`, else the first N."""
    ordered = sorted(names)
    if isinstance(settings.canary, list):
        canary = [n for n in settings.canary if n in set(ordered)]
    else:
        canary = ordered[: max(settings.canary, 0)]
    return canary, [n for n in ordered if n not in set(canary)]


def apply_hosts(
    nr: Nornir,
    names: Sequence[str],
    settings: RolloutSettings,
    stop: threading.Event,
    *,
    allow_running: bool = False,
) -> ApplyReport:
    """Deploy `names` (hosts of `nr`): canary first, then the rest, one at a
    time; stops starting hosts when the canary fails, the failure budget is
    spent, or `stop` is set (the host in flight finishes its transaction)."""
    report = ApplyReport(engine=ENGINE)
    canary, rest = rollout_order(names, settings)
    budget = amount(settings.max_fail, len(names))
    queue = [*canary, *rest]
    for index, name in enumerate(queue):
        if stop.is_set():
            report.halted = "stop requested"
        elif name in rest and any(not report.done[c].ok for c in canary):
            report.halted = "canary failed"
        elif len(report.failed) > budget:
            report.halted = f"failure budget spent ({len(report.failed)} > {budget})"
        if report.halted:
            report.not_started = queue[index:]
            break
        report.done[name] = _deploy_one(nr, name, allow_running=allow_running)
    return report


def _deploy_one(nr: Nornir, name: str, *, allow_running: bool) -> HostApply:
    started = time.monotonic()
    agg = nr.filter(F(name=name)).run(
        task=deploy_flexvpn, allow_running=allow_running, on_failed=True
    )
    multi = agg[name]
    result = multi[0]
    outcome = result.result if isinstance(result.result, DeployOutcome) else None
    error = result.exception
    if error is None and outcome is not None and outcome.failed:
        error = outcome.error or (outcome.transaction.error if outcome.transaction else None)
    return HostApply(name, outcome, error, time.monotonic() - started)
