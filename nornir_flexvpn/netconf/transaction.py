"""Apply one edit to one headend, all or nothing.

One strategy per device capability, chosen from the hello (never guessed):

- `confirmed-commit` (RFC 6241 §8.4, standards mode): candidate, confirmed
  commit with a timeout and a persist-id, gate, confirm; cancel-commit on
  failure (and the device reverts by itself if we vanish).
- `candidate-checkpoint` (real IOS-XE with candidate): lock running and
  candidate, discard stale changes, edit, validate, cisco-ia checkpoint,
  commit, gate, and on failure cisco-ia rollback to the checkpoint.
- `running-checkpoint` (16.9 or candidate off), only when the user allows it:
  lock running, checkpoint, edit running with rollback-on-error, gate,
  rollback on failure.

Residual risk of the checkpoint strategies: between commit and rollback the
new configuration is live; if the controller dies in that window, nothing
on the device reverts it (IOS-XE has no confirmed commit). The result says so.

Every path unlocks and leaves no candidate changes behind. A lost session
is reconnected to clean up; an RPC that timed out is resolved by reading the
device (`converged`) before anything else is sent.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from lxml import etree

from nornir_flexvpn.errors import (
    CheckError,
    CommitError,
    DeviceError,
    FlexVpnError,
    LockError,
    RefusedError,
    RollbackError,
    RpcError,
)
from nornir_flexvpn.namespaces import CLI_RPC, qn
from nornir_flexvpn.netconf import guard
from nornir_flexvpn.netconf.capabilities import DeviceCapabilities
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.options import Datastore
from nornir_flexvpn.payload.types import CliItem

log = logging.getLogger(__name__)

LOCK_RETRY_TAGS = frozenset({"lock-denied", "in-use", "resource-denied"})


class Strategy(Enum):
    CONFIRMED_COMMIT = "confirmed-commit"
    CANDIDATE_CHECKPOINT = "candidate-checkpoint"
    RUNNING_CHECKPOINT = "running-checkpoint"

    @property
    def residual_risk(self) -> str:
        if self is Strategy.CONFIRMED_COMMIT:
            return "none: the device reverts an unconfirmed commit by itself"
        return (
            "between commit and confirmation the change is live; if this controller dies "
            "in that window the device keeps it (IOS-XE has no confirmed commit): re-run "
            "plan, or roll back to the checkpoint named in the result"
        )


def choose_strategy(caps: DeviceCapabilities, *, allow_running: bool) -> Strategy:
    """The safest strategy the device offers; refuse rather than degrade silently."""
    if caps.candidate and caps.confirmed_commit:
        return Strategy.CONFIRMED_COMMIT
    if caps.candidate and caps.cisco_ia:
        return Strategy.CANDIDATE_CHECKPOINT
    if caps.writable_running and caps.cisco_ia and allow_running:
        return Strategy.RUNNING_CHECKPOINT
    if caps.writable_running and caps.cisco_ia:
        raise RefusedError(
            "the device offers no candidate datastore (enable it with `netconf-yang feature "
            "candidate-datastore`), so changes would go straight to running; pass "
            "--allow-running to accept edits guarded by a cisco-ia checkpoint instead"
        )
    raise RefusedError(
        "the device offers neither candidate with cisco-ia checkpoints nor confirmed commit: "
        "no safe way to apply a change"
    )


@dataclass(frozen=True)
class TransactionOptions:
    allow_running: bool = False
    save_config: bool = True
    confirm_timeout: int = 120  # seconds (confirmed-commit strategy)
    lock_budget: float = 30.0  # seconds of retrying lock-denied / in-use in total
    lock_retry_initial: float = 0.2
    persist_id: str | None = None  # confirmed-commit: resume or cancel from a new controller


@dataclass
class PhaseRecord:
    name: str
    seconds: float
    outcome: str  # "ok" | "failed"
    detail: str = ""


@dataclass
class TransactionResult:
    strategy: Strategy
    committed: bool = False
    rolled_back: bool = False
    rollback_outcome: str | None = None
    saved: bool = False
    checkpoint_url: str | None = None
    persist_id: str | None = None
    rpc_count: int = 0
    phases: list[PhaseRecord] = field(default_factory=list)
    cli_lines: list[str] = field(default_factory=list)
    error: FlexVpnError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def residual_risk(self) -> str:
        return self.strategy.residual_risk

    def as_dict(self) -> dict[str, object]:
        return {
            "strategy": self.strategy.value,
            "committed": self.committed,
            "rolled_back": self.rolled_back,
            "rollback_outcome": self.rollback_outcome,
            "saved": self.saved,
            "checkpoint_url": self.checkpoint_url,
            "rpc_count": self.rpc_count,
            "phases": [
                {
                    "name": p.name,
                    "ms": round(p.seconds * 1000, 1),
                    "outcome": p.outcome,
                    "detail": p.detail,
                }
                for p in self.phases
            ],
            "cli_lines": list(self.cli_lines),
            "error": str(self.error) if self.error else None,
            "residual_risk": self.residual_risk,
        }


Gate = Callable[[NetconfConnection], None]
"""Post-commit checks; raise CheckError to roll back."""

Converged = Callable[[NetconfConnection], bool]
"""Reads the device: True when running already holds the intent."""

Reconnect = Callable[[], NetconfConnection]


class CliChannel(Protocol):
    """Another way to send lines no model carries (e.g. NAPALM over SSH on
    releases without Cisco-IOS-XE-cli-rpc). Raise a FlexVpnError on failure;
    the transaction then rolls back both parts to the checkpoint."""

    name: str

    def apply(self, items: Sequence[CliItem]) -> None: ...


class Transaction:
    """One headend, one edit. Use `run()` once."""

    def __init__(
        self,
        conn: NetconfConnection,
        *,
        edit: etree._Element | None,
        cli_items: Sequence[CliItem] = (),
        options: TransactionOptions | None = None,
        gate: Gate | None = None,
        converged: Converged | None = None,
        reconnect: Reconnect | None = None,
        cli_channel: CliChannel | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.conn = conn
        self.edit = edit
        self.cli_items = list(cli_items)
        self.options = options or TransactionOptions()
        self.gate = gate
        self.converged = converged
        self.reconnect = reconnect
        self.cli_channel = cli_channel
        self._sleep = sleep
        self.strategy = choose_strategy(conn.capabilities, allow_running=self.options.allow_running)
        self.result = TransactionResult(strategy=self.strategy)
        self._locked: list[Datastore] = []
        self._held = False

    # --- bookkeeping ---------------------------------------------------------------
    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        except BaseException as exc:
            detail = exc.message if isinstance(exc, FlexVpnError) else type(exc).__name__
            self.result.phases.append(
                PhaseRecord(name, time.perf_counter() - start, "failed", detail)
            )
            raise
        self.result.phases.append(PhaseRecord(name, time.perf_counter() - start, "ok"))

    def _rpc(self, call: Callable[[], object]) -> None:
        self.result.rpc_count += 1
        call()

    # --- entry point -------------------------------------------------------------------
    def run(self) -> TransactionResult:
        if self.edit is None and not self.cli_items:
            return self.result
        if self.cli_items and self.cli_channel is None and not self.conn.capabilities.cli_rpc:
            # Refuse before touching anything: half the intent is no intent.
            lines = "; ".join(i.text.replace("\n", " / ") for i in self.cli_items)
            self.result.error = RefusedError(
                f"{self.conn.host}: these lines need a CLI channel and this release's NETCONF "
                f"has none (no Cisco-IOS-XE-cli-rpc): {lines}"
            )
            return self.result
        try:
            if self.strategy is Strategy.CONFIRMED_COMMIT:
                self._run_confirmed()
            elif self.strategy is Strategy.CANDIDATE_CHECKPOINT:
                self._run_candidate()
            else:
                self._run_running()
        except FlexVpnError as exc:
            self.result.error = exc
        finally:
            self._release()
        if self.result.ok and self.options.save_config:
            self._save()
        return self.result

    # --- two-phase (fleet dead-man) -------------------------------------------------------
    # `commit_held()` does everything `run()` does up to and including the gate, then
    # stops with the change live under its safety net (a pending confirmed commit, or
    # the checkpoint) and the locks still held; the caller decides for a whole wave
    # with `confirm()` or `roll_back()`. A failure inside `commit_held()` has already
    # rolled this headend back, exactly as `run()` would.
    @property
    def held(self) -> bool:
        """True between a successful `commit_held()` and `confirm()`/`roll_back()`."""
        return self._held

    def commit_held(self) -> TransactionResult:
        """Phase one: lock, edit, commit with the safety net, gate; keep it pending."""
        if self.edit is None and not self.cli_items:
            return self.result
        refusal = self._refusal()
        if refusal is not None:
            self.result.error = refusal
            return self.result
        try:
            if self.strategy is Strategy.CONFIRMED_COMMIT:
                self._run_confirmed(hold=True)
            elif self.strategy is Strategy.CANDIDATE_CHECKPOINT:
                self._run_candidate()
            else:
                self._run_running()
        except FlexVpnError as exc:
            self.result.error = exc
            self._release()
            return self.result
        except BaseException:
            self._release()
            raise
        self._held = True
        return self.result

    def confirm(self) -> TransactionResult:
        """Phase two, success: make the held change permanent, unlock, save."""
        if not self._held:
            return self.result
        self._held = False
        try:
            if self.strategy is Strategy.CONFIRMED_COMMIT:
                persist = self.result.persist_id or ""
                try:
                    with self._phase("confirm"):
                        self._rpc(lambda: self._live_conn().commit(persist_id=persist))
                except BaseException:
                    self._cancel_confirmed(persist)
                    raise
        except FlexVpnError as exc:
            self.result.error = exc
        finally:
            self._release()
        if self.result.ok and self.options.save_config:
            self._save()
        return self.result

    def roll_back(self, reason: FlexVpnError | None = None) -> TransactionResult:
        """Phase two, failure elsewhere: put the held change back, unlock.
        `reason` (why the wave failed) becomes this result's error."""
        if not self._held:
            return self.result
        self._held = False
        try:
            if self.strategy is Strategy.CONFIRMED_COMMIT:
                self._cancel_confirmed(self.result.persist_id or "")
            else:
                self._roll_back()
        except FlexVpnError as exc:
            self.result.error = exc
        finally:
            self._release()
        if self.result.error is None:
            self.result.error = reason or CheckError(
                "rolled back: the two-phase commit was abandoned"
            )
        return self.result

    def _refusal(self) -> FlexVpnError | None:
        if self.cli_items and self.cli_channel is None and not self.conn.capabilities.cli_rpc:
            lines = "; ".join(i.text.replace("\n", " / ") for i in self.cli_items)
            return RefusedError(
                f"{self.conn.host}: these lines need a CLI channel and this release's NETCONF "
                f"has none (no Cisco-IOS-XE-cli-rpc): {lines}"
            )
        return None

    # --- strategies ----------------------------------------------------------------------
    def _run_candidate(self) -> None:
        self._lock("running")
        # A candidate left dirty by a failed run elsewhere cannot be locked
        # (RFC 6241 §8.3.5.1): discard it first; with running locked, nobody can
        # be half-way through a commit of it.
        with self._phase("discard-stale"):
            self._rpc(self.conn.discard_changes)
        self._lock("candidate")
        try:
            self._edit_candidate()
            with self._phase("checkpoint"):
                self.result.rpc_count += 1
                self.result.checkpoint_url = guard.checkpoint(self.conn)
        except FlexVpnError:
            self._discard_quietly()
            raise
        self._commit_then_gate(lambda: self.conn.commit())

    def _run_running(self) -> None:
        self._lock("running")
        with self._phase("checkpoint"):
            self.result.rpc_count += 1
            self.result.checkpoint_url = guard.checkpoint(self.conn)
        edit = self.edit

        def apply() -> None:
            if edit is not None:
                self.conn.edit_config("running", edit, error_option="rollback-on-error")

        self._commit_then_gate(apply, label="edit-running")

    def _run_confirmed(self, *, hold: bool = False) -> None:
        persist = self.options.persist_id or uuid.uuid4().hex
        self.result.persist_id = persist
        with self._phase("discard-stale"):
            self._rpc(self.conn.discard_changes)
        self._lock("candidate")
        try:
            self._edit_candidate()
            with self._phase("commit-confirmed"):
                self._rpc(
                    lambda: self.conn.commit(
                        confirmed=True, timeout=self.options.confirm_timeout, persist=persist
                    )
                )
        except RpcError:
            self._discard_quietly()
            raise
        except DeviceError:
            # Unknown outcome: a confirmed commit that landed is cancelled by its
            # persist-id (from any session); if none is pending, nothing landed.
            self._cancel_confirmed(persist)
            self._discard_quietly()
            raise
        self.result.committed = True
        try:
            self._cli_channel()
            self._run_gate()
            if hold:
                return
            with self._phase("confirm"):
                self._rpc(lambda: self.conn.commit(persist_id=persist))
        except BaseException:
            self._cancel_confirmed(persist)
            raise

    # --- shared steps ----------------------------------------------------------------------
    def _edit_candidate(self) -> None:
        """edit-config on the (locked, clean) candidate, then validate it."""
        if self.edit is None:
            return
        edit = self.edit
        with self._phase("edit-config"):
            self._rpc(lambda: self.conn.edit_config("candidate", edit))
        with self._phase("validate"):
            self._rpc(lambda: self.conn.validate("candidate"))

    def _commit_then_gate(self, commit: Callable[[], object], label: str = "commit") -> None:
        try:
            with self._phase(label):
                self._rpc(commit)
        except RpcError:
            # The device answered no: nothing was committed.
            self._discard_quietly()
            raise
        except DeviceError as exc:
            # Timeout or lost session: unknown outcome. Read the device first
            # (on the same session when it lives: it answers after the commit).
            lost = not self.conn.connected
            if not self._committed_after_all():
                self._discard_quietly()
                raise
            self.result.committed = True
            if lost:
                # Our locks died with the session: never go on unlocked.
                self._roll_back()
                raise CommitError(
                    f"the session to {self.conn.host} was lost during commit; the commit had "
                    "landed and was rolled back to the checkpoint"
                ) from exc
        else:
            self.result.committed = True
        try:
            self._cli_channel()
            self._run_gate()
        except BaseException:
            # Anything after commit (a failed check, a bug, Ctrl-C) restores the checkpoint.
            self._roll_back()
            raise

    def _committed_after_all(self) -> bool:
        if self.converged is None:
            return True  # assume the worst: roll back to the checkpoint
        try:
            return self.converged(self._live_conn())
        except FlexVpnError:
            return True

    def _cli_channel(self) -> None:
        if not self.cli_items:
            return
        if self.cli_channel is not None:
            channel = self.cli_channel
            with self._phase(f"cli-channel:{channel.name}"):
                channel.apply(self.cli_items)
        else:
            text = "\n".join(item.text for item in self.cli_items) + "\nend"
            op = etree.Element(qn(CLI_RPC, "config-ios-cli-rpc"))
            etree.SubElement(op, qn(CLI_RPC, "config-clis")).text = text
            with self._phase("cli-channel"):
                self.result.rpc_count += 1
                self.conn.dispatch(op)
        self.result.cli_lines = [item.text for item in self.cli_items]

    def _run_gate(self) -> None:
        if self.gate is None:
            return
        gate = self.gate
        with self._phase("post-checks"):
            gate(self.conn)

    def _roll_back(self) -> None:
        url = self.result.checkpoint_url
        if url is None:
            self.result.rollback_outcome = "no checkpoint: nothing to roll back to"
            return
        with self._phase("rollback"):
            try:
                conn = self._live_conn()
                self.result.rpc_count += 1
                self.result.rollback_outcome = guard.rollback(conn, url) or "rolled back"
                self.result.rolled_back = True
            except FlexVpnError as exc:
                self.result.rollback_outcome = f"FAILED: {exc}"
                raise RollbackError(
                    f"{self.conn.host}: rollback to {url} failed; the headend needs a human: {exc}"
                ) from exc

    def _cancel_confirmed(self, persist: str) -> None:
        with self._phase("cancel-commit"):
            try:
                conn = self._live_conn()
                self.result.rpc_count += 1
                conn.cancel_commit(persist_id=persist)
                self.result.rolled_back = True
                self.result.rollback_outcome = "confirmed commit cancelled"
            except RpcError as exc:
                self.result.rollback_outcome = f"no confirmed commit was pending ({exc.message})"
            except FlexVpnError as exc:
                self.result.rollback_outcome = (
                    f"cancel-commit failed ({exc}); the device reverts when the confirm timeout "
                    f"of {self.options.confirm_timeout}s expires"
                )

    def _lock(self, target: Datastore) -> None:
        """Take a lock, retrying lock-denied/in-use with backoff inside a total budget."""
        deadline = time.monotonic() + self.options.lock_budget
        delay = self.options.lock_retry_initial
        with self._phase(f"lock-{target}"):
            while True:
                try:
                    self._rpc(lambda: self.conn.lock(target))
                    self._locked.append(target)
                    return
                except RpcError as exc:
                    if exc.tag not in LOCK_RETRY_TAGS or time.monotonic() + delay > deadline:
                        holder = exc.info.get("session-id")
                        by = f" (held by session {holder})" if holder else ""
                        raise LockError(
                            f"cannot lock {target} on {self.conn.host}{by}: {exc.message}",
                            tag=exc.tag,
                            path=exc.path,
                            info=exc.info,
                        ) from exc
                    self._sleep(delay)
                    delay = min(delay * 2, 2.0)

    def _discard_quietly(self) -> None:
        if not self.conn.capabilities.candidate:
            return
        try:
            conn = self._live_conn()
            self.result.rpc_count += 1
            conn.discard_changes()
        except FlexVpnError as exc:
            log.warning("discard-changes on %s failed: %s", self.conn.host, exc)

    def _release(self) -> None:
        for target in reversed(self._locked):
            try:
                self.result.rpc_count += 1
                self.conn.unlock(target)
            except FlexVpnError as exc:
                # A lost session has released its locks on the device already.
                log.debug("unlock %s on %s: %s", target, self.conn.host, exc)
        self._locked.clear()

    def _save(self) -> None:
        try:
            with self._phase("save-config"):
                self.result.rpc_count += 1
                guard.save_config(self.conn)
            self.result.saved = True
        except FlexVpnError as exc:
            log.warning("save-config on %s failed: %s", self.conn.host, exc)

    def _live_conn(self) -> NetconfConnection:
        if self.conn.connected:
            return self.conn
        if self.reconnect is None:
            raise DeviceError(
                f"the session to {self.conn.host} was lost and no reconnect is configured"
            )
        self.conn = self.reconnect()
        self._locked.clear()  # the old session's locks died with it
        return self.conn


def finish_confirmed(conn: NetconfConnection, persist_id: str, *, confirm: bool) -> None:
    """For a controller restarted mid-transaction: confirm (or cancel) the
    confirmed commit another process left pending under `persist_id`."""
    if confirm:
        conn.commit(persist_id=persist_id)
    else:
        conn.cancel_commit(persist_id=persist_id)


__all__ = [
    "CheckError",
    "CommitError",
    "Gate",
    "PhaseRecord",
    "Strategy",
    "Transaction",
    "TransactionOptions",
    "TransactionResult",
    "choose_strategy",
    "finish_confirmed",
]
