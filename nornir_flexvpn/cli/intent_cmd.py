"""CLI commands about the intent itself: its JSON Schema and its lint."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def schema(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the schema to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the `flexvpn:` intent (for editors)."""
    from nornir_flexvpn.intent.schema_export import intent_json_schema_text

    text = intent_json_schema_text()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


def lint(
    inventory: Annotated[
        Path, typer.Option("--inventory", "-i", help="Nornir SimpleInventory directory.")
    ] = Path("inventory/seed"),
    host: Annotated[
        list[str] | None, typer.Option("--host", "-H", help="Only these hosts (repeatable).")
    ] = None,
) -> None:
    """Load the inventory's intents and check the document's rules; exit 1 on errors."""
    from nornir_flexvpn.intent.lint import lint as run_lint
    from nornir_flexvpn.intent.loader import load_hosts

    failed = False
    for name, host_intent in load_hosts(inventory, hosts=host or None).items():
        findings = run_lint(host_intent.intent, host_intent.release)
        errors = sum(f.severity == "error" for f in findings)
        failed = failed or errors > 0
        typer.echo(
            f"{name} ({host_intent.release.value}, {host_intent.model}): "
            f"{errors} error(s), {len(findings) - errors} warning(s)"
        )
        for finding in findings:
            typer.echo(f"  {finding}")
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("schema")(schema)
    app.command("lint")(lint)
