"""What a check says: an id, a severity, a status and a one-line reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    # The release (or the headend) cannot answer; never counted as passed.
    NOT_AVAILABLE = "n/a"


class Severity(Enum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class CheckResult:
    id: str
    severity: Severity
    status: Status
    reason: str
    details: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def __str__(self) -> str:
        return f"{self.id}: {self.status.value}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "status": self.status.value,
            "reason": self.reason,
            "details": list(self.details),
        }


@dataclass
class VerifyReport:
    """Every check's verdict for one headend (the `result` of verify_flexvpn)."""

    host: str
    release: str
    results: list[CheckResult] = field(default_factory=list)
    show: list[str] = field(default_factory=list)  # the `--format show` rendering

    @property
    def ok(self) -> bool:
        return not any(r.failed for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.failed]

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for r in self.results:
            out[r.status.value] += 1
        return out

    def get(self, check_id: str) -> CheckResult:
        for r in self.results:
            if r.id == check_id:
                return r
        raise KeyError(check_id)

    def as_dict(self) -> dict[str, object]:
        return {
            "host": self.host,
            "release": self.release,
            "ok": self.ok,
            "counts": self.counts(),
            "checks": [r.as_dict() for r in self.results],
        }
