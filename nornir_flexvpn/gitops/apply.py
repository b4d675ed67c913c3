"""Apply a set of headends: the one seam between the controller and the rollout engine.

Wired: the rollout engine (`nornir_flexvpn.rollout`, issue 8) with the
repository's canary, waves and failure budget; each host goes through the
safe deploy and its commit gate. The controller only sees `ApplyReport`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from nornir.core import Nornir
from nornir.core.filter import F

from nornir_flexvpn.deploy.apply import ExtraGate
from nornir_flexvpn.gitops.config import RolloutSettings
from nornir_flexvpn.rollout.plan import build_plan, hosts_of
from nornir_flexvpn.rollout.records import HostStatus as RolloutHostStatus
from nornir_flexvpn.rollout.runner import Rollout
from nornir_flexvpn.rollout.spec import Amount
from nornir_flexvpn.rollout.state import RolloutState, RunStatus

ENGINE = "rollout"
STOP_POLL = 0.1  # seconds: how soon a controller stop reaches the rollout


@dataclass
class HostApply:
    host: str
    ok: bool
    status: str  # the rollout record's status
    error: str | None
    seconds: float


@dataclass
class ApplyReport:
    engine: str
    done: dict[str, HostApply] = field(default_factory=dict)
    not_started: list[str] = field(default_factory=list)
    halted: str | None = None  # why the rollout stopped early
    interrupted: bool = False  # Ctrl-C / SIGINT reached the rollout itself

    @property
    def failed(self) -> list[str]:
        return [name for name, h in self.done.items() if not h.ok]


def apply_hosts(
    nr: Nornir,
    names: Sequence[str],
    settings: RolloutSettings,
    stop: threading.Event,
    *,
    inventory_dir: Path,
    state_path: Path | None = None,
    allow_running: bool = False,
    gate: ExtraGate | None = None,
) -> ApplyReport:
    """Roll `names` (hosts of `nr`) out: canary, waves, budget. Setting `stop`
    stops starting hosts; those in flight finish their transaction."""
    report = ApplyReport(engine=ENGINE)
    if not names:
        return report
    if stop.is_set():
        report.not_started, report.halted = sorted(names), "stop requested"
        return report
    spec = settings.spec(allow_running=allow_running)
    if spec.canary_hosts:
        # Named canaries with nothing to change this time are not part of this rollout;
        # with none left, the first host is the canary.
        present = tuple(h for h in spec.canary_hosts if h in set(names))
        spec = replace(spec, canary_hosts=present, canary=spec.canary if present else Amount(1))
    target = nr.filter(F(name__any=list(names)))
    plan = build_plan(hosts_of(target), spec)
    state = RolloutState.new(spec, plan, inventory_dir, {"hosts": sorted(names)})
    rollout = Rollout(target, state, state_path=state_path, gate=gate)
    finished = threading.Event()

    def relay_stop() -> None:
        while not finished.is_set():
            if stop.wait(STOP_POLL):
                rollout.request_stop("controller stopping", RunStatus.INTERRUPTED)
                return

    watcher = threading.Thread(target=relay_stop, name="gitops-stop-relay", daemon=True)
    watcher.start()
    try:
        final = rollout.run()
    finally:
        finished.set()
        watcher.join(timeout=5)
    for name in names:
        record = final.records[name]
        if record.status in (RolloutHostStatus.PENDING, RolloutHostStatus.SKIPPED):
            report.not_started.append(name)
            continue
        ok = record.status in (RolloutHostStatus.CHANGED, RolloutHostStatus.IN_SYNC)
        error = record.error
        if not ok and error is None:
            error = f"rollout: {record.status.value}"
        report.done[name] = HostApply(name, ok, record.status.value, error, record.seconds)
    if final.status is not RunStatus.COMPLETED:
        report.halted = final.reason or final.status.value
    report.interrupted = final.status is RunStatus.INTERRUPTED and not stop.is_set()
    return report
