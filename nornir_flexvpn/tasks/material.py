"""What `deploy_flexvpn` runs around its transaction for the headend's files:
the PKCS12 trustpoint and the AnyConnect client profile (see files.material)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nornir.core.task import Task

from nornir_flexvpn.cli_channel.napalm_channel import NapalmCliChannel
from nornir_flexvpn.cli_channel.nornir_host import napalm_channel
from nornir_flexvpn.files.material import MaterialReport, deliver_material, rebind
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.transaction import Reconnect, TransactionOptions
from nornir_flexvpn.pki.cli_import import CliPki
from nornir_flexvpn.pki.importer import PkiCli, needs_cli


@dataclass
class MaterialStep:
    """`pre_transaction` for deploy_host, remembering its report for `after`."""

    host: HostIntent
    secrets: ResolvedSecrets
    # The CLI import path (16.9.1, opted in with pki_via_cli): see files.material.
    pki_cli: PkiCli | None = None
    report: MaterialReport | None = field(default=None, init=False)

    def __call__(self, conn: NetconfConnection) -> list[str]:
        self.report = deliver_material(conn, self.host, self.secrets, pki_cli=self.pki_cli)
        return self.report.notes()

    def after(
        self,
        conn: NetconfConnection,
        *,
        options: TransactionOptions | None,
        reconnect: Reconnect | None,
    ) -> list[str]:
        """Re-bind profiles whose file changed under an existing binding; notes."""
        if self.report is None or not self.report.rebind:
            return []
        result = rebind(conn, self.host, self.report, options=options, reconnect=reconnect)
        if result is None:
            return []
        if result.ok:
            return [f"re-bound anyconnect profile(s) {', '.join(self.report.rebind)}"]
        return [f"re-binding anyconnect profile(s) failed: {result.error}"]


def pki_channel(
    task: Task,
    host: HostIntent,
    secrets: ResolvedSecrets,
    pki_via_cli: bool,
    existing: NapalmCliChannel | None = None,
) -> NapalmCliChannel | None:
    """The CLI channel the import needs (opted in, no import RPC, a bundle to import),
    `existing` when the deploy has one already; it connects on first use."""
    trustpoint = host.intent.trustpoint
    if not pki_via_cli or not needs_cli(host.release):
        return None
    if trustpoint is None or trustpoint.pkcs12_source is None:
        return None
    return existing if existing is not None else napalm_channel(task, secrets)


def pki_cli(channel: NapalmCliChannel | None) -> PkiCli | None:
    return CliPki.over(channel) if channel is not None else None
