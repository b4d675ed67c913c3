"""`flexvpn lab fault`: script a failure on a running lab headend.

Reaches the `flexvpn lab up` process through its control socket beside the
inventory (`lab.control`, op `fault`). Examples:

    flexvpn lab fault --inventory lab/ --host lab1 latency --ms 800
    flexvpn lab fault --inventory lab/ --host lab1 lock --release-after 30
    flexvpn lab fault --inventory lab/ --host lab1 drop --rpc commit --when after
    flexvpn lab fault --inventory lab/ --host lab1 busy --rpc edit-config --count 2
    flexvpn lab fault --inventory lab/ --host lab1 reboot --ms 5000
    flexvpn lab fault --inventory lab/ --host lab1 --clear

Exit 0 when the lab accepted it, 1 with the lab's reason otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from nornir_flexvpn.cli.lab_cmd import lab_app

KINDS = (
    "latency",
    "drop",
    "commit-failure",
    "validate-failure",
    "slow-commit",
    "busy",
    "lock",
    "reboot",
)


def register(app: typer.Typer) -> None:
    """Add `fault` to the `lab` sub-app (the root `app` already holds it)."""
    lab_app.command("fault")(fault)


def fault(
    inventory: Annotated[
        Path, typer.Option("--inventory", help="The running lab's inventory directory.")
    ],
    host: Annotated[str, typer.Option("--host", help="Headend name (hosts.yaml).")],
    kind: Annotated[
        str | None, typer.Argument(help=f"One of: {', '.join(KINDS)}.", show_default=False)
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Disarm faults (all, or only KIND) and free locks.")
    ] = False,
    show: Annotated[bool, typer.Option("--list", help="Show what is armed.")] = False,
    ms: Annotated[
        int, typer.Option("--ms", min=0, help="latency / slow-commit delay; reboot downtime.")
    ] = 0,
    rpc: Annotated[
        str | None, typer.Option("--rpc", help="Operation it applies to (default: per kind).")
    ] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", min=0, help="How many times it fires; 0: until cleared."),
    ] = None,
    when: Annotated[str, typer.Option("--when", help="drop: before or after the RPC.")] = "before",
    tag: Annotated[str, typer.Option("--tag", help="busy: in-use or resource-denied.")] = "in-use",
    message: Annotated[
        str | None, typer.Option("--message", help="commit/validate failure text.")
    ] = None,
    store: Annotated[str, typer.Option("--store", help="lock: the datastore.")] = "running",
    holder: Annotated[
        str, typer.Option("--holder", help="lock: system (yang_mgmt_infra) or session.")
    ] = "system",
    session_id: Annotated[
        int | None, typer.Option("--session-id", help="lock: the holder's session-id.")
    ] = None,
    release_after: Annotated[
        float | None, typer.Option("--release-after", help="lock: free it after N seconds.")
    ] = None,
) -> None:
    """Arm a fault on one headend of a running lab (or --clear / --list)."""
    from nornir_flexvpn.errors import LabError
    from nornir_flexvpn.lab.control_client import control_request, control_socket

    request: dict[str, Any] = {"op": "fault", "host": host}
    if clear:
        request["clear"] = True
        if kind is not None:
            request["kind"] = kind
    elif show:
        request["list"] = True
    else:
        if kind is None:
            typer.secho(f"error: give a KIND ({', '.join(KINDS)}), --clear or --list", err=True)
            raise typer.Exit(2)
        request["fault"] = _spec(
            kind,
            ms=ms,
            rpc=rpc,
            count=count,
            when=when,
            tag=tag,
            message=message,
            store=store,
            holder=holder,
            session_id=session_id,
            release_after=release_after,
        )
    try:
        reply = control_request(control_socket(inventory), request)
    except LabError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    if not reply.get("ok"):
        typer.secho(str(reply.get("reason", "refused")), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    _print(host, reply)


def _spec(kind: str, *, ms: int, count: int | None, **options: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"kind": kind}
    if kind in ("latency", "slow-commit", "reboot"):
        spec["delay_ms"] = ms
    if count is not None:
        spec["count"] = count or None
    for key in ("rpc", "message", "session_id", "release_after"):
        if options[key] is not None:
            spec[key] = options[key]
    if kind == "drop":
        spec["when"] = options["when"]
    if kind == "busy":
        spec["tag"] = options["tag"]
    if kind == "lock":
        spec["store"] = options["store"]
        spec["holder"] = options["holder"]
    return spec


def _print(host: str, reply: dict[str, Any]) -> None:
    if "armed" in reply:
        armed = reply["armed"]
        typer.echo(f"{host}: armed {armed['kind']}")
    if "cleared" in reply:
        typer.echo(f"{host}: cleared {reply['cleared']}")
    for item in reply.get("faults", []):
        times = "until cleared" if item["count"] is None else f"x{item['count']}"
        typer.echo(f"  {item['kind']} rpc={item['rpc'] or '*'} {times}")
    for store, sid in reply.get("locks", {}).items():
        typer.echo(f"  lock {store} held by session {sid}")
    if reply.get("reboots"):
        typer.echo(f"  reboots: {reply['reboots']}")
