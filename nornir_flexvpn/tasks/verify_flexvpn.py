"""Nornir task: post-checks on a headend's operational state (read-only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from nornir.core.task import Result, Task

from nornir_flexvpn.checks.probe import LabControlProber, Prober
from nornir_flexvpn.checks.results import VerifyReport
from nornir_flexvpn.checks.rules import VERIFY_CHECKS, CheckOptions
from nornir_flexvpn.checks.source import OperSource
from nornir_flexvpn.checks.verify import ProbeSettings, Readback, verify
from nornir_flexvpn.deploy.planner import ConfigReader, read_and_diff
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.lab.control_client import control_socket
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets, inventory_dir


def _lab_prober(task: Task) -> Prober | None:
    """A lab headend (host data `lab: true`) whose `flexvpn lab up` control socket is
    beside the inventory can be probed through it."""
    if not task.host.get("lab"):
        return None
    folder = inventory_dir(task)
    socket_path = control_socket(folder) if folder is not None else None
    if socket_path is None or not socket_path.exists():
        return None
    return LabControlProber(socket_path, task.host.name)


class VerifySource(ConfigReader, OperSource, Protocol):
    """What verify reads from: a NETCONF connection or a RESTCONF reader."""


def managed_readback(source: ConfigReader, host: HostIntent, secrets: ResolvedSecrets) -> Readback:
    """The config-readback check's reader: paths of managed objects not as intended."""

    def readback() -> list[str]:
        payload = build_payload(host.intent, host.release, secrets)
        return [change.path for change in read_and_diff(source, payload, secrets)[1]]

    return readback


def verify_on(
    task: Task,
    source: VerifySource,
    host: HostIntent,
    secrets: ResolvedSecrets,
    *,
    checks: Sequence[str],
    probe: bool,
    probe_user: str | None,
    prober: Prober | None,
    cert_warn_days: int,
    pool_warn_free: float,
) -> Result:
    """The verify task's body over any transport (NETCONF here, RESTCONF in restconf.tasks)."""
    ids = list(checks)
    settings = None
    if probe or prober is not None:
        chosen = prober or _lab_prober(task)
        if chosen is not None:
            settings = ProbeSettings(chosen, secrets.user_password, probe_user)
        elif "probe" not in ids:
            ids.append("probe")
    report: VerifyReport = verify(
        source,
        host.name,
        host.release,
        host.intent,
        checks=ids,
        options=CheckOptions(cert_warn_days=cert_warn_days, pool_warn_free=pool_warn_free),
        readback=managed_readback(source, host, secrets),
        probe=settings,
    )
    return Result(host=task.host, result=report, changed=False, failed=not report.ok)


def verify_flexvpn(
    task: Task,
    checks: Sequence[str] = VERIFY_CHECKS,
    probe: bool = False,
    probe_user: str | None = None,
    prober: Prober | None = None,
    cert_warn_days: int = 30,
    pool_warn_free: float = 0.2,
) -> Result:
    """`result` is the typed VerifyReport; `failed` when any check failed.

    `probe`: also connect a test user and expect an address from the pool
    (`prober`, or a lab headend's control socket); without a prober the probe
    is reported not available."""
    host = host_intent(task)
    secrets = host_secrets(task, host)
    return verify_on(
        task,
        connection(task),
        host,
        secrets,
        checks=checks,
        probe=probe,
        probe_user=probe_user,
        prober=prober,
        cert_warn_days=cert_warn_days,
        pool_warn_free=pool_warn_free,
    )
