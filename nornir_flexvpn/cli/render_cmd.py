"""CLI commands: render_cmd (placeholder until its owner fills it)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
