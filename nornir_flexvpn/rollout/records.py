"""One host's outcome in a rollout, as kept in the state file and the reports."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any


class HostStatus(Enum):
    PENDING = "pending"  # its wave has not come yet
    RUNNING = "running"  # in flight (a state file left like this was interrupted hard)
    CHANGED = "changed"  # deployed and confirmed
    IN_SYNC = "in-sync"  # already held the intent: nothing sent
    WOULD_CHANGE = "would-change"  # dry run
    FAILED = "failed"  # its own transaction failed and put the headend back
    ROLLED_BACK = "rolled-back"  # succeeded, then undone with its wave
    ROLLBACK_FAILED = "rollback-failed"  # undoing it failed: needs a human
    SKIPPED = "skipped"  # its turn came after the rollout stopped: untouched

    @property
    def done(self) -> bool:
        """Done hosts are not applied again on resume (unless asked)."""
        return self in (HostStatus.CHANGED, HostStatus.IN_SYNC)

    @property
    def failure(self) -> bool:
        """Counts against the failure budget."""
        return self in (HostStatus.FAILED, HostStatus.ROLLBACK_FAILED)


@dataclass
class HostRecord:
    name: str
    wave: str
    status: HostStatus = HostStatus.PENDING
    started: float | None = None  # epoch seconds
    finished: float | None = None
    strategy: str | None = None
    rpc_count: int = 0
    changes: int = 0
    error: str | None = None
    rollback: str | None = None  # what undoing it did
    checkpoint_url: str | None = None  # where wave rollback returns to
    diff_sha256: str | None = None  # of the redacted plan diff before the change
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    attempts: int = 0

    @property
    def seconds(self) -> float:
        if self.started is None or self.finished is None:
            return 0.0
        return max(0.0, self.finished - self.started)

    def to_dict(self) -> dict[str, Any]:
        # Field by field, copying the dict first: a worker thread may be updating it.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["status"] = self.status.value
        data["timings"] = dict(self.timings)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostRecord:
        values = dict(data)
        values["status"] = HostStatus(values["status"])
        return cls(**values)
