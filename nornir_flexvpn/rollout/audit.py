"""After a rollout: is any headend half-applied?

Read-only (one plan per host). A done host (changed / in sync) must hold the
intent; any other host that started must show exactly the plan it showed
before its change (same redacted diff), i.e. be as it was. Hosts that never
started are only checked for being reachable.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

from nornir.core import Nornir
from nornir.core.filter import F
from nornir.core.task import Result, Task

from nornir_flexvpn.deploy.planner import HostPlan
from nornir_flexvpn.rollout.records import HostStatus
from nornir_flexvpn.rollout.state import RolloutState
from nornir_flexvpn.tasks.plan_flexvpn import plan_flexvpn


@dataclass(frozen=True)
class AuditFinding:
    host: str
    status: HostStatus
    problem: str


def _plan_and_close(task: Task) -> Result:
    """One read-only plan; the session is closed after it (a fleet's worth of idle
    sessions would starve the controller)."""
    try:
        return plan_flexvpn(task)
    finally:
        with contextlib.suppress(Exception):
            task.host.close_connections()


def audit(nr: Nornir, state: RolloutState) -> list[AuditFinding]:
    """Findings for headends that are neither done nor as before (empty: all clean)."""
    hosts = list(state.plan.hosts)
    agg = nr.filter(F(name__any=hosts)).run(task=_plan_and_close, on_failed=True, name="audit")
    findings: list[AuditFinding] = []
    for name in hosts:
        record = state.records[name]
        multi = agg.get(name)
        plan = multi[0].result if multi is not None else None
        if not isinstance(plan, HostPlan):
            exc = multi[0].exception if multi is not None else None
            findings.append(AuditFinding(name, record.status, f"cannot plan: {exc}"))
            continue
        if record.status.done:
            if plan.changed:
                findings.append(
                    AuditFinding(name, record.status, "recorded done but does not hold the intent")
                )
            continue
        if record.diff_sha256 is None or record.status is HostStatus.WOULD_CHANGE:
            continue
        now = hashlib.sha256("\n".join(plan.cli_diff).encode()).hexdigest()
        if now != record.diff_sha256:
            findings.append(
                AuditFinding(name, record.status, "half-applied: differs from before its change")
            )
    return findings
