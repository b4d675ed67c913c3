"""Nornir from an inventory folder, host selection, and a per-host summary."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.filter import F
from nornir.core.task import AggregatedResult, MultiResult, Result
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nornir_flexvpn.errors import FlexVpnError, IntentError
from nornir_flexvpn.netconf.plugin import CONNECTION_NAME


def open_nornir(inventory: Path, *, workers: int = 20) -> Nornir:
    """A Nornir on a SimpleInventory folder (hosts.yaml, groups.yaml, defaults.yaml)."""
    if not (inventory / "hosts.yaml").is_file():
        raise IntentError(f"no hosts.yaml in {inventory}", path=str(inventory))
    options: dict[str, Any] = {"host_file": str(inventory / "hosts.yaml")}
    for name in ("group_file", "defaults_file"):
        candidate = inventory / f"{name.split('_')[0]}s.yaml"
        if name == "defaults_file":
            candidate = inventory / "defaults.yaml"
        if candidate.is_file():
            options[name] = str(candidate)
    return InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": workers}},
        inventory={"plugin": "SimpleInventory", "options": options},
        logging={"enabled": False},
    )


def select(nr: Nornir, hosts: Sequence[str], filters: Sequence[str]) -> Nornir:
    """`--host NAME` (repeatable) and `--filter key=value` (data or attribute, repeatable)."""
    if hosts:
        unknown = sorted(set(hosts) - set(nr.inventory.hosts))
        if unknown:
            raise IntentError(
                f"no such host(s) in the inventory: {', '.join(unknown)}", path="--host"
            )
        nr = nr.filter(F(name__any=list(hosts)))
    for spec in filters:
        key, sep, value = spec.partition("=")
        if not sep or not key:
            raise IntentError(f"expected key=value, got {spec!r}", path="--filter")
        nr = nr.filter(F(**{key: value}))
    return nr


def run_with_progress(
    nr: Nornir, task: Callable[..., Result], label: str, console: Console, **kwargs: Any
) -> AggregatedResult:
    """Run `task` on every host with a rich progress bar; close sessions after."""
    total = len(nr.inventory.hosts)
    logging.getLogger("ncclient").setLevel(logging.WARNING)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        bar = progress.add_task(label, total=total)

        def counted(t: Any, **kw: Any) -> Result:
            try:
                return task(t, **kw)
            finally:
                progress.advance(bar)

        try:
            return nr.run(task=counted, name=label, **kwargs)
        finally:
            nr.close_connections(on_good=True, on_failed=True)


def host_results(agg: AggregatedResult) -> dict[str, tuple[Result | None, BaseException | None]]:
    """Per host: the task's own Result (under our wrapper) and the exception, if any."""
    out: dict[str, tuple[Result | None, BaseException | None]] = {}
    for name, multi in agg.items():
        out[name] = _inner(multi)
    return out


def _inner(multi: MultiResult) -> tuple[Result | None, BaseException | None]:
    own = multi[-1] if len(multi) > 1 else multi[0]
    exc = own.exception or multi[0].exception
    return own, exc


def error_text(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    if isinstance(exc, FlexVpnError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def print_json(payload: object) -> None:
    print(json.dumps(payload, indent=2, sort_keys=True, default=str))


def summary_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    return table


__all__ = [
    "CONNECTION_NAME",
    "error_text",
    "host_results",
    "open_nornir",
    "print_json",
    "run_with_progress",
    "select",
    "summary_table",
]
