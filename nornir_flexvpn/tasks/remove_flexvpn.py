"""Nornir task: remove exactly what the host's intent owns."""

from __future__ import annotations

from nornir.core.task import Result, Task

from nornir_flexvpn.deploy.apply import remove_host
from nornir_flexvpn.netconf.transaction import TransactionOptions
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets, reconnect


def remove_flexvpn(
    task: Task,
    dry_run: bool | None = None,
    allow_running: bool = False,
    save_config: bool = True,
) -> Result:
    """Delete the intent's objects (dependents first) with the same safety net;
    global switches (aaa new-model, http servers) are left as they are."""
    host = host_intent(task)
    secrets = host_secrets(task, host)
    outcome = remove_host(
        connection(task),
        host,
        secrets,
        options=TransactionOptions(allow_running=allow_running, save_config=save_config),
        dry_run=task.is_dry_run(dry_run),
        reconnect=lambda: reconnect(task),
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
