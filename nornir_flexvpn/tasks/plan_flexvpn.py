"""Nornir task: what deploy would change on the host (read-only)."""

from __future__ import annotations

from nornir.core.task import Result, Task

from nornir_flexvpn.cli_channel.mode import CliChannelMode, use_napalm
from nornir_flexvpn.cli_channel.nornir_host import napalm_channel
from nornir_flexvpn.deploy.planner import plan_host
from nornir_flexvpn.intent.lint import ensure_clean
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets


def plan_flexvpn(
    task: Task,
    resend_cli: bool = False,
    cli_channel: CliChannelMode | str = CliChannelMode.AUTO,
) -> Result:
    """`changed` says whether a deploy would write; `diff` is the IOS CLI diff
    (secrets masked); `result` is the typed HostPlan. Where deploy would use the
    NAPALM CLI channel (`cli_channel`), its lines are read back from
    `show running-config` and only missing ones are planned."""
    host = host_intent(task)
    ensure_clean(host.intent, host.release)
    secrets = host_secrets(task, host)
    conn = connection(task)
    mode = CliChannelMode(cli_channel)
    channel = napalm_channel(task, secrets) if use_napalm(mode, conn.capabilities) else None
    try:
        plan = plan_host(
            conn,
            host,
            secrets,
            resend_cli=resend_cli,
            cli_running=channel.running if channel is not None else None,
        )
    finally:
        if channel is not None:
            channel.close()
    return Result(host=task.host, result=plan, changed=plan.changed, diff="\n".join(plan.cli_diff))
