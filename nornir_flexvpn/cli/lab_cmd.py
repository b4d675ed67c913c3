"""`flexvpn lab up`: simulated headends on 127.0.0.1 plus a Nornir inventory for them."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from nornir_flexvpn.releases import DEFAULT_RELEASE, Release

if TYPE_CHECKING:
    from nornir_flexvpn.lab.restconf_server import RestconfEndpoint

lab_app = typer.Typer(help="The simulated IOS-XE headend lab (NETCONF over SSH on 127.0.0.1).")


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(lab_app, name="lab")


@lab_app.command("up")
def up(
    inventory_out: Annotated[
        Path,
        typer.Option(
            "--inventory-out", help="Directory for the Nornir inventory and the lab's state."
        ),
    ],
    headends: Annotated[int, typer.Option("--headends", min=1, max=1000)] = 1,
    release: Annotated[str, typer.Option("--release", help="IOS-XE release.")] = (
        DEFAULT_RELEASE.value
    ),
    platform: Annotated[
        str, typer.Option("--platform", help="Default: csr1k up to 17.3.1, c8000v after.")
    ] = "",
    candidate: Annotated[
        bool, typer.Option("--candidate", help="Enable the candidate datastore.")
    ] = False,
    confirmed_commit: Annotated[
        bool,
        typer.Option(
            "--confirmed-commit", help="Advertise :confirmed-commit:1.1 (standards mode)."
        ),
    ] = False,
    base_port: Annotated[
        int, typer.Option("--base-port", min=0, max=65535, help="0: ephemeral ports.")
    ] = 0,
    restconf: Annotated[
        bool,
        typer.Option(
            "--restconf",
            help="Also serve RESTCONF over HTTPS per headend (lab CA written beside the inventory).",
        ),
    ] = False,
    name_prefix: Annotated[str, typer.Option("--name-prefix", help="Hosts <prefix>1..N.")] = "lab",
    stub_device: Annotated[
        bool, typer.Option("--stub-device", hidden=True, help="Transport-only device.")
    ] = False,
) -> None:
    """Start headends and write hosts/groups/defaults.yaml; runs until Ctrl-C."""
    from nornir_flexvpn.lab.control import start_control
    from nornir_flexvpn.lab.control_client import control_socket
    from nornir_flexvpn.lab.identity import HeadendIdentity, hello_capabilities
    from nornir_flexvpn.lab.inventory import write_inventory
    from nornir_flexvpn.lab.server import LabServer
    from nornir_flexvpn.lab.stub import StubDevice

    rel = Release.parse(release)
    identities = [
        HeadendIdentity(
            f"{name_prefix}{i}",
            rel,
            platform,
            candidate=candidate,
            confirmed_commit=confirmed_commit,
        )
        for i in range(1, headends + 1)
    ]
    hello_capabilities(identities[0])  # an unknown platform fails before anything starts
    server = LabServer(inventory_out, device_factory=StubDevice.create if stub_device else None)
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with server.run_in_thread() as lab:
            started = lab.start(identities, base_port=base_port or None)
            write_inventory(server, inventory_out, started)
            endpoints: dict[str, RestconfEndpoint] = {}
            if restconf:
                from nornir_flexvpn.lab.restconf_lab import start_restconf, write_restconf_inventory

                endpoints = {h.name: start_restconf(server, h) for h in started}
                write_restconf_inventory(server, inventory_out, endpoints)
            # `flexvpn lab client` (and later `lab fault`) reach this process here.
            control = start_control(server.headends, control_socket(inventory_out))
            for h in started:
                extra = f"  restconf https://127.0.0.1:{endpoints[h.name].port}" if restconf else ""
                typer.echo(
                    f"{h.name}  127.0.0.1:{h.port}  {rel.value} {h.identity.platform}{extra}"
                )
            typer.echo(
                f"lab up: {len(started)} headend(s); inventory in {inventory_out} "
                f"(user {server.username}, password in {server.password_file}). Ctrl-C stops."
            )
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
            typer.echo("lab: stopping")
            control.close()
            for endpoint in endpoints.values():
                endpoint.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
