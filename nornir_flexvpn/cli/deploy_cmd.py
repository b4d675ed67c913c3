"""`flexvpn plan`, `flexvpn deploy`, `flexvpn remove`: the job users run."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from nornir.core import Nornir
from nornir.core.task import AggregatedResult
from rich.console import Console

from nornir_flexvpn.cli.fleet import (
    error_text,
    host_results,
    open_nornir,
    print_json,
    run_with_progress,
    select,
    summary_table,
)
from nornir_flexvpn.cli_channel.mode import CliChannelMode
from nornir_flexvpn.restconf.transport import Transport, TransportOpt

# Exit codes of `plan` (and `deploy --dry-run`), as CI systems read them.
EXIT_IN_SYNC = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2

InventoryOpt = Annotated[Path, typer.Option("--inventory", "-i", help="Nornir inventory folder.")]
HostOpt = Annotated[
    list[str] | None, typer.Option("--host", "-H", help="Only this host (repeatable).")
]
FilterOpt = Annotated[
    list[str] | None,
    typer.Option("--filter", help="key=value on host data/attributes (repeatable)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
CliChannelOpt = Annotated[
    CliChannelMode,
    typer.Option(
        "--cli-channel",
        help=(
            "Lines no model carries: auto = over NAPALM/SSH only where the release's NETCONF "
            "has no cli-rpc (16.9, 17.3); napalm = always over NAPALM; never = refuse, "
            "naming the lines, where they would need it."
        ),
    ),
]

PkiViaCliOpt = Annotated[
    bool,
    typer.Option(
        "--pki-via-cli",
        help=(
            "Where the release has no crypto pki import RPC (16.9.1), import the PKCS12 "
            "bundle with the exec command over the NAPALM CLI channel instead of refusing."
        ),
    ),
]


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("deploy")(deploy)
    app.command("remove")(remove)


def plan(
    inventory: InventoryOpt,
    host: HostOpt = None,
    filter: FilterOpt = None,
    as_json: JsonOpt = False,
    cli_channel: CliChannelOpt = CliChannelMode.AUTO,
    transport: TransportOpt = Transport.NETCONF,
) -> None:
    """Show what deploy would change (read-only). Exit 0 in sync, 2 changes, 1 error."""
    from nornir_flexvpn.deploy.planner import HostPlan
    from nornir_flexvpn.tasks.plan_flexvpn import plan_flexvpn

    console = Console(stderr=as_json)
    nr = select(open_nornir(inventory), host or [], filter or [])
    if transport is Transport.RESTCONF:
        from nornir_flexvpn.restconf.tasks import plan_flexvpn_restconf

        results = host_results(run_with_progress(nr, plan_flexvpn_restconf, "plan", console))
    else:
        results = host_results(
            run_with_progress(nr, plan_flexvpn, "plan", console, cli_channel=cli_channel)
        )
    rows: list[tuple[str, ...]] = []
    report: list[dict[str, object]] = []
    errors = changed = 0
    for name, (result, exc) in sorted(results.items()):
        hp = result.result if result is not None and exc is None else None
        if not isinstance(hp, HostPlan):
            errors += 1
            rows.append((name, "-", "[red]error[/]", error_text(exc)))
            report.append({"host": name, "error": error_text(exc)})
            continue
        changed += hp.changed
        state = "[yellow]changes[/]" if hp.changed else "[green]in sync[/]"
        rows.append((name, hp.release.value, state, f"{len(hp.changes)} objects"))
        report.append(hp.as_dict())
        if hp.changed and not as_json:
            console.rule(f"{name}")
            for line in hp.cli_diff:
                style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
                console.print(line, style=style, markup=False, highlight=False, soft_wrap=True)
    if as_json:
        print_json({"hosts": report})
    else:
        console.print(summary_table("plan", ("host", "release", "state", "detail"), rows))
    sys.exit(EXIT_ERROR if errors else EXIT_CHANGES if changed else EXIT_IN_SYNC)


def deploy(
    inventory: InventoryOpt,
    host: HostOpt = None,
    filter: FilterOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; send nothing.")] = False,
    allow_running: Annotated[
        bool,
        typer.Option(
            "--allow-running",
            help="Without a candidate datastore, edit running inside a cisco-ia checkpoint.",
        ),
    ] = False,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Skip save-config after success.")
    ] = False,
    as_json: JsonOpt = False,
    cli_channel: CliChannelOpt = CliChannelMode.AUTO,
    gate_check: Annotated[
        list[str] | None,
        typer.Option(
            "--gate-check",
            help="Post-check run between commit and confirm (repeatable; default: loopback, "
            "virtual-template, sessions, users-dropped; 'none' for none).",
        ),
    ] = None,
    drop_threshold: Annotated[
        int,
        typer.Option("--drop-threshold", min=0, help="Users a change may drop before rollback."),
    ] = 0,
    pki_via_cli: PkiViaCliOpt = False,
) -> None:
    """Bring every selected headend to its intent, one safe transaction each.

    Exit 0 when every host succeeded (with --dry-run: is in sync), 2 for --dry-run with changes, 1 when any host failed.
    """
    from nornir_flexvpn.tasks.deploy_flexvpn import deploy_flexvpn

    _run_change(
        inventory,
        host,
        filter,
        as_json,
        "deploy",
        lambda nr, console: run_with_progress(
            nr,
            deploy_flexvpn,
            "deploy",
            console,
            dry_run=dry_run,
            allow_running=allow_running,
            save_config=not no_save,
            cli_channel=cli_channel,
            checks=_gate_checks(gate_check),
            drop_threshold=drop_threshold,
            pki_via_cli=pki_via_cli,
        ),
        dry_run,
    )


def _gate_checks(chosen: list[str] | None) -> list[str] | None:
    """None: the default gate; `--gate-check none`: no post-checks (added for issue 6)."""
    from nornir_flexvpn.checks.rules import known_ids

    if not chosen:
        return None
    if chosen == ["none"]:
        return []
    return known_ids(chosen)


def remove(
    inventory: InventoryOpt,
    host: HostOpt = None,
    filter: FilterOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    allow_running: Annotated[bool, typer.Option("--allow-running")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Remove exactly the objects the intent owns (same safety net as deploy)."""
    from nornir_flexvpn.tasks.remove_flexvpn import remove_flexvpn

    _run_change(
        inventory,
        host,
        filter,
        as_json,
        "remove",
        lambda nr, console: run_with_progress(
            nr, remove_flexvpn, "remove", console, dry_run=dry_run, allow_running=allow_running
        ),
        dry_run,
    )


def _run_change(
    inventory: Path,
    host: list[str] | None,
    filter: list[str] | None,
    as_json: bool,
    label: str,
    run: Callable[[Nornir, Console], AggregatedResult],
    dry_run: bool,
) -> None:
    from nornir_flexvpn.deploy.apply import DeployOutcome

    console = Console(stderr=as_json)
    nr = select(open_nornir(inventory), host or [], filter or [])
    results = host_results(run(nr, console))
    rows: list[tuple[str, ...]] = []
    report: list[dict[str, object]] = []
    failed = changed = 0
    for name, (result, exc) in sorted(results.items()):
        outcome = result.result if result is not None else None
        if not isinstance(outcome, DeployOutcome):
            failed += 1
            rows.append((name, "-", "[red]error[/]", "-", "-", error_text(exc)))
            report.append({"host": name, "failed": True, "error": error_text(exc)})
            continue
        tx = outcome.transaction
        failed += outcome.failed
        changed += outcome.changed
        if outcome.failed:
            state = "[red]failed[/]"
        elif outcome.changed:
            state = "[yellow]would change[/]" if dry_run else "[green]changed[/]"
        else:
            state = "[green]in sync[/]"
        detail = (
            error_text(exc)
            if outcome.failed
            else (f"{len(outcome.plan.changes)} objects" if outcome.plan else "")
        )
        if tx is not None and tx.rolled_back:
            detail += f" (rolled back: {tx.rollback_outcome})"
        rows.append(
            (
                name,
                state,
                tx.strategy.value if tx else "-",
                str(tx.rpc_count) if tx else "0",
                f"{sum(p.seconds for p in tx.phases) * 1000:.0f} ms" if tx else "-",
                detail,
            )
        )
        report.append(outcome.as_dict())
        if outcome.changed and not as_json and outcome.plan is not None:
            console.rule(name)
            for line in outcome.plan.cli_diff:
                style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
                console.print(line, style=style, markup=False, highlight=False, soft_wrap=True)
    if as_json:
        print_json({"hosts": report})
    else:
        columns = ("host", "state", "strategy", "RPCs", "time", "detail")
        console.print(summary_table(label, columns, rows))
    if failed:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_CHANGES if dry_run and changed else EXIT_IN_SYNC)
