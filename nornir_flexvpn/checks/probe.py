"""The synthetic probe: a test user authenticates and gets an address from the pool.

A `Prober` connects one client and tears it down again; the lab provides
two (in-process on a `LabDevice`, or through a running lab's control
socket). Real headends get one from whoever can drive a client there; the
check itself only judges the outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from nornir_flexvpn.checks.config_read import RunningFacts
from nornir_flexvpn.checks.results import CheckResult, Severity, Status
from nornir_flexvpn.errors import FlexVpnError, IntentError
from nornir_flexvpn.intent.models import FlexVpnIntent

if TYPE_CHECKING:
    from nornir_flexvpn.lab.clients import ClientSession

log = logging.getLogger(__name__)

# TEST-NET-3 address the probe claims to come from, so it is told apart from users.
PROBE_PUBLIC_IP = "203.0.113.254"


@dataclass(frozen=True)
class ProbeOutcome:
    ok: bool
    reason: str
    address: str | None = None
    interface: str | None = None


class Prober(Protocol):
    def __call__(self, user: str, password: str) -> ProbeOutcome: ...


class LabDeviceProber:
    """Connect a simulated AnyConnect client on an in-process lab device, then disconnect it."""

    def __init__(self, device: Any) -> None:
        self.device = device

    def __call__(self, user: str, password: str) -> ProbeOutcome:
        from nornir_flexvpn.errors import ClientRejected
        from nornir_flexvpn.lab.clients import connect_client, disconnect_client

        try:
            session: ClientSession = connect_client(self.device, user, password, PROBE_PUBLIC_IP)
        except ClientRejected as rejected:
            return ProbeOutcome(False, rejected.reason)
        try:
            return ProbeOutcome(True, "connected", session.assigned_ip, session.interface)
        finally:
            disconnect_client(self.device, session_id=session.session_id)


class LabControlProber:
    """The same through `flexvpn lab up`'s control socket (another process)."""

    def __init__(self, socket_path: Path, host: str) -> None:
        self.socket_path = socket_path
        self.host = host

    def __call__(self, user: str, password: str) -> ProbeOutcome:
        from nornir_flexvpn.lab.control_client import control_request

        reply = control_request(
            self.socket_path,
            {
                "op": "connect",
                "host": self.host,
                "user": user,
                "password": password,
                "public_ip": PROBE_PUBLIC_IP,
            },
        )
        if not reply.get("ok"):
            return ProbeOutcome(False, str(reply.get("reason", "refused")))
        try:
            return ProbeOutcome(
                True, "connected", str(reply.get("address")), str(reply.get("interface"))
            )
        finally:
            control_request(
                self.socket_path,
                {"op": "disconnect", "host": self.host, "user": user, "public_ip": PROBE_PUBLIC_IP},
            )


def probe_user(intent: FlexVpnIntent, wanted: str | None) -> str:
    names = [u.name for u in intent.aaa.users]
    if wanted is not None:
        if wanted not in names:
            raise IntentError(
                f"probe user {wanted!r} is not a local user of the intent", path="probe_user"
            )
        return wanted
    if not names:
        raise IntentError("the intent has no local user to probe with", path="aaa.users")
    return names[0]


def check_probe(
    prober: Prober, user: str, password: str, intent: FlexVpnIntent, running: RunningFacts
) -> CheckResult:
    """Run the probe; it passes when the user got an address from an intended pool."""
    cid, sev = "probe", Severity.CRITICAL
    try:
        outcome = prober(user, password)
    except FlexVpnError as exc:
        return CheckResult(cid, sev, Status.FAIL, f"probe could not run: {exc}")
    if not outcome.ok:
        return CheckResult(cid, sev, Status.FAIL, f"probe user {user} refused: {outcome.reason}")
    pools = [running.pools[p.name] for p in intent.pools if p.name in running.pools]
    pool = next((p for p in pools if p.holds(outcome.address)), None)
    if pool is None:
        return CheckResult(
            cid,
            sev,
            Status.FAIL,
            f"probe user {user} got {outcome.address}, outside every intended pool",
        )
    return CheckResult(
        cid,
        sev,
        Status.PASS,
        f"probe user {user} authenticated and got {outcome.address} from {pool.name} "
        f"on {outcome.interface}",
    )
