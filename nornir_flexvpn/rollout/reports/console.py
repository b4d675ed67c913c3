"""The console side of a rollout: the plan before it starts, live progress
(per wave, per host state), and the final table."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from nornir_flexvpn.rollout.budget import Budget
from nornir_flexvpn.rollout.observer import Observer
from nornir_flexvpn.rollout.plan import Wave
from nornir_flexvpn.rollout.records import HostRecord, HostStatus
from nornir_flexvpn.rollout.state import RolloutState, WaveLog

STYLE = {
    HostStatus.CHANGED: "green",
    HostStatus.IN_SYNC: "green",
    HostStatus.WOULD_CHANGE: "yellow",
    HostStatus.FAILED: "red",
    HostStatus.ROLLBACK_FAILED: "bold red",
    HostStatus.ROLLED_BACK: "magenta",
    HostStatus.SKIPPED: "dim",
    HostStatus.PENDING: "dim",
    HostStatus.RUNNING: "blue",
}
FULL_TABLE_LIMIT = 60  # above this many hosts the final table lists waves and problems only


def _names(hosts: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(hosts[:limit])
    return shown + (f" … (+{len(hosts) - limit})" if len(hosts) > limit else "")


def plan_table(state: RolloutState, *, todo: Sequence[str] | None = None) -> Table:
    spec = state.spec
    total = len(state.plan.hosts)
    todo_set = set(todo if todo is not None else state.plan.hosts)
    mode = "dead-man" if spec.dead_man else "per host"
    table = Table(
        title=(
            f"rollout plan: {total} hosts, concurrency {spec.concurrency}, {mode}"
            f"{', rollback-wave' if spec.rollback_wave else ''}"
            f"{', DRY RUN' if spec.dry_run else ''}"
            f"{f', pause {spec.pause:g}s' if spec.pause else ''}"
        )
    )
    for column in ("wave", "hosts", "to run", "may fail", "names"):
        table.add_column(column)
    for wave in state.plan.waves:
        budget = Budget.for_wave(
            wave, total=total, overall=spec.max_fail, per_wave=spec.max_fail_wave
        )
        allowed = (
            "0 (any failure stops all)"
            if wave.canary
            else f"{budget.wave if budget.wave is not None else '-'} in wave, "
            f"{budget.overall} overall"
        )
        run = [h for h in wave.hosts if h in todo_set]
        table.add_row(wave.name, str(len(wave.hosts)), str(len(run)), allowed, _names(run))
    return table


class LiveProgress(Observer):
    """Rich progress bars: the whole rollout and the current wave (with host states)."""

    def __init__(self, console: Console, total: int) -> None:
        self.console = console
        self._lock = threading.Lock()
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.overall: TaskID = self.progress.add_task("rollout", total=total)
        self.wave_task: TaskID | None = None
        self.wave_name = ""
        self.states: dict[str, HostStatus] = {}

    def __enter__(self) -> LiveProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def _describe(self) -> str:
        counts = Counter(s.value for s in self.states.values())
        parts = [f"{k} {v}" for k, v in sorted(counts.items())]
        return f"{self.wave_name}: {' · '.join(parts)}" if parts else self.wave_name

    def wave_started(self, wave: Wave, hosts: Sequence[str]) -> None:
        with self._lock:
            self.wave_name = wave.name
            self.states = {}
            self.wave_task = self.progress.add_task(wave.name, total=len(hosts))

    def host_started(self, record: HostRecord) -> None:
        with self._lock:
            self.states[record.name] = HostStatus.RUNNING
            if self.wave_task is not None:
                self.progress.update(self.wave_task, description=self._describe())

    def host_finished(self, record: HostRecord) -> None:
        with self._lock:
            first = self.states.get(record.name, HostStatus.RUNNING) is HostStatus.RUNNING
            self.states[record.name] = record.status
            settled = record.status is not HostStatus.RUNNING
            if self.wave_task is not None:
                advance = 1 if first and settled else 0
                self.progress.update(self.wave_task, advance=advance, description=self._describe())
                self.progress.advance(self.overall, advance)
        if record.status.failure:
            self.console.print(
                f"[red]{record.name}[/] ({record.wave}) {record.status.value}: "
                f"{escape(record.error or record.rollback or '')}",
                markup=True,
                highlight=False,
            )

    def wave_finished(self, wave: Wave, log: WaveLog) -> None:
        style = "green" if log.outcome == "ok" else "red"
        self.console.print(
            f"[{style}]{wave.name}: {log.outcome}[/]" + (f" ({log.detail})" if log.detail else ""),
            highlight=False,
        )

    def message(self, text: str) -> None:
        self.console.print(f"[yellow]{escape(text)}[/]", highlight=False)


def final_table(state: RolloutState) -> Table:
    records = [state.records[h] for h in state.plan.hosts]
    if len(records) <= FULL_TABLE_LIMIT:
        table = Table(title=f"rollout {state.rollout_id}: {state.status.value}")
        for column in ("host", "wave", "outcome", "strategy", "RPCs", "time", "detail"):
            table.add_column(column)
        for r in records:
            table.add_row(*_host_row(r))
        return table
    table = Table(title=f"rollout {state.rollout_id}: {state.status.value} (per wave)")
    for column in ("wave", "hosts", "outcomes", "problems"):
        table.add_column(column)
    for wave in state.plan.waves:
        wave_records = [state.records[h] for h in wave.hosts]
        counts = Counter(r.status.value for r in wave_records)
        problems = [r.name for r in wave_records if r.status.failure]
        table.add_row(
            wave.name,
            str(len(wave_records)),
            ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
            _names(problems),
        )
    return table


def _host_row(r: HostRecord) -> tuple[str, ...]:
    style = STYLE[r.status]
    detail = "; ".join(x for x in (r.error, r.rollback) if x)
    return (
        r.name,
        r.wave,
        f"[{style}]{r.status.value}[/]",
        r.strategy or "-",
        str(r.rpc_count),
        f"{r.seconds:.2f} s" if r.started else "-",
        escape(detail),
    )
