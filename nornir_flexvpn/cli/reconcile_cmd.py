"""`flexvpn reconcile`: the GitOps controller (intent in git, continuous plan/apply, drift)."""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from nornir_flexvpn.errors import IntentError

if TYPE_CHECKING:
    from nornir_flexvpn.gitops.controller import TickReport


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile)


def _listen(value: str) -> tuple[str, int] | None:
    if value.lower() in ("", "none", "off"):
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise IntentError(f"expected HOST:PORT or 'off', got {value!r}", path="--listen")
    return host or "127.0.0.1", int(port)


def reconcile(
    repo: Annotated[str, typer.Option("--repo", help="Path or URL of the intent repository.")],
    branch: Annotated[str, typer.Option("--branch")] = "main",
    inventory_path: Annotated[
        str, typer.Option("--inventory-path", help="Inventory folder inside the repository.")
    ] = ".",
    interval: Annotated[float, typer.Option("--interval", help="Seconds between ticks.")] = 60.0,
    policy: Annotated[
        str,
        typer.Option(
            "--policy", help="Drift: report|remediate (repo may override per host/group)."
        ),
    ] = "report",
    once: Annotated[
        bool, typer.Option("--once", help="One tick; exit 0 in sync, 2 changed, 1 errors.")
    ] = False,
    host: Annotated[
        list[str] | None, typer.Option("--host", "-H", help="Shard: only this host (repeatable).")
    ] = None,
    filter: Annotated[
        list[str] | None,
        typer.Option("--filter", help="Shard: key=value on host data/attributes (repeatable)."),
    ] = None,
    state_dir: Annotated[Path | None, typer.Option("--state-dir")] = None,
    lock_dir: Annotated[Path | None, typer.Option("--lock-dir")] = None,
    listen: Annotated[
        str, typer.Option("--listen", help="HOST:PORT of the read-only status endpoint, or 'off'.")
    ] = "127.0.0.1:9108",
    workers: Annotated[int, typer.Option("--workers", help="Hosts planned in parallel.")] = 10,
    retries: Annotated[
        int, typer.Option("--retries", help="Tries per unreachable host and tick.")
    ] = 3,
    allow_running: Annotated[bool, typer.Option("--allow-running")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print each tick's report as JSON.")
    ] = False,
) -> None:
    """Make the fleet follow the intent in git: pull, validate, plan, apply, detect drift."""
    from nornir_flexvpn.gitops.controller import Controller, ControllerOptions
    from nornir_flexvpn.gitops.http import StatusServer
    from nornir_flexvpn.gitops.observe import RetryPolicy
    from nornir_flexvpn.gitops.revision import Shard

    if policy not in ("report", "remediate"):
        raise IntentError(f"expected report or remediate, got {policy!r}", path="--policy")
    options = ControllerOptions(
        repo=repo,
        branch=branch,
        inventory_path=inventory_path,
        policy="remediate" if policy == "remediate" else "report",
        interval=interval,
        shard=Shard(tuple(host or ()), tuple(filter or ())),
        state_dir=state_dir,
        lock_dir=lock_dir,
        workers=workers,
        retry=RetryPolicy(attempts=max(retries, 1)),
        allow_running=allow_running,
    )
    address = _listen(listen)
    with Controller(options) as controller:

        def stop(signum: int, frame: FrameType | None) -> None:
            typer.echo(f"signal {signum}: stopping after the hosts in flight", err=True)
            controller.request_stop()

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        server = None
        if address is not None:
            server = StatusServer(controller.store, *address).start()
            typer.echo(f"status on http://{address[0]}:{server.port}/status", err=True)
        try:
            code = controller.run(once=once, on_tick=lambda report: _print(report, as_json))
        finally:
            if server is not None:
                server.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    sys.exit(code)


def _print(report: TickReport, as_json: bool) -> None:
    data = asdict(report)
    data["exit_code"] = report.exit_code
    if as_json:
        typer.echo(json.dumps(data, sort_keys=True))
        return
    revision = (report.revision or "-")[:12]
    parts = [f"revision {revision}"]
    if report.refused:
        parts.append(f"REFUSED {report.refused[:12]}")
    for key in ("in_sync", "applied", "remediated", "drifted", "pending", "failed", "unreachable"):
        names = data[key]
        if names:
            parts.append(f"{key.replace('_', ' ')}: {', '.join(names)}")
    if report.error:
        parts.append(f"error: {report.error}")
    typer.echo("; ".join(parts), err=True)
