"""`flexvpn rollout`: canary, waves, failure budget, halt, resume, reports."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nornir_flexvpn.cli.deploy_cmd import FilterOpt, HostOpt
from nornir_flexvpn.cli.fleet import open_nornir, select
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.rollout.spec import Amount

EXIT_OK = 0
EXIT_FAILED = 1  # a host failed, or the rollout halted
EXIT_INTERRUPTED = 130
STATE_FILE = "rollout-state.json"


def register(app: typer.Typer) -> None:
    app.command("rollout")(rollout)


def rollout(
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory", "-i", help="Nornir inventory folder (default on --resume: the state's)."
        ),
    ] = None,
    host: HostOpt = None,
    filter: FilterOpt = None,
    canary: Annotated[
        str, typer.Option("--canary", help="Canary: a count, a percentage, or host names (a,b).")
    ] = "1",
    wave: Annotated[str, typer.Option("--wave", help="Wave size: count or percentage.")] = "10%",
    max_fail: Annotated[
        str, typer.Option("--max-fail", help="Failures allowed overall: count or percentage.")
    ] = "0",
    max_fail_wave: Annotated[
        str | None,
        typer.Option("--max-fail-wave", help="Failures allowed per wave: count or percentage."),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Hosts in flight at once.")
    ] = 10,
    pause: Annotated[float, typer.Option("--pause", min=0, help="Seconds between waves.")] = 0.0,
    order: Annotated[str, typer.Option("--order", help="given | group | site.")] = "given",
    rollback_wave: Annotated[
        bool,
        typer.Option(
            "--rollback-wave", help="Over budget: return the wave's changed hosts to before."
        ),
    ] = False,
    dead_man: Annotated[
        bool,
        typer.Option(
            "--dead-man",
            help="Per wave: all commit under their safety net, all verified, then all "
            "confirmed or all rolled back.",
        ),
    ] = False,
    confirm_timeout: Annotated[
        int, typer.Option("--confirm-timeout", min=30, help="Safety net of a held commit (s).")
    ] = 600,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Plan every host (read-only); send nothing.")
    ] = False,
    checks: Annotated[
        str | None,
        typer.Option(
            "--checks",
            help="Post-checks of the commit gate, comma-separated ('none': readback only; "
            "default: the standard gate).",
        ),
    ] = None,
    drop_threshold: Annotated[
        int, typer.Option("--drop-threshold", min=0, help="Users a change may drop.")
    ] = 0,
    allow_running: Annotated[bool, typer.Option("--allow-running")] = False,
    no_save: Annotated[bool, typer.Option("--no-save")] = False,
    state: Annotated[
        Path | None,
        typer.Option("--state", help=f"State file (default: REPORT_DIR/{STATE_FILE})."),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            help="Continue the rollout recorded in this state file (with its own plan and options).",
        ),
    ] = None,
    redo: Annotated[
        bool, typer.Option("--redo", help="With --resume: apply done hosts again too.")
    ] = False,
    report_dir: Annotated[
        Path, typer.Option("--report-dir", help="Where JSON, JUnit XML and HTML reports go.")
    ] = Path("."),
) -> None:
    """Roll the intent out to the fleet: canary, then waves, stopping by itself when
    too many fail. Exit 0 when every host is done, 1 on failures or a halt,
    130 when interrupted (resume with --resume STATE)."""
    from nornir_flexvpn.rollout.plan import build_plan, hosts_of
    from nornir_flexvpn.rollout.reports import write_reports
    from nornir_flexvpn.rollout.reports.console import LiveProgress, final_table, plan_table
    from nornir_flexvpn.rollout.runner import Rollout
    from nornir_flexvpn.rollout.spec import Amount, Order, RolloutSpec
    from nornir_flexvpn.rollout.state import RolloutState, RunStatus

    console = Console()
    if resume is not None:
        loaded = RolloutState.load(resume)
        folder = inventory or Path(loaded.inventory)
        nr = open_nornir(folder, workers=loaded.spec.concurrency)
        missing = sorted(set(loaded.plan.hosts) - set(nr.inventory.hosts))
        if missing:
            raise IntentError(
                f"hosts of the rollout are not in the inventory: {', '.join(missing)}",
                path="--resume",
            )
        from nornir.core.filter import F

        nr = nr.filter(F(name__any=loaded.plan.hosts))
        current = loaded
        state_path = resume
    else:
        if inventory is None:
            raise IntentError("give --inventory (or --resume STATE)", path="--inventory")
        names, count = _canary(canary)
        try:
            chosen = Order(order)
        except ValueError:
            raise IntentError(
                f"expected given, group or site, got {order!r}", path="--order"
            ) from None
        spec = RolloutSpec(
            canary=count,
            canary_hosts=names,
            wave=Amount.parse(wave, option="--wave"),
            max_fail=Amount.parse(max_fail, option="--max-fail"),
            max_fail_wave=(
                Amount.parse(max_fail_wave, option="--max-fail-wave") if max_fail_wave else None
            ),
            concurrency=concurrency,
            pause=pause,
            order=chosen,
            rollback_wave=rollback_wave,
            dead_man=dead_man,
            dry_run=dry_run,
            confirm_timeout=confirm_timeout,
            allow_running=allow_running,
            save_config=not no_save,
            checks=_checks(checks),
            drop_threshold=drop_threshold,
        )
        nr = select(open_nornir(inventory, workers=concurrency), host or [], filter or [])
        plan = build_plan(hosts_of(nr), spec)
        current = RolloutState.new(
            spec, plan, inventory.resolve(), {"hosts": host or [], "filters": filter or []}
        )
        report_dir.mkdir(parents=True, exist_ok=True)
        state_path = state or report_dir / STATE_FILE
    todo = current.remaining(redo=redo)
    console.print(plan_table(current, todo=todo))
    if resume is not None:
        console.print(
            f"resuming {current.rollout_id}: {len(todo)} host(s) to run, "
            f"{len(current.plan.hosts) - len(todo)} done"
        )
    runner = Rollout(nr, current, state_path=state_path, redo=redo)
    try:
        with LiveProgress(console, total=len(todo)) as live:
            runner.observer = live
            runner.run()
    finally:
        nr.close_connections(on_good=True, on_failed=True)
        paths = write_reports(current, report_dir)
    console.print(final_table(current))
    console.print(f"state: {state_path}")
    console.print("reports: " + ", ".join(str(p) for p in paths))
    if current.status is RunStatus.INTERRUPTED:
        console.print(f"resume with: flexvpn rollout --resume {state_path}")
        sys.exit(EXIT_INTERRUPTED)
    failed = any(r.status.failure for r in current.records.values())
    sys.exit(EXIT_FAILED if failed or current.status is not RunStatus.COMPLETED else EXIT_OK)


_AMOUNT = re.compile(r"^\d+(\.\d+)?%?$")


def _canary(text: str) -> tuple[tuple[str, ...], Amount]:

    if _AMOUNT.match(text.strip()):
        return (), Amount.parse(text, option="--canary")
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    return names, Amount(len(names))


def _checks(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    if text.strip().lower() == "none":
        return ()
    return tuple(c.strip() for c in text.split(",") if c.strip())
