"""Nornir tasks over RESTCONF: plan, verify (read-only) and the opt-in apply.

They mirror `tasks.plan_flexvpn` / `tasks.verify_flexvpn` with a
`RestconfReader` in place of the NETCONF session, so the same engine gives
the same answers; `plan_task`/`verify_task` pick the task for a `--transport` choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nornir.core.task import Result, Task

from nornir_flexvpn.checks.probe import Prober
from nornir_flexvpn.checks.rules import VERIFY_CHECKS
from nornir_flexvpn.deploy.planner import plan_payload
from nornir_flexvpn.intent.lint import ensure_clean
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.restconf.apply import Gate, apply_host
from nornir_flexvpn.restconf.client import RestconfClient
from nornir_flexvpn.restconf.plugin import CONNECTION_NAME, register_plugin
from nornir_flexvpn.restconf.reader import RestconfReader
from nornir_flexvpn.restconf.transport import Transport
from nornir_flexvpn.tasks._host import host_intent, host_secrets
from nornir_flexvpn.tasks.verify_flexvpn import verify_on


def restconf_connection(task: Task) -> RestconfClient:
    register_plugin()
    client = task.host.get_connection(CONNECTION_NAME, task.nornir.config)
    assert isinstance(client, RestconfClient)
    return client


def plan_flexvpn_restconf(task: Task, resend_cli: bool = False) -> Result:
    """`plan_flexvpn` over RESTCONF: `result` is the same typed HostPlan."""
    host = host_intent(task)
    ensure_clean(host.intent, host.release)
    secrets = host_secrets(task, host)
    reader = RestconfReader(restconf_connection(task), host.release)
    payload = build_payload(host.intent, host.release, secrets)
    plan = plan_payload(reader, host.name, payload, secrets, resend_cli=resend_cli)
    return Result(host=task.host, result=plan, changed=plan.changed, diff="\n".join(plan.cli_diff))


def verify_flexvpn_restconf(
    task: Task,
    checks: Sequence[str] = VERIFY_CHECKS,
    probe: bool = False,
    probe_user: str | None = None,
    prober: Prober | None = None,
    cert_warn_days: int = 30,
    pool_warn_free: float = 0.2,
) -> Result:
    """`verify_flexvpn` over RESTCONF: `result` is the same typed VerifyReport."""
    host = host_intent(task)
    secrets = host_secrets(task, host)
    return verify_on(
        task,
        RestconfReader(restconf_connection(task), host.release),
        host,
        secrets,
        checks=checks,
        probe=probe,
        probe_user=probe_user,
        prober=prober,
        cert_warn_days=cert_warn_days,
        pool_warn_free=pool_warn_free,
    )


def apply_flexvpn_restconf(
    task: Task,
    dry_run: bool | None = None,
    save_config: bool = True,
    gate: Gate | None = None,
) -> Result:
    """Opt-in apply over RESTCONF (see restconf.apply); `result` is a RestconfApplyOutcome."""
    host = host_intent(task)
    ensure_clean(host.intent, host.release)
    secrets = host_secrets(task, host)
    outcome = apply_host(
        restconf_connection(task),
        host,
        secrets,
        dry_run=task.is_dry_run(dry_run),
        save_config=save_config,
        gate=gate,
    )
    diff = "\n".join(outcome.plan.cli_diff) if outcome.plan else ""
    return Result(
        host=task.host,
        result=outcome,
        changed=outcome.changed,
        diff=diff,
        failed=outcome.failed,
        exception=outcome.error,
    )


def plan_task(transport: Transport | str) -> Callable[..., Result]:
    """The plan task for a `--transport` choice."""
    if Transport(transport) is Transport.RESTCONF:
        return plan_flexvpn_restconf
    from nornir_flexvpn.tasks.plan_flexvpn import plan_flexvpn

    return plan_flexvpn


def verify_task(transport: Transport | str) -> Callable[..., Result]:
    """The verify task for a `--transport` choice."""
    if Transport(transport) is Transport.RESTCONF:
        return verify_flexvpn_restconf
    from nornir_flexvpn.tasks.verify_flexvpn import verify_flexvpn

    return verify_flexvpn
