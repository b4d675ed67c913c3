"""`flexvpn render | validate | goldens`: the payloads, offline (no device involved).

Without `--show-secrets` nothing is resolved: payloads are built with
placeholder secrets, so output can be pasted anywhere. With it, the host's
secrets are resolved (environment, file, demo value) and printed in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nornir_flexvpn.errors import FlexVpnError
from nornir_flexvpn.releases import Release

if TYPE_CHECKING:
    from nornir_flexvpn.intent.loader import HostIntent
    from nornir_flexvpn.payload.types import Payload


class OutputFormat(StrEnum):
    XML = "xml"
    CLI = "cli"


InventoryOption = Annotated[
    Path, typer.Option("--inventory", "-i", help="Nornir SimpleInventory directory.")
]
ReleaseOverride = Annotated[
    str | None,
    typer.Option("--release", "-r", help="IOS-XE release, e.g. 17.15.1 (default: the host's)."),
]


def _host(inventory: Path, name: str) -> HostIntent:
    from nornir_flexvpn.intent.loader import load_hosts

    return load_hosts(inventory, hosts=[name])[name]


def _release(host: HostIntent, override: str | None) -> Release:
    return Release.parse(override) if override else host.release


def _payload(host: HostIntent, release: Release, *, show_secrets: bool) -> Payload:
    """Built with the host's resolved secrets only when they are to be shown."""
    from nornir_flexvpn.payload.build import build_payload
    from nornir_flexvpn.payload.redacted import PlaceholderSecrets

    if not show_secrets:
        return build_payload(host.intent, release, PlaceholderSecrets())
    from nornir_flexvpn.intent.secrets import resolve_secrets

    base = host.inventory_dir or Path.cwd()
    return build_payload(host.intent, release, resolve_secrets(host.intent, base_dir=base))


def render(
    inventory: InventoryOption = Path("inventory/seed"),
    host: Annotated[str, typer.Option("--host", "-H", help="The host to render.")] = "",
    release: ReleaseOverride = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="xml (the NETCONF payload) or cli.")
    ] = OutputFormat.XML,
    show_secrets: Annotated[
        bool, typer.Option("--show-secrets", help="Resolve and print secrets in clear.")
    ] = False,
) -> None:
    """Print one host's payload for a release, as NETCONF XML or as IOS configuration."""
    from nornir_flexvpn.payload.goldens import cli_items_text, xml_text

    if not host:
        raise typer.BadParameter("--host is required", param_hint="--host")
    host_intent = _host(inventory, host)
    target = _release(host_intent, release)
    payload = _payload(host_intent, target, show_secrets=show_secrets)
    if output is OutputFormat.XML:
        text = xml_text(payload.config)
        if payload.cli:
            text += "<!-- CLI items (not expressible in this release's models):\n"
            text += cli_items_text(payload.cli).replace("--", "- -") + "-->\n"
    else:
        # Imported here: the renderer is its own module and optional for `render --format xml`.
        from nornir_flexvpn.payload.render_cli import render_cli

        text = render_cli(payload.config, target, payload.cli)
    typer.echo(text, nl=False)


@dataclass(frozen=True)
class HostVerdict:
    """One row of `flexvpn validate`."""

    host: str
    release: Release
    lint_errors: int
    lint_warnings: int
    yang_errors: int
    messages: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.lint_errors == 0 and self.yang_errors == 0


def check_host(name: str, host: HostIntent, release: Release) -> HostVerdict:
    """Lint + build + YANG validation of one host for one release (placeholder secrets)."""
    from nornir_flexvpn.intent.lint import lint
    from nornir_flexvpn.payload.build import build_payload
    from nornir_flexvpn.payload.redacted import PlaceholderSecrets
    from nornir_flexvpn.schema import validate_config

    findings = lint(host.intent, release)
    errors = [f for f in findings if f.severity == "error"]
    messages = [str(f) for f in findings]
    yang_errors = 0
    try:
        payload = build_payload(host.intent, release, PlaceholderSecrets())
    except FlexVpnError as exc:
        yang_errors += 1
        messages.append(f"build: {exc}")
    else:
        issues = validate_config(release, payload.config)
        yang_errors += len(issues)
        messages += [f"yang: {issue}" for issue in issues]
    return HostVerdict(
        host=name,
        release=release,
        lint_errors=len(errors),
        lint_warnings=len(findings) - len(errors),
        yang_errors=yang_errors,
        messages=tuple(messages),
    )


def validate(
    inventory: InventoryOption = Path("inventory/seed"),
    release: ReleaseOverride = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print every finding, not only errors.")
    ] = False,
) -> None:
    """Lint, build and YANG-validate every host of the inventory; exit 1 on any error."""
    from rich.console import Console
    from rich.table import Table

    from nornir_flexvpn.intent.loader import load_hosts

    verdicts = [
        check_host(name, host, _release(host, release))
        for name, host in load_hosts(inventory).items()
    ]
    table = Table(title=f"flexvpn validate {inventory}")
    for column in ("host", "release", "lint errors", "warnings", "yang errors", "status"):
        table.add_column(column)
    for v in verdicts:
        status = "[green]ok[/green]" if v.ok else "[red]FAIL[/red]"
        table.add_row(
            v.host,
            v.release.value,
            str(v.lint_errors),
            str(v.lint_warnings),
            str(v.yang_errors),
            status,
        )
    console = Console()
    console.print(table)
    for v in verdicts:
        shown = [m for m in v.messages if verbose or not m.startswith("warning")]
        for message in shown:
            console.print(f"{v.host} [{v.release.value}] {message}", markup=False)
    if not all(v.ok for v in verdicts):
        raise typer.Exit(1)


def goldens(
    inventory: InventoryOption = Path("inventory/seed"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder of the goldens.")] = Path(
        "payloads"
    ),
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help="Also regenerate <case>.<release>.xml beside each case YAML."),
    ] = None,
) -> None:
    """Regenerate payloads/<release>/<host>.xml and .cli.txt for every host and release."""
    from nornir_flexvpn.intent.loader import load_hosts
    from nornir_flexvpn.payload.goldens import write_case_goldens, write_goldens

    intents = {name: host.intent for name, host in load_hosts(inventory).items()}
    written = write_goldens(intents, out)
    if cases is not None:
        written += write_case_goldens(cases)
    typer.echo(f"wrote {len(written)} files under {out}", err=True)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("render")(render)
    app.command("validate")(validate)
    app.command("goldens")(goldens)
