"""The commit gate: the chosen checks, run between commit and confirm.

`CommitGate.snapshot` runs before the change (deploy_host's `pre_change`
hook) and keeps the active session count and the checks already failing;
the gate itself (an `ExtraGate`) reads the state after the commit and
raises `CheckError` naming the first check the change made fail and why,
which makes the transaction roll back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nornir_flexvpn.checks.results import CheckResult
from nornir_flexvpn.checks.rules import CHECKS, GATE_CHECKS, CheckOptions, known_ids, run_checks
from nornir_flexvpn.checks.source import OperSource
from nornir_flexvpn.checks.state import read_state
from nornir_flexvpn.errors import CheckError
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.releases import Release

# The shape of deploy.apply.ExtraGate, kept here so that deploy may import checks.
ExtraGate = Callable[[NetconfConnection, Payload], None]


class CommitGate:
    """Snapshot before, checks after; `results` keeps the last verdicts for the report.

    The gate fails a change for what the change broke: a check that already
    failed before it (sessions negotiated under a drifted proposal, say) is
    reported but does not roll back the deploy that may be fixing it.
    """

    def __init__(
        self,
        intent: FlexVpnIntent,
        release: Release,
        checks: Sequence[str] = GATE_CHECKS,
        options: CheckOptions | None = None,
    ) -> None:
        self.intent = intent
        self.release = release
        # config-readback is deploy's built-in gate; the probe does not gate.
        self.checks = [c for c in known_ids(checks) if c in CHECKS]
        self.options = options or CheckOptions()
        self.sessions_before: int | None = None
        self.failing_before: set[str] = set()
        self.results: list[CheckResult] = []

    def snapshot(self, source: OperSource) -> None:
        """Before the change: the session count and the checks already failing."""
        state = read_state(source, self.release, self.intent)
        self.sessions_before = state.session_count
        before = run_checks(
            [c for c in self.checks if c != "users-dropped"],
            self.intent,
            state,
            options=self.options,
        )
        self.failing_before = {r.id for r in before if r.failed}

    def __call__(self, source: OperSource, payload: Payload | None = None) -> None:
        state = read_state(source, self.release, self.intent)
        self.results = run_checks(
            self.checks,
            self.intent,
            state,
            options=self.options,
            sessions_before=self.sessions_before,
        )
        failed = [r for r in self.results if r.failed and r.id not in self.failing_before]
        if failed:
            first = failed[0]
            more = f" (+{len(failed) - 1} more failed)" if len(failed) > 1 else ""
            raise CheckError(f"{first.id}: {first.reason}{more}", path=f"checks/{first.id}")

    def notes(self) -> list[str]:
        return [
            f"gate {r}" + (" (failing before the change too: not gating)" if r.failed else "")
            if r.id in self.failing_before
            else f"gate {r}"
            for r in self.results
        ]


def commit_gate(
    host: HostIntent, checks: Sequence[str] | None = None, drop_threshold: int = 0
) -> CommitGate | None:
    """The deploy's post-check gate for `host` (None when no check is chosen)."""
    chosen = GATE_CHECKS if checks is None else tuple(checks)
    gate = CommitGate(
        host.intent, host.release, chosen, CheckOptions(drop_threshold=drop_threshold)
    )
    return gate if gate.checks else None


def with_checks(gate: CommitGate | None, extra: ExtraGate | None) -> ExtraGate | None:
    """The post-checks first, then the caller's own gate."""
    if gate is None:
        return extra

    def run(conn: NetconfConnection, payload: Payload) -> None:
        gate(conn, payload)
        if extra is not None:
            extra(conn, payload)

    return run
