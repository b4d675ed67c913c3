"""The Nornir tasks a rollout runs on each host, and what they share with the runner.

Every change goes through `deploy_host` (plan, then one safe transaction
with its commit gate). The runner decides; these tasks only report into the
host's `HostRecord` (through `HostJob`), never raise for a host's failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nornir.core.task import Result, Task

from nornir_flexvpn.deploy.apply import DeployOutcome, ExtraGate
from nornir_flexvpn.deploy.planner import converged
from nornir_flexvpn.errors import CheckError, FlexVpnError, RollbackError
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.netconf import guard
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.transaction import (
    Strategy,
    Transaction,
    choose_strategy,
)
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.rollout.records import HostRecord, HostStatus
from nornir_flexvpn.rollout.spec import RolloutSpec
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets
from nornir_flexvpn.tasks.deploy_flexvpn import deploy_flexvpn


@dataclass
class Held:
    """A host's change committed under its safety net, waiting for the wave's verdict."""

    transaction: Transaction
    payload: Payload
    secrets: ResolvedSecrets = field(repr=False)


@dataclass
class HostJob:
    """What the tasks of one wave share with the runner (callbacks are thread-safe)."""

    spec: RolloutSpec
    records: dict[str, HostRecord]
    may_start: Callable[[str], bool]
    started: Callable[[HostRecord], None]
    finished: Callable[[HostRecord], None]
    gate: ExtraGate | None = None
    held: dict[str, Held] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _error_text(exc: BaseException, secrets: ResolvedSecrets | None) -> str:
    text = str(exc) if isinstance(exc, FlexVpnError) else f"{type(exc).__name__}: {exc}"
    return secrets.redact(text) if secrets is not None else text


def _timed(record: HostRecord, step: str, start: float) -> None:
    record.timings[step] = round(record.timings.get(step, 0.0) + time.perf_counter() - start, 6)


def rollout_deploy(task: Task, job: HostJob) -> Result:
    """Deploy one host (or hold its change, in dead-man mode) unless the rollout stopped."""
    record = job.records[task.host.name]
    if not job.may_start(record.name):
        return Result(host=task.host, result=record)
    record.status = HostStatus.RUNNING
    record.started, record.finished = time.time(), None
    record.error = record.rollback = None
    record.timings = {}
    record.attempts += 1
    job.started(record)
    secrets: ResolvedSecrets | None = None
    try:
        start = time.perf_counter()
        conn = connection(task)
        _timed(record, "connect", start)
        host = host_intent(task)
        secrets = host_secrets(task, host)
        pre_checkpoint = _pre_checkpoint(conn, job, record)
        start = time.perf_counter()
        # The same deploy as `flexvpn deploy`: files, post-check gate, CLI channel.
        result = deploy_flexvpn(
            task,
            dry_run=job.spec.dry_run,
            allow_running=job.spec.allow_running,
            save_config=job.spec.save_config,
            gate=job.gate,
            checks=job.spec.checks,
            drop_threshold=job.spec.drop_threshold,
            hold=job.spec.dead_man,
            confirm_timeout=job.spec.confirm_timeout,
        )
        outcome = result.result
        if not isinstance(outcome, DeployOutcome):
            raise result.exception or RuntimeError("deploy gave no outcome")
        _timed(record, "deploy", start)
        _record_outcome(record, outcome, job, secrets, pre_checkpoint)
    except Exception as exc:  # a host's failure is a record, never the rollout's crash
        record.status = HostStatus.FAILED
        record.error = _error_text(exc, secrets)
    if record.status is not HostStatus.RUNNING:
        record.finished = time.time()
    if record.name not in job.held:
        # A finished host needs no session: at fleet scale, hundreds of idle
        # paramiko transports (a polling thread each) starve the runner of CPU.
        _close_sessions(task)
    job.finished(record)
    return Result(host=task.host, result=record, changed=record.status is HostStatus.CHANGED)


def _close_sessions(task: Task) -> None:
    with contextlib.suppress(Exception):  # closing is best effort; the host is done
        task.host.close_connections()


def _pre_checkpoint(conn: NetconfConnection, job: HostJob, record: HostRecord) -> str | None:
    """Wave rollback needs a way back after a confirmed commit has been confirmed:
    a cisco-ia checkpoint taken before the change (the checkpoint strategies take
    their own, under lock)."""
    if not job.spec.rollback_wave or job.spec.dry_run or not conn.capabilities.cisco_ia:
        return None
    strategy = choose_strategy(conn.capabilities, allow_running=job.spec.allow_running)
    if strategy is not Strategy.CONFIRMED_COMMIT:
        return None
    start = time.perf_counter()
    url = guard.checkpoint(conn)
    _timed(record, "pre-checkpoint", start)
    return url


def _record_outcome(
    record: HostRecord,
    outcome: DeployOutcome,
    job: HostJob,
    secrets: ResolvedSecrets,
    pre_checkpoint: str | None,
) -> None:
    plan = outcome.plan
    if plan is not None:
        record.changes = len(plan.changes) + len(plan.cli_items)
        record.diff_sha256 = hashlib.sha256("\n".join(plan.cli_diff).encode()).hexdigest()
    if outcome.error is not None:
        record.status = HostStatus.FAILED
        record.error = str(outcome.error)
        return
    if job.spec.dry_run:
        record.status = HostStatus.WOULD_CHANGE if outcome.changed else HostStatus.IN_SYNC
        return
    tx = outcome.transaction
    if tx is None:
        # No transaction: nothing to change, or nothing was sent.
        record.status = HostStatus.IN_SYNC
        return
    record.strategy = tx.strategy.value
    record.rpc_count = tx.rpc_count
    record.checkpoint_url = pre_checkpoint or tx.checkpoint_url
    for phase in tx.phases:
        record.timings[f"tx:{phase.name}"] = round(
            record.timings.get(f"tx:{phase.name}", 0.0) + phase.seconds, 6
        )
    if tx.error is not None:
        record.status = (
            HostStatus.ROLLBACK_FAILED if isinstance(tx.error, RollbackError) else HostStatus.FAILED
        )
        record.error = str(tx.error)
        record.rollback = tx.rollback_outcome
        return
    if outcome.held is not None and plan is not None:
        with job.lock:
            job.held[record.name] = Held(outcome.held, plan.payload, secrets)
        return  # still RUNNING: the wave decides
    record.status = HostStatus.CHANGED


# --- dead-man mode: verify, then confirm or roll back the whole wave ----------------------------
def rollout_verify_held(task: Task, job: HostJob) -> Result:
    """Phase two: with the whole wave committed, check each held host again."""
    held = job.held.get(task.host.name)
    record = job.records[task.host.name]
    if held is None:
        return Result(host=task.host, result=record)
    start = time.perf_counter()
    try:
        conn = held.transaction.conn
        if not converged(conn, held.payload, held.secrets):
            raise CheckError("wave verify: running no longer holds the intended managed objects")
        if job.gate is not None:
            job.gate(conn, held.payload)
    except Exception as exc:
        record.error = _error_text(exc, held.secrets)
        return Result(host=task.host, result=record, failed=True)
    finally:
        _timed(record, "wave-verify", start)
    return Result(host=task.host, result=record)


def rollout_finish_held(task: Task, job: HostJob, confirm: bool, reason: str = "") -> Result:
    """Phase three: confirm (the wave passed) or roll back (it did not) one held host."""
    with job.lock:
        held = job.held.pop(task.host.name, None)
    record = job.records[task.host.name]
    if held is None:
        return Result(host=task.host, result=record)
    tx = held.transaction
    start = time.perf_counter()
    try:
        if confirm:
            result = tx.confirm()
            record.status = HostStatus.CHANGED if result.ok else HostStatus.FAILED
        else:
            result = tx.roll_back(CheckError(reason or "the wave was abandoned"))
            if result.rolled_back:
                record.status = HostStatus.ROLLED_BACK
            else:
                record.status = HostStatus.ROLLBACK_FAILED
        record.rollback = result.rollback_outcome
        if result.error is not None:
            record.error = record.error or str(result.error)
        record.rpc_count = result.rpc_count
    except Exception as exc:
        record.status = HostStatus.ROLLBACK_FAILED
        record.error = _error_text(exc, held.secrets)
    _timed(record, "confirm" if confirm else "wave-rollback", start)
    record.finished = time.time()
    _close_sessions(task)
    job.finished(record)
    return Result(host=task.host, result=record)


# --- --rollback-wave: undo hosts that succeeded in a wave that went over budget ---------------
def rollout_undo(task: Task, job: HostJob, reason: str) -> Result:
    """Return a CHANGED host to its checkpoint from before the change, then save."""
    record = job.records[task.host.name]
    if record.status is not HostStatus.CHANGED:
        return Result(host=task.host, result=record)
    start = time.perf_counter()
    url = record.checkpoint_url
    if url is None:
        record.status = HostStatus.ROLLBACK_FAILED
        record.rollback = "no checkpoint from before the change: cannot roll back"
        job.finished(record)
        return Result(host=task.host, result=record)
    try:
        conn = connection(task)
        conn.lock("running")
        try:
            outcome = guard.rollback(conn, url) or "rolled back"
        finally:
            # A lost session's lock died with it.
            with contextlib.suppress(FlexVpnError):
                conn.unlock("running")
        if job.spec.save_config:
            guard.save_config(conn)
        record.status = HostStatus.ROLLED_BACK
        where = "" if url in outcome else f" ({url})"
        record.rollback = f"{outcome}{where}: {reason}"
    except Exception as exc:
        record.status = HostStatus.ROLLBACK_FAILED
        record.rollback = f"FAILED: {_error_text(exc, None)}"
    _timed(record, "wave-rollback", start)
    record.finished = time.time()
    job.finished(record)
    return Result(host=task.host, result=record)
