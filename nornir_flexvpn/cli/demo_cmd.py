"""`flexvpn demo`: the main job against the embedded lab, for `make demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nornir_flexvpn.releases import Release

SEED_INVENTORY = Path("inventory/seed")


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        inventory: Annotated[
            Path, typer.Option(help="Nornir inventory holding the seed headend.")
        ] = SEED_INVENTORY,
    ) -> None:
        """Render and validate the seed headend for every release, then push it to lab headends."""
        run_demo(inventory, Console())


def run_demo(inventory: Path, console: Console) -> None:
    from nornir_flexvpn.intent.lint import lint
    from nornir_flexvpn.intent.loader import load_hosts
    from nornir_flexvpn.intent.secrets import resolve_secrets
    from nornir_flexvpn.payload.build import build_payload
    from nornir_flexvpn.schema.validate import validate_config

    hosts = load_hosts(inventory)
    table = Table(title=f"Seed intent from {inventory}: payload per IOS-XE release")
    for column in ("host", "release", "lint", "native nodes", "CLI-channel lines", "YANG"):
        table.add_column(column)
    for host in hosts.values():
        secrets = resolve_secrets(host.intent, base_dir=inventory)
        for release in Release:
            findings = lint(host.intent, release)
            errors = sum(1 for f in findings if f.severity == "error")
            warnings = len(findings) - errors
            payload = build_payload(host.intent, release, secrets)
            issues = validate_config(release, payload.config)
            nodes = sum(1 for _ in payload.config.iter()) - 1
            table.add_row(
                host.name,
                release.value,
                f"{errors} errors, {warnings} warnings",
                str(nodes),
                str(len(payload.cli)),
                "[green]valid[/]" if not issues else f"[red]{len(issues)} errors[/]",
            )
    console.print(table)
