"""`flexvpn demo`: the main job against the embedded lab, for `make demo`.

1. the seed intent rendered and validated for every supported release;
2. lab headends started (NETCONF over SSH on 127.0.0.1, candidate on);
3. plan, then deploy through Nornir with the device's safety net;
4. an AnyConnect client connecting to a deployed headend;
5. deploy again: nothing to change, nothing sent.
"""

from __future__ import annotations

import tempfile
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
        headends: Annotated[int, typer.Option(min=1, max=50, help="Lab headends to start.")] = 2,
        release: Annotated[str, typer.Option(help="Release of the lab headends.")] = "17.15.1",
    ) -> None:
        """Render the seed for every release, then deploy it to lab headends and connect a client."""
        console = Console()
        render_table(inventory, console)
        deploy_to_lab(Release.parse(release), headends, console)


def render_table(inventory: Path, console: Console) -> None:
    from nornir_flexvpn.intent.lint import lint
    from nornir_flexvpn.intent.loader import load_hosts
    from nornir_flexvpn.intent.secrets import resolve_secrets
    from nornir_flexvpn.payload.build import build_payload
    from nornir_flexvpn.schema.validate import validate_config

    hosts = load_hosts(inventory)
    table = Table(title=f"1. Seed intent from {inventory}: payload per IOS-XE release")
    for column in ("host", "release", "lint", "native nodes", "CLI-channel lines", "YANG"):
        table.add_column(column)
    for host in hosts.values():
        secrets = resolve_secrets(host.intent, base_dir=inventory)
        for release in Release:
            findings = lint(host.intent, release)
            errors = sum(1 for f in findings if f.severity == "error")
            payload = build_payload(host.intent, release, secrets)
            issues = validate_config(release, payload.config)
            table.add_row(
                host.name,
                release.value,
                f"{errors} errors, {len(findings) - errors} warnings",
                str(sum(1 for _ in payload.config.iter()) - 1),
                str(len(payload.cli)),
                "[green]valid[/]" if not issues else f"[red]{len(issues)} errors[/]",
            )
    console.print(table)


def deploy_to_lab(release: Release, count: int, console: Console) -> None:
    from nornir_flexvpn.cli.fleet import open_nornir
    from nornir_flexvpn.lab.fixtures import lab_session
    from nornir_flexvpn.lab.identity import HeadendIdentity
    from nornir_flexvpn.lab.inventory import write_inventory

    with tempfile.TemporaryDirectory(prefix="flexvpn-demo-") as tmp, lab_session(Path(tmp)) as lab:
        headends = [
            lab.add_headend(HeadendIdentity(f"demo{i}", release, candidate=True))
            for i in range(1, count + 1)
        ]
        folder = write_inventory(lab.server, Path(tmp) / "inventory", headends)
        # The trustpoint comes in through the real flow: a lab-CA bundle, delivered
        # over SFTP and imported by the crypto RPC before the config transaction.
        from nornir_flexvpn.pki.lab_bundle import provision_lab_bundle

        bundle = provision_lab_bundle(folder)
        console.rule(f"2. {count} lab headend(s), IOS-XE {release.value}, inventory in {folder}")
        for h in headends:
            console.print(f"  {h.name}  {h.host}:{h.port}  ({h.identity.platform})")
        console.print(f"  trustpoint bundle (lab CA): {bundle.name}, AnyConnect profile generated")

        nr = open_nornir(folder, workers=max(count, 1))
        try:
            _plan_and_deploy(nr, console)
            _connect_client(lab, headends[0], console)
            console.rule("5. deploy again: converged headends get no lock, no edit, no commit")
            _deploy(nr, console)
        finally:
            nr.close_connections(on_good=True, on_failed=True)


def _plan_and_deploy(nr: object, console: Console) -> None:
    from nornir.core import Nornir

    from nornir_flexvpn.tasks import plan_flexvpn

    assert isinstance(nr, Nornir)
    first = sorted(nr.inventory.hosts)[0]
    agg = nr.run(task=plan_flexvpn)
    result = agg[first][0]
    console.rule(f"3. plan for {first} (IOS CLI view of the NETCONF change; secrets masked)")
    console.print(result.diff, markup=False, highlight=False, soft_wrap=True)
    _deploy(nr, console)


def _deploy(nr: object, console: Console) -> None:
    from nornir.core import Nornir

    from nornir_flexvpn.deploy.apply import DeployOutcome
    from nornir_flexvpn.tasks import deploy_flexvpn

    assert isinstance(nr, Nornir)
    agg = nr.run(task=deploy_flexvpn, on_failed=True)
    table = Table(title="deploy")
    for column in ("host", "changed", "strategy", "RPCs", "phases", "result"):
        table.add_column(column)
    for name in sorted(agg):
        outcome = agg[name][0].result
        if not isinstance(outcome, DeployOutcome):
            table.add_row(name, "-", "-", "-", "-", f"[red]{agg[name][0].exception}[/]")
            continue
        tx = outcome.transaction
        phases = " ".join(p.name for p in tx.phases) if tx else "-"
        state = "[red]failed[/]" if outcome.failed else "[green]ok[/]"
        table.add_row(
            name,
            str(outcome.changed),
            tx.strategy.value if tx else "-",
            str(tx.rpc_count) if tx else "0",
            phases,
            state,
        )
    console.print(table)
    for name in sorted(agg):
        material = getattr(agg[name][0].result, "material", None)
        for note in material.notes() if material is not None else []:
            console.print(f"  {name}: {note}", markup=False, highlight=False)


def _connect_client(lab: object, headend: object, console: Console) -> None:
    """An AnyConnect client logs in as the document's user (lab-state feature)."""
    try:
        from nornir_flexvpn.lab.clients import connect_client
    except ImportError:
        console.print("[dim]4. (simulated AnyConnect clients are not available in this build)[/]")
        return
    from nornir_flexvpn.intent.secrets import DEMO_SECRET
    from nornir_flexvpn.lab.server import Headend, ThreadedLab

    assert isinstance(lab, ThreadedLab) and isinstance(headend, Headend)
    device = headend.device
    console.rule(f"4. AnyConnect client 'test' connects to {headend.name}")
    try:
        session = lab.call(lambda: connect_client(device, "test", DEMO_SECRET, "198.51.100.7"))  # type: ignore[arg-type]
    except Exception as exc:
        console.print(f"[red]client failed: {exc}[/]")
        return
    console.print(
        f"  connected: user {session.user} from {session.public_ip} (NAT-T {session.public_port}), "
        f"assigned {session.assigned_ip} from {session.pool}; IKEv2 {session.ike_encryption}/"
        f"{session.ike_integrity}/group {session.dh_group}, profile {session.profile}, "
        f"Virtual-Access{session.virtual_access} from Virtual-Template{session.virtual_template}"
    )
