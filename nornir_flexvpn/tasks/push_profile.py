"""Nornir task: deliver the AnyConnect client profile(s) and re-bind a changed file."""

from __future__ import annotations

from nornir.core.task import Result, Task

from nornir_flexvpn.errors import FlexVpnError
from nornir_flexvpn.files.material import deliver_material, rebind
from nornir_flexvpn.netconf.transaction import TransactionOptions
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets, reconnect


def push_profile(task: Task, allow_running: bool = False) -> Result:
    """`result` is a files.material.MaterialReport; `changed` when a file was written
    (and, if it was already bound, bound again in one transaction)."""
    host = host_intent(task)
    secrets = host_secrets(task, host)
    conn = connection(task)
    try:
        report = deliver_material(conn, host, secrets, profiles=True, pki=False)
        result = rebind(
            conn,
            host,
            report,
            options=TransactionOptions(allow_running=allow_running),
            reconnect=lambda: reconnect(task),
        )
    except FlexVpnError as exc:
        return Result(host=task.host, result=None, failed=True, exception=exc)
    error = result.error if result is not None and not result.ok else None
    return Result(
        host=task.host,
        result=report,
        changed=report.changed,
        failed=error is not None,
        exception=error,
    )
