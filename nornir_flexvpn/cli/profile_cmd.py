"""`flexvpn profile render|export|push`: the AnyConnect client profile."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.loader import HostIntent

profile_app = typer.Typer(help="The AnyConnect client profile (XML) of a headend.")

OneHostOpt = Annotated[str, typer.Option("--host", "-H", help="The host whose intent to use.")]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="Profile name (default: the first).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")


def _host(inventory: Path, host: str) -> HostIntent:
    from nornir_flexvpn.intent.loader import load_hosts

    hosts = load_hosts(inventory)
    if host not in hosts:
        raise IntentError(
            f"no host {host!r} in the inventory (hosts: {', '.join(sorted(hosts))})",
            path="--host",
        )
    return hosts[host]


@profile_app.command("render")
def render(inventory: InventoryOpt, host: OneHostOpt, profile: ProfileOpt = None) -> None:
    """Print the client profile XML, byte for byte what is delivered to bootflash."""
    from nornir_flexvpn.anyconnect.client_profile import check_identities, render_client_profile

    intent = _host(inventory, host).intent
    check_identities(intent)
    profiles = intent.anyconnect_profiles
    index = next((i for i, p in enumerate(profiles) if profile in (None, p.name)), None)
    if index is None:
        names = ", ".join(p.name for p in profiles) or "none"
        raise IntentError(f"no profile {profile!r} (profiles: {names})", path="--profile")
    data = render_client_profile(profiles[index], path=f"anyconnect_profiles[{index}]")
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@profile_app.command("export")
def export(
    inventory: InventoryOpt,
    host: OneHostOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")],
    local_policy: Annotated[
        bool | None,
        typer.Option(
            "--local-policy/--no-local-policy",
            help="Write AnyConnectLocalPolicy.xml (BypassDownloader); default: only for "
            "headends older than 16.9.1.",
        ),
    ] = None,
) -> None:
    """Write the client files for distribution to clients' profile folders."""
    from nornir_flexvpn.anyconnect.export import export_client_files

    target = _host(inventory, host)
    for path in export_client_files(
        target.intent, out, headend_version=target.release, local_policy=local_policy
    ):
        typer.echo(str(path))


@profile_app.command("push")
def push(
    inventory: InventoryOpt,
    host: HostOpt = None,
    filter: FilterOpt = None,
    allow_running: Annotated[bool, typer.Option("--allow-running")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Deliver the profile file(s) (verified, skipped when identical); a changed file
    under an existing binding is bound again. Exit 1 when any host failed."""
    from nornir_flexvpn.tasks.push_profile import push_profile

    console = Console(stderr=as_json)
    nr = select(open_nornir(inventory), host or [], filter or [])
    agg = run_with_progress(nr, push_profile, "profile push", console, allow_running=allow_running)
    sys.exit(material_summary("profile push", host_results(agg), console, as_json))


def material_summary(
    title: str,
    results: Mapping[str, tuple[object, BaseException | None]],
    console: Console,
    as_json: bool,
) -> int:
    """One row per host from MaterialReport results; the exit code (1: any failure)."""
    from nornir.core.task import Result

    from nornir_flexvpn.files.material import MaterialReport

    rows: list[tuple[str, ...]] = []
    report: list[dict[str, object]] = []
    failed = 0
    for name, (result, exc) in sorted(results.items()):
        material = result.result if isinstance(result, Result) else None
        if exc is not None or not isinstance(material, MaterialReport):
            failed += 1
            rows.append((name, "[red]failed[/]", error_text(exc)))
            report.append({"host": name, "failed": True, "error": error_text(exc)})
            continue
        state = "[green]changed[/]" if material.changed else "[green]in sync[/]"
        rows.append((name, state, "\n".join(material.notes()) or "nothing to do"))
        report.append({"host": name, "failed": False, **material.as_dict()})
    if as_json:
        print_json({"hosts": report})
    else:
        console.print(summary_table(title, ("host", "state", "detail"), rows))
    return 1 if failed else 0
