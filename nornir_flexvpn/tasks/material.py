"""What `deploy_flexvpn` runs around its transaction for the headend's files:
the PKCS12 trustpoint and the AnyConnect client profile (see files.material)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nornir_flexvpn.files.material import MaterialReport, deliver_material, rebind
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.transaction import Reconnect, TransactionOptions


@dataclass
class MaterialStep:
    """`pre_transaction` for deploy_host, remembering its report for `after`."""

    host: HostIntent
    secrets: ResolvedSecrets
    report: MaterialReport | None = field(default=None, init=False)

    def __call__(self, conn: NetconfConnection) -> list[str]:
        self.report = deliver_material(conn, self.host, self.secrets)
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
