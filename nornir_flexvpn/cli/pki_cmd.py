"""`flexvpn pki import`: the trustpoint's PKCS12 bundle, delivered and imported."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from nornir_flexvpn.cli.deploy_cmd import (
    FilterOpt,
    HostOpt,
    InventoryOpt,
    JsonOpt,
    PkiViaCliOpt,
)
from nornir_flexvpn.cli.fleet import host_results, open_nornir, run_with_progress, select
from nornir_flexvpn.cli.profile_cmd import material_summary

pki_app = typer.Typer(help="PKI material of a headend (step 2 of the document).")


def register(app: typer.Typer) -> None:
    app.add_typer(pki_app, name="pki")


@pki_app.command("import")
def import_(
    inventory: InventoryOpt,
    host: HostOpt = None,
    filter: FilterOpt = None,
    as_json: JsonOpt = False,
    pki_via_cli: PkiViaCliOpt = False,
) -> None:
    """Check the bundle locally, deliver it, `crypto pki import` it through the crypto
    RPC and confirm through crypto-pki-oper; skipped when the certificate is installed.
    With --pki-via-cli, releases without the RPC (16.9.1) import over the NAPALM CLI
    channel and confirm with `show crypto pki certificates`.
    The passphrase comes from trustpoint.passphrase and is never printed."""
    from nornir_flexvpn.tasks.import_pki import import_pki

    console = Console(stderr=as_json)
    nr = select(open_nornir(inventory), host or [], filter or [])
    agg = run_with_progress(nr, import_pki, "pki import", console, pki_via_cli=pki_via_cli)
    sys.exit(material_summary("pki import", host_results(agg), console, as_json))
