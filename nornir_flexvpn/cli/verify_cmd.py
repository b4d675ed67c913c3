"""`flexvpn verify`: post-checks per host, a fleet summary, or the document's show commands."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from nornir_flexvpn.cli.deploy_cmd import FilterOpt, HostOpt, InventoryOpt, JsonOpt
from nornir_flexvpn.cli.fleet import (
    error_text,
    host_results,
    open_nornir,
    print_json,
    run_with_progress,
    select,
    summary_table,
)
from nornir_flexvpn.restconf.transport import Transport, TransportOpt

if TYPE_CHECKING:
    from nornir_flexvpn.checks.results import VerifyReport

EXIT_OK = 0
EXIT_FAILED = 1

_STYLE = {"pass": "green", "warn": "yellow", "fail": "red", "n/a": "dim"}


class OutputFormat(StrEnum):
    TABLE = "table"
    SHOW = "show"


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)


def verify(
    inventory: InventoryOpt,
    host: HostOpt = None,
    filter: FilterOpt = None,
    as_json: JsonOpt = False,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", help="table: a check table per host; show: like the CLI."),
    ] = OutputFormat.TABLE,
    check: Annotated[
        list[str] | None,
        typer.Option("--check", help="Only this check id (repeatable)."),
    ] = None,
    probe: Annotated[
        bool, typer.Option("--probe", help="Also connect a test user (lab headends).")
    ] = False,
    probe_user: Annotated[
        str | None, typer.Option("--probe-user", help="Local user for the probe.")
    ] = None,
    cert_warn_days: Annotated[
        int, typer.Option("--cert-warn-days", min=0, help="Warn this close to expiry.")
    ] = 30,
    transport: TransportOpt = Transport.NETCONF,
) -> None:
    """Check every selected headend's operational state against its intent.
    Exit 0 when no check failed, 1 otherwise."""
    from nornir_flexvpn.checks.results import VerifyReport
    from nornir_flexvpn.checks.rules import VERIFY_CHECKS, known_ids
    from nornir_flexvpn.restconf.tasks import verify_task

    checks = known_ids(check) if check else list(VERIFY_CHECKS)
    console = Console(stderr=as_json)
    nr = select(open_nornir(Path(inventory)), host or [], filter or [])
    results = host_results(
        run_with_progress(
            nr,
            verify_task(transport),
            "verify",
            console,
            checks=checks,
            probe=probe,
            probe_user=probe_user,
            cert_warn_days=cert_warn_days,
        )
    )
    rows: list[tuple[str, ...]] = []
    report: list[dict[str, object]] = []
    failed = 0
    for name, (result, exc) in sorted(results.items()):
        verdict = result.result if result is not None else None
        if not isinstance(verdict, VerifyReport):
            failed += 1
            rows.append((name, "-", "[red]error[/]", "-", escape(error_text(exc))))
            report.append({"host": name, "ok": False, "error": error_text(exc)})
            continue
        failed += not verdict.ok
        report.append(verdict.as_dict())
        counts = verdict.counts()
        state = "[green]ok[/]" if verdict.ok else "[red]failed[/]"
        first = verdict.failures[0] if verdict.failures else None
        rows.append(
            (
                name,
                verdict.release,
                state,
                " ".join(f"{k} {v}" for k, v in counts.items() if v),
                escape(str(first)) if first else "",
            )
        )
        if as_json:
            continue
        if fmt is OutputFormat.SHOW:
            console.rule(name)
            for line in verdict.show:
                console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            console.print(_host_table(verdict))
    if as_json:
        print_json({"hosts": report})
    else:
        columns = ("host", "release", "state", "checks", "first failure")
        console.print(summary_table("verify", columns, rows))
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _host_table(verdict: VerifyReport) -> Table:
    table = Table(title=f"{verdict.host} ({verdict.release})")
    for column in ("check", "status", "severity", "reason"):
        table.add_column(column)
    for r in verdict.results:
        style = _STYLE[r.status.value]
        table.add_row(r.id, Text(r.status.value, style=style), r.severity.value, Text(r.reason))
    return table
