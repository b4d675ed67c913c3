"""Deploy or remove one headend's intent: plan, then one safe transaction.

The plan decides whether anything is sent at all: a converged headend gets
no lock, no edit and no commit. The default commit gate reads the managed
objects back and fails when running does not hold the intent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.deploy.planner import HostPlan, converged, plan_host, read_and_diff
from nornir_flexvpn.errors import CheckError, FlexVpnError
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.transaction import (
    CliChannel,
    Gate,
    Reconnect,
    Transaction,
    TransactionOptions,
    TransactionResult,
)
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.plan.edit import build_removal
from nornir_flexvpn.schema.index import SchemaIndex

if TYPE_CHECKING:
    from nornir_flexvpn.files.material import MaterialReport

ExtraGate = Callable[[NetconfConnection, Payload], None]
PreChange = Callable[[NetconfConnection, HostPlan], None]
# Runs after the plan and before the transaction (not on dry runs); returns notes.
PreTransaction = Callable[[NetconfConnection], list[str]]


@dataclass
class DeployOutcome:
    host: str
    plan: HostPlan | None
    transaction: TransactionResult | None = None
    dry_run: bool = False
    error: FlexVpnError | None = None
    notes: list[str] = field(default_factory=list)
    # With `deploy_host(hold=True)`: the transaction left pending for `confirm()`/`roll_back()`.
    held: Transaction | None = field(default=None, repr=False)
    # Set by the deploy task: files delivered / trustpoint imported before the transaction.
    material: MaterialReport | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        if self.material is not None and self.material.changed:
            return True
        if self.plan is None or not self.plan.changed:
            return False
        if self.dry_run:
            return True
        return self.transaction is not None and self.transaction.committed

    @property
    def failed(self) -> bool:
        if self.error is not None:
            return True
        return self.transaction is not None and not self.transaction.ok

    @property
    def diff(self) -> str:
        return "\n".join(self.plan.cli_diff) if self.plan is not None else ""

    def as_dict(self) -> dict[str, object]:
        error = self.error or (self.transaction.error if self.transaction else None)
        return {
            "host": self.host,
            "changed": self.changed,
            "failed": self.failed,
            "dry_run": self.dry_run,
            "plan": self.plan.as_dict() if self.plan else None,
            "transaction": self.transaction.as_dict() if self.transaction else None,
            "error": str(error) if error else None,
            "notes": list(self.notes),
            "material": self.material.as_dict() if self.material else None,
        }


def readback_gate(payload: Payload, secrets: ResolvedSecrets) -> Gate:
    """Config readback: running holds exactly the intended managed objects."""

    def gate(conn: NetconfConnection) -> None:
        if not converged(conn, payload, secrets):
            raise CheckError(
                "config readback: running does not hold the intended managed objects after commit"
            )

    return gate


def deploy_host(
    conn: NetconfConnection,
    host: HostIntent,
    secrets: ResolvedSecrets,
    *,
    options: TransactionOptions | None = None,
    dry_run: bool = False,
    reconnect: Reconnect | None = None,
    extra_gate: ExtraGate | None = None,
    resend_cli: bool = False,
    cli_channel: CliChannel | None = None,
    cli_running: Callable[[], str] | None = None,
    hold: bool = False,
    pre_transaction: PreTransaction | None = None,
    pre_change: PreChange | None = None,
) -> DeployOutcome:
    """`cli_channel`/`cli_running`: another channel for (and reader of) the
    lines no model carries, for releases without Cisco-IOS-XE-cli-rpc.
    `hold`: phase one of a two-phase commit (`Transaction.commit_held`); a
    committed, gated change is left pending in `outcome.held`."""
    plan = plan_host(conn, host, secrets, resend_cli=resend_cli, cli_running=cli_running)
    outcome = DeployOutcome(host=host.name, plan=plan, dry_run=dry_run)
    if pre_transaction is not None and not dry_run:
        # Files the configuration needs (PKCS12, AnyConnect profile): a failure
        # here stops the deploy before any configuration is touched.
        try:
            outcome.notes.extend(pre_transaction(conn))
        except FlexVpnError as exc:
            outcome.error = exc
            return outcome
    if dry_run or not plan.changed:
        return outcome
    if pre_change is not None:
        # Post-checks take their "before" snapshot (e.g. active sessions) here.
        pre_change(conn, plan)
    readback = readback_gate(plan.payload, secrets)

    def gate(c: NetconfConnection) -> None:
        readback(c)
        if extra_gate is not None:
            extra_gate(c, plan.payload)

    tx = Transaction(
        conn,
        edit=plan.edit,
        cli_items=plan.cli_items,
        options=options,
        gate=gate,
        converged=lambda c: converged(c, plan.payload, secrets),
        reconnect=reconnect,
        cli_channel=cli_channel,
    )
    if hold:
        outcome.transaction = tx.commit_held()
        outcome.held = tx if tx.held else None
        return outcome
    outcome.transaction = tx.run()
    return outcome


def removal_edit(
    conn: NetconfConnection, payload: Payload, secrets: ResolvedSecrets
) -> etree._Element | None:
    """The edit removing what the intent owns and the device still has."""
    running, _ = read_and_diff(conn, payload, secrets)
    index = SchemaIndex.for_release(payload.release)
    return build_removal(payload.config, index, running)


def remove_host(
    conn: NetconfConnection,
    host: HostIntent,
    secrets: ResolvedSecrets,
    *,
    options: TransactionOptions | None = None,
    dry_run: bool = False,
    reconnect: Reconnect | None = None,
) -> DeployOutcome:
    from nornir_flexvpn.payload.build import build_payload

    payload = build_payload(host.intent, host.release, secrets)
    edit = removal_edit(conn, payload, secrets)
    plan = HostPlan(
        host=host.name,
        release=host.release,
        payload=payload,
        changes=[],
        edit=edit,
        cli_items=[],
        cli_diff=_removal_lines(edit),
    )
    outcome = DeployOutcome(host=host.name, plan=plan, dry_run=dry_run)
    if edit is None:
        plan.cli_diff = []
        return outcome
    outcome.notes.append("removal")
    if dry_run:
        return outcome

    def gate(c: NetconfConnection) -> None:
        if removal_edit(c, payload, secrets) is not None:
            raise CheckError("removal readback: managed objects are still present")

    tx = Transaction(conn, edit=edit, options=options, gate=gate, reconnect=reconnect)
    outcome.transaction = tx.run()
    return outcome


def _removal_lines(edit: etree._Element | None) -> list[str]:
    if edit is None:
        return []
    lines = []
    for node in edit.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get(qn(NC, "operation")) == "remove":
            keys = " ".join((c.text or "").strip() for c in node if isinstance(c.tag, str))
            lines.append(f"- {etree.QName(node).localname} {keys}".rstrip())
    return lines
