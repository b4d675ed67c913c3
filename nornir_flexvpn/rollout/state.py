"""The state file: the plan and every host's outcome, rewritten atomically as
hosts finish, so that `--resume STATE` continues where a run stopped.

A host that finished but whose record never reached the disk (a hard kill
between two writes) is planned again on resume: the deploy reads the device
first, so a converged host gets no second write.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.rollout.plan import RolloutPlan
from nornir_flexvpn.rollout.records import HostRecord, HostStatus
from nornir_flexvpn.rollout.spec import RolloutSpec

STATE_VERSION = 1


class RunStatus(Enum):
    RUNNING = "running"
    COMPLETED = "completed"
    HALTED = "halted"  # over budget (or the canary failed)
    INTERRUPTED = "interrupted"  # Ctrl-C


@dataclass
class WaveLog:
    name: str
    started: float
    finished: float | None = None
    outcome: str = "running"  # ok | halted | rolled-back | interrupted
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RolloutState:
    spec: RolloutSpec
    plan: RolloutPlan
    inventory: str
    selection: dict[str, list[str]] = field(default_factory=dict)  # hosts / filters
    records: dict[str, HostRecord] = field(default_factory=dict)
    status: RunStatus = RunStatus.RUNNING
    reason: str = ""
    waves: list[WaveLog] = field(default_factory=list)
    rollout_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: float = field(default_factory=time.time)
    runs: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def new(
        cls,
        spec: RolloutSpec,
        plan: RolloutPlan,
        inventory: Path,
        selection: dict[str, list[str]] | None = None,
    ) -> RolloutState:
        state = cls(spec, plan, str(inventory), selection or {})
        for wave in plan.waves:
            for host in wave.hosts:
                state.records[host] = HostRecord(host, wave.name)
        return state

    # --- queries ----------------------------------------------------------------------------
    def remaining(self, *, redo: bool = False) -> list[str]:
        """Hosts to run, in plan order: not done (or every host with `redo`)."""
        return [h for h in self.plan.hosts if redo or not self.records[h].status.done]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {s.value: 0 for s in HostStatus}
        for record in self.records.values():
            out[record.status.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "version": STATE_VERSION,
                "rollout_id": self.rollout_id,
                "created": self.created,
                "runs": self.runs,
                "inventory": self.inventory,
                "selection": self.selection,
                "status": self.status.value,
                "reason": self.reason,
                "spec": self.spec.to_dict(),
                "plan": self.plan.to_dict(),
                "waves": [w.to_dict() for w in self.waves],
                "hosts": [self.records[h].to_dict() for h in self.plan.hosts],
            }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RolloutState:
        if data.get("version") != STATE_VERSION:
            raise IntentError(
                f"unsupported state file version {data.get('version')!r}", path="version"
            )
        state = cls(
            spec=RolloutSpec.from_dict(data["spec"]),
            plan=RolloutPlan.from_dict(data["plan"]),
            inventory=data["inventory"],
            selection=data.get("selection", {}),
            status=RunStatus(data["status"]),
            reason=data.get("reason", ""),
            waves=[WaveLog(**w) for w in data.get("waves", [])],
            rollout_id=data["rollout_id"],
            created=data["created"],
            runs=data.get("runs", 0),
        )
        for item in data["hosts"]:
            record = HostRecord.from_dict(item)
            state.records[record.name] = record
        return state

    # --- disk -------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        text = json.dumps(self.to_dict(), indent=1, sort_keys=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> RolloutState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IntentError(
                f"cannot read rollout state ({type(exc).__name__})", path=str(path)
            ) from None
        try:
            return cls.from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise IntentError(f"malformed rollout state: {exc}", path=str(path)) from None
