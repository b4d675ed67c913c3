"""The commit gate: the chosen checks, run between commit and confirm.

`CommitGate.snapshot` runs before the change (deploy_host's `pre_change`
hook) and keeps the active session count; the gate itself (an `ExtraGate`)
reads the state after the commit and raises `CheckError` naming the first
failed check and why, which makes the transaction roll back.
"""

from __future__ import annotations

from collections.abc import Sequence

from nornir_flexvpn.checks.crypto_oper import parse_crypto
from nornir_flexvpn.checks.results import CheckResult
from nornir_flexvpn.checks.rules import CHECKS, GATE_CHECKS, CheckOptions, known_ids, run_checks
from nornir_flexvpn.checks.source import OperSource, crypto_filter
from nornir_flexvpn.checks.state import ReleaseModels, read_state
from nornir_flexvpn.errors import CheckError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.releases import Release


def session_count(source: OperSource, release: Release) -> int | None:
    """Active IKEv2 SAs now (None where the release has no crypto-oper)."""
    models = ReleaseModels.of(release)
    if not models.crypto:
        return None
    crypto = parse_crypto(source.get(crypto_filter(("crypto-ikev2-sa",))))
    return sum(1 for sa in crypto.ikev2_sas if sa.ready)


class CommitGate:
    """Snapshot before, checks after; `results` keeps the last verdicts for the report."""

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
        self.results: list[CheckResult] = []

    def snapshot(self, source: OperSource) -> None:
        if "users-dropped" in self.checks:
            self.sessions_before = session_count(source, self.release)

    def __call__(self, source: OperSource, payload: Payload | None = None) -> None:
        state = read_state(source, self.release, self.intent)
        self.results = run_checks(
            self.checks,
            self.intent,
            state,
            options=self.options,
            sessions_before=self.sessions_before,
        )
        failed = [r for r in self.results if r.failed]
        if failed:
            first = failed[0]
            more = f" (+{len(failed) - 1} more failed)" if len(failed) > 1 else ""
            raise CheckError(f"{first.id}: {first.reason}{more}", path=f"checks/{first.id}")

    def notes(self) -> list[str]:
        return [f"gate {r}" for r in self.results]
