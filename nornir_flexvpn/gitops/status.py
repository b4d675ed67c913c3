"""What the controller knows, as a JSON status file (the controller's memory
across restarts) and as Prometheus metrics.

Nothing here ever holds a secret: diffs come from `HostPlan.cli_diff`, which
is redacted, and errors are our exceptions' messages, which name secrets,
never their values.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class HostState(StrEnum):
    IN_SYNC = "in_sync"
    DRIFTED = "drifted"  # differs from the revision in force and policy says report
    PENDING = "pending"  # has changes the rollout did not reach (halted, stopped)
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"  # not looked at yet


@dataclass
class ChangeAuthor:
    """Who changed a headend by hand, where the device tells.

    `source`: "archive-log" (IOS `archive log config`), "config-change-event"
    (ietf-netconf-notifications netconf-config-change), or "unknown" when the
    device keeps no such record (the lab does not).
    """

    user: str = "unknown"
    source: str = "unknown"
    at: float | None = None
    session: str | None = None
    line: str | None = None


@dataclass
class Drift:
    first_seen: float
    last_seen: float
    revision: str
    diff: list[str]
    changed_by: ChangeAuthor = field(default_factory=ChangeAuthor)
    remediated_at: float | None = None


@dataclass
class HostStatus:
    name: str
    state: HostState = HostState.UNKNOWN
    release: str | None = None
    policy: str = "report"
    revision: str | None = None  # the revision this host was last brought to / seen in sync with
    fingerprint: str | None = None  # of that revision's intent for this host
    last_check: float | None = None
    last_apply: float | None = None
    last_action: str = "none"  # none | applied | remediated
    plan_seconds: float | None = None
    apply_seconds: float | None = None
    diff: list[str] = field(default_factory=list)
    drift: Drift | None = None
    error: str | None = None
    failures: int = 0
    retry_after: float | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostStatus:
        drift = data.get("drift")
        values = dict(data)
        values["state"] = HostState(data.get("state", "unknown"))
        if isinstance(drift, dict):
            author = ChangeAuthor(**drift.get("changed_by", {}))
            values["drift"] = Drift(**{**drift, "changed_by": author})
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass
class RefusedRevision:
    sha: str
    error: str
    seen: float
    author: str = ""
    subject: str = ""


@dataclass
class ControllerStatus:
    repo: str
    branch: str
    policy: str
    shard: str = ""
    head: str | None = None  # newest revision fetched
    in_force: str | None = None  # newest valid revision
    in_force_since: float | None = None
    refused: list[RefusedRevision] = field(default_factory=list)
    last_apply_revision: str | None = None
    last_apply_time: float | None = None
    last_tick: float | None = None
    tick_seconds: float | None = None
    fetch_seconds: float | None = None
    plan_seconds: float | None = None
    apply_seconds: float | None = None
    ticks: int = 0
    tick_errors: int = 0
    applies: int = 0
    remediations: int = 0
    drift_detections: int = 0
    refused_total: int = 0
    error: str | None = None  # why the last tick could not run (fetch failed, ...)
    hosts: dict[str, HostStatus] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {state.value: 0 for state in HostState}
        for host in self.hosts.values():
            out[host.state.value] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hosts"] = {name: h.as_dict() for name, h in sorted(self.hosts.items())}
        data["counts"] = self.counts()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ControllerStatus:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["refused"] = [RefusedRevision(**r) for r in data.get("refused", [])]
        values["hosts"] = {
            name: HostStatus.from_dict(h) for name, h in (data.get("hosts") or {}).items()
        }
        return cls(**values)


class StatusStore:
    """The status file, and a thread-safe snapshot for the HTTP endpoint."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._snapshot: dict[str, Any] = {}
        self._metrics = ""

    def load(self) -> ControllerStatus | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            return ControllerStatus.from_dict(data)
        except (TypeError, ValueError, KeyError):
            return None  # a status from another version: start afresh

    def save(self, status: ControllerStatus) -> None:
        data = status.as_dict()
        text = json.dumps(data, indent=2, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
        metrics = render_metrics(status)
        with self._lock:
            self._snapshot = data
            self._metrics = metrics

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self._snapshot

    def metrics(self) -> str:
        with self._lock:
            return self._metrics


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def render_metrics(status: ControllerStatus) -> str:
    """Prometheus text exposition format 0.0.4."""
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            lines.append(f"{name}{labels} {value:g}")

    counts = status.counts()
    metric(
        "flexvpn_gitops_hosts",
        "gauge",
        "Headends per state.",
        [(f'{{state="{state}"}}', float(n)) for state, n in sorted(counts.items())],
    )
    metric(
        "flexvpn_gitops_host_state",
        "gauge",
        "1 for each headend's current state.",
        [
            (f'{{host="{_label(h.name)}",state="{h.state.value}"}}', 1.0)
            for h in sorted(status.hosts.values(), key=lambda h: h.name)
        ],
    )
    metric(
        "flexvpn_gitops_host_drift_first_seen_timestamp_seconds",
        "gauge",
        "When the current drift of a headend was first seen.",
        [
            (f'{{host="{_label(h.name)}"}}', h.drift.first_seen)
            for h in sorted(status.hosts.values(), key=lambda h: h.name)
            if h.drift is not None and h.state is HostState.DRIFTED
        ],
    )
    revisions = []
    if status.in_force:
        revisions.append((f'{{role="in_force",revision="{status.in_force}"}}', 1.0))
    if status.head:
        revisions.append((f'{{role="head",revision="{status.head}"}}', 1.0))
    if status.last_apply_revision:
        revisions.append((f'{{role="last_apply",revision="{status.last_apply_revision}"}}', 1.0))
    metric("flexvpn_gitops_revision_info", "gauge", "Revisions the controller knows.", revisions)
    metric(
        "flexvpn_gitops_head_refused",
        "gauge",
        "1 when the branch head is a revision that failed validation.",
        [("", 1.0 if status.head and status.head != status.in_force else 0.0)],
    )
    stamps = [
        ("flexvpn_gitops_last_apply_timestamp_seconds", status.last_apply_time, "Last apply."),
        ("flexvpn_gitops_last_tick_timestamp_seconds", status.last_tick, "Last tick's end."),
        (
            "flexvpn_gitops_in_force_since_timestamp_seconds",
            status.in_force_since,
            "Revision in force since.",
        ),
    ]
    for name, value, help_text in stamps:
        metric(name, "gauge", help_text, [("", value)] if value is not None else [])
    durations = [
        ("tick", status.tick_seconds),
        ("fetch", status.fetch_seconds),
        ("plan", status.plan_seconds),
        ("apply", status.apply_seconds),
    ]
    metric(
        "flexvpn_gitops_last_duration_seconds",
        "gauge",
        "Duration of the last tick and its phases.",
        [(f'{{phase="{phase}"}}', value) for phase, value in durations if value is not None],
    )
    counters = [
        ("flexvpn_gitops_ticks_total", status.ticks, "Ticks run."),
        ("flexvpn_gitops_tick_errors_total", status.tick_errors, "Ticks that ended in error."),
        ("flexvpn_gitops_refused_revisions_total", status.refused_total, "Revisions refused."),
        ("flexvpn_gitops_applies_total", status.applies, "Headends changed to a new intent."),
        ("flexvpn_gitops_remediations_total", status.remediations, "Drifts reverted."),
        ("flexvpn_gitops_drift_detections_total", status.drift_detections, "Drifts detected."),
    ]
    for name, value, help_text in counters:
        metric(name, "counter", help_text, [("", float(value))])
    return "\n".join(lines) + "\n"
