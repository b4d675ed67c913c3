"""`flexvpn`: the command line. Each concern registers its own commands."""

from __future__ import annotations

import sys

import typer

from nornir_flexvpn.cli import (
    demo_cmd,
    deploy_cmd,
    intent_cmd,
    lab_client_cmd,
    lab_cmd,
    lab_fault_cmd,
    pki_cmd,
    profile_cmd,
    reconcile_cmd,
    render_cmd,
    rollout_cmd,
    verify_cmd,
    yang_cmd,
    yang_pull_cmd,
)
from nornir_flexvpn.errors import FlexVpnError

app = typer.Typer(
    name="flexvpn",
    help="Declarative, transactional FlexVPN AnyConnect-EAP headends on Cisco IOS-XE.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

render_cmd.register(app)
yang_cmd.register(app)
lab_cmd.register(app)
lab_client_cmd.register(app)
lab_fault_cmd.register(app)
demo_cmd.register(app)
intent_cmd.register(app)
deploy_cmd.register(app)
yang_pull_cmd.register(app)
profile_cmd.register(app)
pki_cmd.register(app)
rollout_cmd.register(app)
reconcile_cmd.register(app)
verify_cmd.register(app)


@app.command()
def version() -> None:
    """Print the package version."""
    from nornir_flexvpn import __version__

    typer.echo(__version__)


def main() -> None:
    try:
        app()
    except FlexVpnError as exc:
        # Errors we raise on purpose are messages, not tracebacks.
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
