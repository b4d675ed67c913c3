"""Verify one headend: read its state once, run the chosen checks, render the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nornir_flexvpn.checks.probe import Prober, check_probe, probe_user
from nornir_flexvpn.checks.results import CheckResult, Severity, Status, VerifyReport
from nornir_flexvpn.checks.rules import VERIFY_CHECKS, CheckOptions, known_ids, run_checks
from nornir_flexvpn.checks.show import render_show
from nornir_flexvpn.checks.source import OperSource
from nornir_flexvpn.checks.state import read_state
from nornir_flexvpn.errors import FlexVpnError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.releases import Release

Readback = Callable[[], list[str]]
"""Paths of the managed objects running does not hold as intended ([] = converged)."""
PasswordOf = Callable[[str], str]


@dataclass(frozen=True)
class ProbeSettings:
    prober: Prober
    password_of: PasswordOf  # user name -> password (from the resolved secrets)
    user: str | None = None  # None: the intent's first local user


def readback_result(readback: Readback | None) -> CheckResult:
    cid, sev = "config-readback", Severity.CRITICAL
    if readback is None:
        return CheckResult(
            cid, sev, Status.NOT_AVAILABLE, "no session that can read the managed configuration"
        )
    try:
        differs = readback()
    except FlexVpnError as exc:
        return CheckResult(
            cid, sev, Status.FAIL, f"cannot read the managed configuration back: {exc}"
        )
    if differs:
        shown = ", ".join(differs[:3]) + (
            f" (+{len(differs) - 3} more)" if len(differs) > 3 else ""
        )
        return CheckResult(
            cid,
            sev,
            Status.FAIL,
            f"running differs from the intent in {len(differs)} managed object(s): {shown}",
            tuple(differs),
        )
    return CheckResult(cid, sev, Status.PASS, "running holds exactly the intended managed objects")


def verify(
    source: OperSource,
    host: str,
    release: Release,
    intent: FlexVpnIntent,
    *,
    checks: Sequence[str] = VERIFY_CHECKS,
    options: CheckOptions | None = None,
    readback: Readback | None = None,
    probe: ProbeSettings | None = None,
    sessions_before: int | None = None,
    now: dt.datetime | None = None,
) -> VerifyReport:
    """Every chosen check's verdict on `host` (the probe runs last, only when configured)."""
    ids = known_ids(checks)
    state = read_state(source, release, intent, now=now)
    report = VerifyReport(host=host, release=release.value)
    if "config-readback" in ids:
        report.results.append(readback_result(readback))
    report.results += run_checks(
        ids, intent, state, options=options, sessions_before=sessions_before, now=now
    )
    if probe is not None or "probe" in ids:
        if probe is None:
            report.results.append(
                CheckResult(
                    "probe",
                    Severity.CRITICAL,
                    Status.NOT_AVAILABLE,
                    "no prober configured for this headend",
                )
            )
        else:
            user = probe_user(intent, probe.user)
            report.results.append(
                check_probe(probe.prober, user, probe.password_of(user), intent, state.running)
            )
    report.show = render_show(host, state, intent)
    return report
