"""Nornir task: bring the host to its intent in one safe transaction."""

from __future__ import annotations

from nornir.core.task import Result, Task

from nornir_flexvpn.deploy.apply import ExtraGate, deploy_host
from nornir_flexvpn.intent.lint import ensure_clean
from nornir_flexvpn.netconf.transaction import TransactionOptions
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets, reconnect


def deploy_flexvpn(
    task: Task,
    dry_run: bool | None = None,
    allow_running: bool = False,
    save_config: bool = True,
    lock_budget: float = 30.0,
    resend_cli: bool = False,
    gate: ExtraGate | None = None,
) -> Result:
    """Plan, then (unless dry-run or converged) apply with the device's safety net.

    `result` is the typed DeployOutcome (plan, strategy, phases, RPC count,
    rollback outcome); `failed` is set when the transaction failed, with the
    headend left as it was.
    """
    host = host_intent(task)
    ensure_clean(host.intent, host.release)
    secrets = host_secrets(task, host)
    options = TransactionOptions(
        allow_running=allow_running, save_config=save_config, lock_budget=lock_budget
    )
    outcome = deploy_host(
        connection(task),
        host,
        secrets,
        options=options,
        dry_run=task.is_dry_run(dry_run),
        reconnect=lambda: reconnect(task),
        extra_gate=gate,
        resend_cli=resend_cli,
    )
    error = outcome.error or (outcome.transaction.error if outcome.transaction else None)
    return Result(
        host=task.host,
        result=outcome,
        changed=outcome.changed,
        diff=outcome.diff,
        failed=outcome.failed,
        exception=error,
    )
