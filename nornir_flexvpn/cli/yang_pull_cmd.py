"""`flexvpn yang pull`: a device's own modules, for validating against what it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nornir_flexvpn.cli.yang_cmd import yang_app


def register(app: typer.Typer) -> None:
    """`pull` lives on the `yang` sub-app (registered by yang_cmd)."""


@yang_app.command("pull")
def pull(
    inventory: Annotated[Path, typer.Option("--inventory", "-i", help="Nornir inventory folder.")],
    host: Annotated[str, typer.Option("--host", "-H", help="The headend to read.")],
    out: Annotated[
        Path, typer.Option("--out", help="Models folder to write (use as FLEXVPN_YANG_DIR).")
    ] = Path("device-yang"),
) -> None:
    """Fetch the headend's modules with <get-schema> into OUT/<release>/."""
    from nornir_flexvpn.cli.fleet import open_nornir, select
    from nornir_flexvpn.intent.loader import intent_from_host
    from nornir_flexvpn.netconf.connection import NetconfConnection
    from nornir_flexvpn.netconf.plugin import CONNECTION_NAME
    from nornir_flexvpn.netconf.schema_pull import pull_modules

    nr = select(open_nornir(inventory), [host], [])
    nornir_host = nr.inventory.hosts[host]
    release = intent_from_host(nornir_host, inventory_dir=inventory).release
    conn = nornir_host.get_connection(CONNECTION_NAME, nr.config)
    assert isinstance(conn, NetconfConnection)
    try:
        written = pull_modules(conn, release, out)
    finally:
        nr.close_connections()
    Console().print(
        f"{len(written)} modules from {host} ({release.value}) in {out / release.dirname}"
    )
