"""Nornir task: what deploy would change on the host (read-only)."""

from __future__ import annotations

from nornir.core.task import Result, Task

from nornir_flexvpn.deploy.planner import plan_host
from nornir_flexvpn.intent.lint import ensure_clean
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets


def plan_flexvpn(task: Task, resend_cli: bool = False) -> Result:
    """`changed` says whether a deploy would write; `diff` is the IOS CLI diff
    (secrets masked); `result` is the typed HostPlan."""
    host = host_intent(task)
    ensure_clean(host.intent, host.release)
    secrets = host_secrets(task, host)
    plan = plan_host(connection(task), host, secrets, resend_cli=resend_cli)
    return Result(host=task.host, result=plan, changed=plan.changed, diff="\n".join(plan.cli_diff))
