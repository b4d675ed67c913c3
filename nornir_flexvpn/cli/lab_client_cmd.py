"""`flexvpn lab client`: a simulated AnyConnect client against a running lab.

Reaches the `flexvpn lab up` process through its control socket beside the
inventory. Exit 0 when connected (the assigned address is printed) or
disconnected, 1 with the headend's reason otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nornir_flexvpn.cli.lab_cmd import lab_app

DEFAULT_PUBLIC_IP = "203.0.113.10"


def register(app: typer.Typer) -> None:
    """Add `client` to the `lab` sub-app (the root `app` already holds it)."""
    lab_app.command("client")(client)


def client(
    inventory: Annotated[
        Path, typer.Option("--inventory", help="The running lab's inventory directory.")
    ],
    host: Annotated[str, typer.Option("--host", help="Headend name (hosts.yaml).")],
    user: Annotated[str, typer.Option("--user", help="AnyConnect user name.")],
    password: Annotated[
        str, typer.Option("--password", help="The user's password (never printed).")
    ] = "",
    public_ip: Annotated[
        str,
        typer.Option("--public-ip", help="The client's public address (default 203.0.113.10)."),
    ] = "",
    disconnect: Annotated[
        bool, typer.Option("--disconnect", help="Tear the user's session down instead.")
    ] = False,
) -> None:
    """Connect (or --disconnect) one AnyConnect-EAP client, as the document's flow does."""
    from nornir_flexvpn.errors import LabError
    from nornir_flexvpn.lab.control_client import control_request, control_socket

    request: dict[str, str] = {"op": "disconnect" if disconnect else "connect", "host": host}
    request["user"] = user
    if public_ip or not disconnect:
        request["public_ip"] = public_ip or DEFAULT_PUBLIC_IP
    if not disconnect:
        request["password"] = password
    try:
        reply = control_request(control_socket(inventory), request)
    except LabError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    if not reply.get("ok"):
        typer.secho(str(reply.get("reason", "refused")), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    if disconnect:
        for gone in reply.get("disconnected", []):
            typer.echo(f"disconnected {gone['user']} {gone['address']} ({gone['interface']})")
        return
    typer.echo(
        f"connected {reply['user']} {reply['address']} on {host} {reply['interface']} "
        f"({reply['proposal']})"
    )
