"""Faults on demand for a lab headend: the ways real headends fail a rollout.

A `FaultPlan` hangs off each headend's transport endpoint (`headend.faults`,
also `device.faults`). Per-RPC faults are consulted by the transport before
each <rpc> and act on the wire, where a client sees them:

- `latency`: the reply (and the operation) is held back `delay_ms`;
- `drop`: the SSH connection is closed before the operation runs (`before`)
  or after it ran, without a reply (`after`);
- `commit-failure` / `validate-failure`: the RPC fails with an rpc-error and
  changes nothing;
- `slow-commit`: the commit runs only after `delay_ms`;
- `busy`: `in-use` or `resource-denied` errors, the device doing something
  else.

Each matches one operation by local name (`rpc`, None = any) and fires
`count` times (None = until cleared), so a test can say "fail the next commit
once". Two faults are states rather than per-RPC events: `lock` (a datastore
held by another session, by default the device's own `yang_mgmt_infra`
process, optionally released after some seconds) and `reboot` (running
replaced by startup, every connection and AnyConnect session dropped, the
candidate and any pending timed rollback discarded; `delay_ms` keeps the
headend unreachable that long, as while it boots).

All methods are thread-safe: tests call them from their own thread while the
lab's loop serves RPCs.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, get_args

from lxml import etree

from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.contract import DeviceModel, KillSession
from nornir_flexvpn.lab.replies import LabRpcError, rpc_error

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice
    from nornir_flexvpn.lab.timers import TimerHandle

FaultKind = Literal[
    "latency",
    "drop",
    "commit-failure",
    "validate-failure",
    "slow-commit",
    "busy",
    "lock",
    "reboot",
]
DropWhen = Literal["before", "after"]
BusyTag = Literal["in-use", "resource-denied"]
LockStore = Literal["running", "candidate", "startup"]
LockHolder = Literal["system", "session"]

FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
PER_RPC_KINDS = frozenset(
    {"latency", "drop", "commit-failure", "validate-failure", "slow-commit", "busy"}
)
# The operation a fault kind applies to unless told otherwise.
_DEFAULT_RPC: dict[str, str | None] = {
    "commit-failure": "commit",
    "validate-failure": "validate",
    "slow-commit": "commit",
}
# Kinds that are one-shot unless told otherwise; latency stays until cleared.
_DEFAULT_COUNT: dict[str, int | None] = {"latency": None, "lock": None}
SYSTEM_USER = "yang_mgmt_infra"
RELOAD_REASON = "%SYS-5-RELOAD: Reload requested"
COMMIT_FAILED = "inconsistent value: Device refused one or more commands"
VALIDATE_FAILED = "validation failed: Device refused one or more commands"
BUSY_MESSAGES: dict[str, str] = {
    "in-use": "the configuration database is in use (configuration sync in progress), retry later",
    "resource-denied": "resource denied: the device is busy processing other requests, retry later",
}


@dataclass
class Fault:
    """One scripted fault; which fields matter depends on `kind` (see the module docstring)."""

    kind: FaultKind
    rpc: str | None = None
    count: int | None = 1
    delay_ms: int = 0
    when: DropWhen = "before"
    tag: BusyTag = "in-use"
    message: str | None = None
    store: LockStore = "running"
    holder: LockHolder = "system"
    session_id: int | None = None
    release_after: float | None = None
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise LabError(f"unknown fault kind {self.kind!r}", path="kind")
        if self.count is not None and self.count < 1:
            raise LabError("count must be at least 1 (or None: until cleared)", path="count")
        if self.delay_ms < 0:
            raise LabError("delay_ms must not be negative", path="delay_ms")
        if self.when not in get_args(DropWhen):
            raise LabError(f"when must be before or after, not {self.when!r}", path="when")
        if self.tag not in get_args(BusyTag):
            raise LabError(f"tag must be in-use or resource-denied, not {self.tag!r}", path="tag")
        if self.store not in get_args(LockStore):
            raise LabError(f"no datastore {self.store!r} to lock", path="store")
        if self.holder not in get_args(LockHolder):
            raise LabError(f"holder must be system or session, not {self.holder!r}", path="holder")
        if self.release_after is not None and self.release_after <= 0:
            raise LabError("release_after must be positive seconds", path="release_after")
        if self.kind in ("latency", "slow-commit") and self.delay_ms == 0:
            raise LabError(f"a {self.kind} fault needs delay_ms > 0", path="delay_ms")

    @property
    def operation(self) -> str | None:
        """The operation (local name) this fault matches; None matches every RPC."""
        return self.rpc if self.rpc is not None else _DEFAULT_RPC.get(self.kind)

    def matches(self, name: str) -> bool:
        return self.operation is None or self.operation == name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        """A fault from JSON (the control interface); unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise LabError(f"unknown fault field {unknown[0]!r}", path=unknown[0])
        if "kind" not in data:
            raise LabError("a fault needs a kind", path="kind")
        kind = str(data["kind"])
        values = dict(data)
        values.setdefault("count", _DEFAULT_COUNT.get(kind, 1))
        try:
            return cls(**values)
        except TypeError as exc:
            raise LabError(f"bad fault: {exc}", path="fault") from None

    # --- constructors that say what they do ---------------------------------------------------
    @classmethod
    def latency(cls, delay_ms: int, *, rpc: str | None = None, count: int | None = None) -> Fault:
        return cls("latency", rpc=rpc, count=count, delay_ms=delay_ms)

    @classmethod
    def drop(cls, rpc: str | None, when: DropWhen = "before", *, count: int | None = 1) -> Fault:
        return cls("drop", rpc=rpc, count=count, when=when)

    @classmethod
    def commit_failure(
        cls, *, rpc: str = "commit", count: int | None = 1, message: str | None = None
    ) -> Fault:
        return cls("commit-failure", rpc=rpc, count=count, message=message)

    @classmethod
    def validate_failure(cls, *, count: int | None = 1, message: str | None = None) -> Fault:
        return cls("validate-failure", count=count, message=message)

    @classmethod
    def slow_commit(cls, delay_ms: int, *, rpc: str = "commit", count: int | None = 1) -> Fault:
        return cls("slow-commit", rpc=rpc, count=count, delay_ms=delay_ms)

    @classmethod
    def busy(cls, rpc: str | None = None, *, count: int = 1, tag: BusyTag = "in-use") -> Fault:
        return cls("busy", rpc=rpc, count=count, tag=tag)

    @classmethod
    def lock(
        cls,
        store: LockStore = "running",
        *,
        holder: LockHolder = "system",
        session_id: int | None = None,
        release_after: float | None = None,
    ) -> Fault:
        return cls(
            "lock",
            count=None,
            store=store,
            holder=holder,
            session_id=session_id,
            release_after=release_after,
        )


@dataclass
class RpcAction:
    """What the transport does around one RPC (from `FaultPlan.on_rpc`)."""

    delay: float = 0.0  # seconds before the operation runs
    drop: DropWhen | None = None
    error: LabRpcError | None = None
    fired: list[str] = field(default_factory=list)


@dataclass
class _HeldLock:
    fault: Fault
    session_id: int
    since: dt.datetime
    timer: TimerHandle | None = None


class FaultPlan:
    """The faults scripted on one headend (see the module docstring)."""

    def __init__(
        self,
        device: DeviceModel,
        kill: KillSession | None = None,
        *,
        on_reboot: Callable[[float], None] | None = None,
    ) -> None:
        self._device = device
        self._kill = kill
        self._on_reboot = on_reboot  # the transport: drop connections, stay down N seconds
        self._guard = threading.Lock()
        self._faults: list[Fault] = []
        self._held: dict[str, _HeldLock] = {}
        self.history: list[str] = []  # kinds that fired, in order (for tests and `lab fault`)
        self.reboots = 0

    def __repr__(self) -> str:
        return f"FaultPlan(faults={[f.kind for f in self._faults]}, held={sorted(self._held)})"

    @property
    def active(self) -> bool:
        """Whether any fault is armed (the transport's fast path skips the plan if not)."""
        return bool(self._faults or self._held)

    def faults(self) -> list[Fault]:
        with self._guard:
            return [Fault(**f.to_dict()) for f in self._faults]

    def held_locks(self) -> dict[str, int]:
        """Datastore -> session-id of the locks the plan holds."""
        with self._guard:
            return {store: held.session_id for store, held in self._held.items()}

    # --- scripting ------------------------------------------------------------------------------
    def add(self, fault: Fault) -> Fault:
        """Arm a fault; `lock` takes the lock now, `reboot` reboots now."""
        if fault.kind == "reboot":
            self.reboot(down=fault.delay_ms / 1000.0)
            return fault
        if fault.kind == "lock":
            self._hold(fault)
            return fault
        with self._guard:
            self._faults.append(fault)
        return fault

    def clear(self, kind: FaultKind | None = None) -> int:
        """Disarm faults (of one kind, or all) and release held locks; returns how many."""
        with self._guard:
            keep = [f for f in self._faults if kind is not None and f.kind != kind]
            removed = len(self._faults) - len(keep)
            self._faults = keep
            stores = list(self._held) if kind in (None, "lock") else []
        for store in stores:
            if self._release(store):
                removed += 1
        return removed

    # --- what the transport asks -------------------------------------------------------------
    def on_rpc(self, operation: etree._Element) -> RpcAction:
        """The faults that fire for this operation (counts are consumed here)."""
        action = RpcAction()
        if not self.active:
            return action
        name = etree.QName(operation).localname
        if name == "lock" and self._held:
            action.error = self.lock_denied(_lock_target(operation))
        with self._guard:
            for fault in list(self._faults):
                if not fault.matches(name) or not self._applies(fault, action):
                    continue
                fault.fired += 1
                action.fired.append(fault.kind)
                self.history.append(fault.kind)
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
        return action

    def _applies(self, fault: Fault, action: RpcAction) -> bool:
        if fault.kind in ("latency", "slow-commit"):
            action.delay += fault.delay_ms / 1000.0
            return True
        if fault.kind == "drop":
            if action.drop is not None:
                return False
            action.drop = fault.when
            return True
        if action.error is not None:
            return False
        if fault.kind == "commit-failure":
            action.error = rpc_error(fault.message or COMMIT_FAILED, "operation-failed")
        elif fault.kind == "validate-failure":
            action.error = rpc_error(fault.message or VALIDATE_FAILED, "operation-failed")
        else:  # busy
            action.error = rpc_error(
                fault.message or BUSY_MESSAGES[fault.tag], fault.tag, error_type="protocol"
            )
        return True

    def lock_denied(self, store: str | None) -> LabRpcError | None:
        """The IOS-XE refusal for <lock> on a store a system session holds, else None."""
        with self._guard:
            held = self._held.get(store) if store else None
        if held is None or held.fault.holder != "system":
            return None
        since = held.since.strftime("%Y-%m-%d %H:%M:%S")
        return rpc_error(
            f"the configuration database is locked by session {held.session_id} "
            f"{SYSTEM_USER} tcp (system from 127.0.0.1) on since {since}",
            "lock-denied",
            error_type="protocol",
            info={"session-id": str(held.session_id)},
        )

    # --- locks ------------------------------------------------------------------------------------
    def _hold(self, fault: Fault) -> None:
        device = _lab_device(self._device, "lock")
        with device.lock:
            if fault.store == "candidate" and not device.identity.candidate:
                raise LabError("this headend has no candidate datastore", path="store")
            holder = device.locks.holder(fault.store)
            if holder is not None:
                raise LabError(
                    f"the {fault.store} datastore is already locked by session {holder}",
                    path="store",
                )
            sid = fault.session_id
            if sid is None:
                sid = _unused_session_id(device)
            device.locks.lock(fault.store, sid)
            held = _HeldLock(fault, sid, dt.datetime.now())
            if fault.release_after is not None:
                store = fault.store

                def release() -> None:
                    self._release(store)

                held.timer = device.timers.start(fault.release_after, release)
            with self._guard:
                self._held[fault.store] = held
                self.history.append("lock")

    def _release(self, store: str) -> bool:
        with self._guard:
            held = self._held.pop(store, None)
        if held is None:
            return False
        if held.timer is not None:
            held.timer.cancel()
        device = _lab_device(self._device, "lock")
        with device.lock:
            if device.locks.holder(held.fault.store) == held.session_id:
                device.locks.unlock(held.fault.store, held.session_id)
        return True

    # --- reboot -----------------------------------------------------------------------------------
    def reboot(self, *, down: float = 0.0) -> None:
        """Reload: drop every connection and AnyConnect session, running := startup,
        candidate and timers discarded; with `down` the headend refuses connections
        for that many seconds, as while it boots."""
        device = _lab_device(self._device, "reboot")
        if self._on_reboot is not None:
            self._on_reboot(down)
        with device.lock:
            for sid in list(device.sessions):
                if self._kill is not None:
                    self._kill(sid)
                device.close_session(sid)
            self.clear("lock")
            stores: tuple[LockStore, ...] = ("running", "candidate", "startup")
            for store in stores:
                holder = device.locks.holder(store)
                if holder is not None:
                    device.locks.release_all(holder)
            # Pending confirmed commits and timed rollbacks do not survive a reload.
            device.confirmed._clear()
            device.ia.confirm()
            device._candidate_dirty_by = None
            # Tunnels die with the reload, before the startup configuration is read.
            from nornir_flexvpn.lab.clients import drop_all_sessions

            drop_all_sessions(device, RELOAD_REASON)
            device.restore_running(device.snapshot("startup"))
            with self._guard:
                self.reboots += 1
                self.history.append("reboot")


def _lab_device(device: DeviceModel, what: str) -> LabDevice:
    from nornir_flexvpn.lab.device import LabDevice

    if not isinstance(device, LabDevice):
        raise LabError(f"a {what} fault needs the lab device model", path="kind")
    return device


def _unused_session_id(device: LabDevice) -> int:
    """A session-id no NETCONF session will get: the device's own processes draw
    from the same counter as NETCONF sessions on IOS-XE."""
    ids = getattr(device, "_ids", None)
    if ids is not None:
        return int(next(ids))
    return max(device.sessions, default=0) + 1000


def _lock_target(operation: etree._Element) -> str | None:
    for target in operation:
        if etree.QName(target).localname == "target":
            for store in target:
                return str(etree.QName(store).localname)
    return None
