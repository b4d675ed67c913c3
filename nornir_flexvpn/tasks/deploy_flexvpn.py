"""Nornir task: bring the host to its intent in one safe transaction."""

from __future__ import annotations

from collections.abc import Sequence

from nornir.core.task import Result, Task

from nornir_flexvpn.checks.gate import commit_gate, with_checks
from nornir_flexvpn.cli_channel.mode import CliChannelMode, use_napalm
from nornir_flexvpn.cli_channel.napalm_channel import NapalmCliChannel
from nornir_flexvpn.cli_channel.nornir_host import napalm_channel
from nornir_flexvpn.deploy.apply import DeployOutcome, ExtraGate, deploy_host
from nornir_flexvpn.deploy.cli_lines import missing_items
from nornir_flexvpn.deploy.redaction import redact_cli
from nornir_flexvpn.errors import CheckError, RefusedError
from nornir_flexvpn.intent.lint import ensure_clean
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.transaction import Reconnect, TransactionOptions
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets, reconnect
from nornir_flexvpn.tasks.material import MaterialStep, pki_channel, pki_cli


def deploy_flexvpn(
    task: Task,
    dry_run: bool | None = None,
    allow_running: bool = False,
    save_config: bool = True,
    lock_budget: float = 30.0,
    resend_cli: bool = False,
    gate: ExtraGate | None = None,
    cli_channel: CliChannelMode | str = CliChannelMode.AUTO,
    material: bool = True,
    checks: Sequence[str] | None = None,
    drop_threshold: int = 0,
    hold: bool = False,
    confirm_timeout: int = 120,
    pki_via_cli: bool = False,
) -> Result:
    """Plan, then (unless dry-run or converged) apply with the device's safety net.

    `result` is the typed DeployOutcome (plan, strategy, phases, RPC count,
    rollback outcome); `failed` is set when the transaction failed, with the
    headend left as it was.

    `cli_channel`: "auto" sends the lines no model carries over NAPALM/SSH only
    where the release's NETCONF has no cli-rpc; "napalm" always; "never" never
    (a release that needs it is refused, naming the lines).

    `material`: first import the trustpoint's PKCS12 bundle (when the intent
    names one) and deliver the AnyConnect client profile(s); a failure there
    stops the deploy before any configuration is touched (tasks.material).

    `checks`: post-checks run between commit and confirm (None: the default
    gate, `checks.rules.GATE_CHECKS`; empty: none); `drop_threshold`: users a
    change may drop before the `users-dropped` check fails it.

    `hold`: phase one of a two-phase commit (fleet dead-man rollouts): the
    gated change stays pending in `result.held` for `confirm()`/`roll_back()`;
    `confirm_timeout`: seconds the device waits for it (confirmed-commit).

    `pki_via_cli`: where the release has no crypto pki import RPC (16.9.1),
    import the PKCS12 bundle with the exec command over the NAPALM CLI channel
    (pki.cli_import) instead of refusing.
    """
    mode = CliChannelMode(cli_channel)
    host = host_intent(task)
    ensure_clean(host.intent, host.release)
    secrets = host_secrets(task, host)
    options = TransactionOptions(
        allow_running=allow_running,
        save_config=save_config,
        lock_budget=lock_budget,
        confirm_timeout=confirm_timeout,
    )
    conn = connection(task)
    post = commit_gate(host, checks, drop_threshold)
    channel = napalm_channel(task, secrets) if use_napalm(mode, conn.capabilities) else None
    pki_chan = pki_channel(task, host, secrets, pki_via_cli and material, channel)
    step = MaterialStep(host, secrets, pki_cli=pki_cli(pki_chan)) if material else None
    try:
        outcome = deploy_host(
            conn,
            host,
            secrets,
            options=options,
            dry_run=task.is_dry_run(dry_run),
            reconnect=lambda: reconnect(task),
            extra_gate=_with_cli_readback(with_checks(post, gate), channel, secrets),
            resend_cli=resend_cli,
            cli_channel=channel,
            cli_running=channel.running if channel is not None else None,
            pre_transaction=step,
            pre_change=(lambda c, _plan: post.snapshot(c)) if post is not None else None,
            hold=hold,
        )
        if step is not None:
            _after_material(step, outcome, conn, options, lambda: reconnect(task))
    finally:
        if channel is not None:
            channel.close()
        if pki_chan is not None and pki_chan is not channel:
            pki_chan.close()
    if channel is not None:
        outcome.notes.extend(line.describe() for line in channel.sent)
    if post is not None:
        outcome.notes.extend(post.notes())
    error = outcome.error or (outcome.transaction.error if outcome.transaction else None)
    if isinstance(error, RefusedError) and mode is CliChannelMode.NEVER:
        error = RefusedError(f"{error.message} (--cli-channel never forbids the NAPALM channel)")
        if outcome.transaction is not None:
            outcome.transaction.error = error
    return Result(
        host=task.host,
        result=outcome,
        changed=outcome.changed,
        diff=outcome.diff,
        failed=outcome.failed,
        exception=error,
    )


def _with_cli_readback(
    gate: ExtraGate | None, channel: NapalmCliChannel | None, secrets: ResolvedSecrets
) -> ExtraGate | None:
    """The user's gate, then (with a CLI channel) every CLI line read back from running."""
    if channel is None:
        return gate

    def check(conn: NetconfConnection, payload: Payload) -> None:
        if gate is not None:
            gate(conn, payload)
        if not payload.cli:
            return
        missing = missing_items(payload.cli, channel.running())
        if missing:
            lines = "; ".join(redact_cli(i.text.replace("\n", " / "), secrets) for i in missing)
            raise CheckError(f"CLI readback: running-config lacks {lines}")

    return check


def _after_material(
    step: MaterialStep,
    outcome: DeployOutcome,
    conn: NetconfConnection,
    options: TransactionOptions,
    reconnect: Reconnect,
) -> None:
    """Record the files step; re-bind changed profile files once the config is in."""
    outcome.material = step.report
    if step.report is None or outcome.failed:
        return
    outcome.notes.extend(step.after(conn, options=options, reconnect=reconnect))
    rebound = step.report.rebound
    if rebound is not None and not rebound.ok:
        outcome.error = rebound.error
