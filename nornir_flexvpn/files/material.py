"""What must be on the headend before its configuration: the trustpoint's
certificate (step 2) and the AnyConnect client profile file (step 6).

`deliver_material` runs before the config transaction; any failure raises
and the deploy stops with the configuration untouched. `rebind` runs after
a successful transaction for profiles whose file changed under a binding
running already had (see `anyconnect.bind`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nornir_flexvpn.anyconnect.bind import bound_profiles, rebind_edit
from nornir_flexvpn.anyconnect.push import ProfilePush, push_profiles
from nornir_flexvpn.files.deliver import Delivery
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.transaction import (
    Reconnect,
    Transaction,
    TransactionOptions,
    TransactionResult,
)
from nornir_flexvpn.pki.importer import (
    PkiCli,
    PkiOutcome,
    install_bundle,
    load_local_bundle,
    needs_cli,
)


@dataclass
class MaterialReport:
    host: str
    profiles: list[ProfilePush] = field(default_factory=list)
    pki: PkiOutcome | None = None
    # Profiles whose file changed under an existing binding: bind them again.
    rebind: list[str] = field(default_factory=list)
    rebound: TransactionResult | None = None

    @property
    def deliveries(self) -> list[Delivery]:
        found = [p.delivery for p in self.profiles]
        if self.pki is not None and self.pki.delivery is not None:
            found.append(self.pki.delivery)
        return found

    @property
    def transferred(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.changed]

    @property
    def changed(self) -> bool:
        imported = self.pki is not None and self.pki.changed
        rebound = self.rebound is not None and self.rebound.committed
        return bool(self.transferred) or imported or rebound

    def notes(self) -> list[str]:
        lines = [str(p) for p in self.profiles]
        if self.pki is not None:
            lines.append(str(self.pki))
            if self.pki.delivery is not None:
                lines.append(f"pkcs12 bundle {self.pki.delivery}")
        if self.rebind:
            lines.append(f"re-binding changed profile file(s): {', '.join(self.rebind)}")
        return lines

    def as_dict(self) -> dict[str, object]:
        return {
            "changed": self.changed,
            "transferred": [d.url for d in self.transferred],
            "imported": self.pki.trustpoint if self.pki and self.pki.changed else None,
            "rebind": list(self.rebind),
            "rebound": self.rebound.committed if self.rebound else None,
            "notes": self.notes(),
        }


def deliver_material(
    conn: NetconfConnection,
    host: HostIntent,
    secrets: ResolvedSecrets,
    *,
    profiles: bool = True,
    pki: bool = True,
    pki_cli: PkiCli | None = None,
) -> MaterialReport:
    """Check the bundle locally, deliver the profiles, then import the trustpoint.

    Order matters for "no config change on failure": everything that can fail
    without touching the device runs first, the profile files (bootflash only)
    next, and the import (which also creates the trustpoint entry) last.

    `pki_cli`: the user enabled the CLI import path; it is used where the
    release has no import RPC (16.9.1), which otherwise refuses."""
    intent = host.intent
    report = MaterialReport(host.name)
    trustpoint = intent.trustpoint if pki else None
    bundle = None
    if trustpoint is not None:
        bundle = load_local_bundle(
            conn.host,
            trustpoint,
            secrets.trustpoint_passphrase(),
            host.release,
            base_dir=host.inventory_dir or Path.cwd(),
            via_cli=pki_cli is not None,
        )
    if profiles and any(p.deliver for p in intent.anyconnect_profiles):
        before = bound_profiles(conn)
        report.profiles = push_profiles(conn, intent, host.release)
        urls = {p.name: p.url for p in intent.anyconnect_profiles}
        report.rebind = [
            p.profile
            for p in report.profiles
            if p.delivery.changed and before.get(p.profile) == urls[p.profile]
        ]
    if trustpoint is not None and bundle is not None:
        report.pki = install_bundle(
            conn,
            trustpoint,
            secrets.trustpoint_passphrase(),
            bundle,
            host.release,
            delivery=intent.file_delivery,
            cli=pki_cli if needs_cli(host.release) else None,
        )
    return report


def rebind(
    conn: NetconfConnection,
    host: HostIntent,
    report: MaterialReport,
    *,
    options: TransactionOptions | None = None,
    reconnect: Reconnect | None = None,
) -> TransactionResult | None:
    """Enter `crypto vpn anyconnect profile` again for `report.rebind` (one transaction)."""
    if not report.rebind:
        return None
    edit = rebind_edit(host.intent, host.release, report.rebind)
    if edit is None:
        return None
    report.rebound = Transaction(conn, edit=edit, options=options, reconnect=reconnect).run()
    return report.rebound
