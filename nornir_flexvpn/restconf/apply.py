"""Apply one headend's intent over RESTCONF, only where that is safe.

RESTCONF has no candidate, no lock and no confirmed commit, so the change is
one atomic plain PATCH (merge) of the planned edit on running, between a
cisco-ia checkpoint and, on any failure after it, a cisco-ia rollback (both
reached as RESTCONF operations). It is refused before anything is sent when:
- the intent turns off `ip http secure-server`, the HTTPS server RESTCONF
  itself runs on (the change would cut its own session mid-way);
- the plan must replace owned objects that drifted (a merge cannot express
  that): NETCONF's edit-config can.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from nornir_flexvpn.deploy.planner import HostPlan, converged, plan_payload
from nornir_flexvpn.errors import CheckError, FlexVpnError, RefusedError, RollbackError, RpcError
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.secrets import ResolvedSecrets
from nornir_flexvpn.namespaces import HTTP, NATIVE, NC, qn
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.restconf import codec
from nornir_flexvpn.restconf.client import RestconfClient
from nornir_flexvpn.restconf.reader import RestconfReader

Gate = Callable[[RestconfReader, Payload], None]
"""Extra post-change check; raise CheckError to roll back."""

SECURE_SERVER_FIELD: Final = "http_secure_server"
_OPERATION: Final = qn(NC, "operation")
# "Checkpoint successful: bootflash:/ia-checkpoint-1" (a URL: scheme, colon, path)
_URL: Final = re.compile(r"\b([a-z][a-z0-9-]*:/?[^\s'\"]+)")


@dataclass
class RestconfApplyOutcome:
    host: str
    plan: HostPlan | None
    dry_run: bool = False
    applied: bool = False
    rolled_back: bool = False
    rollback_outcome: str | None = None
    checkpoint_url: str | None = None
    saved: bool = False
    phases: list[tuple[str, float]] = field(default_factory=list)
    error: FlexVpnError | None = None

    @property
    def changed(self) -> bool:
        if self.plan is None or not self.plan.changed:
            return False
        return self.dry_run or (self.applied and not self.rolled_back)

    @property
    def failed(self) -> bool:
        return self.error is not None

    def as_dict(self) -> dict[str, object]:
        return {
            "host": self.host,
            "transport": "restconf",
            "changed": self.changed,
            "failed": self.failed,
            "dry_run": self.dry_run,
            "plan": self.plan.as_dict() if self.plan else None,
            "applied": self.applied,
            "rolled_back": self.rolled_back,
            "rollback_outcome": self.rollback_outcome,
            "checkpoint_url": self.checkpoint_url,
            "saved": self.saved,
            "phases": [{"name": n, "ms": round(s * 1000, 1)} for n, s in self.phases],
            "error": str(self.error) if self.error else None,
        }


def refuse_self_lockout(host: str, payload: Payload) -> None:
    """RefusedError when the payload turns off the HTTPS server RESTCONF runs on."""
    leaf = payload.config.find(
        f".//{qn(NATIVE, 'ip')}/{qn(HTTP, 'http')}/{qn(HTTP, 'secure-server')}"
    )
    if leaf is not None and (leaf.text or "").strip() == "false":
        raise RefusedError(
            f"{host}: the intent turns off the HTTPS server (`no ip http secure-server`, "
            f"{SECURE_SERVER_FIELD}: false), which is what RESTCONF runs on: applying it over "
            "RESTCONF would cut this session in the middle of the change. Apply over NETCONF "
            f"(`flexvpn deploy`), or keep the server on ({SECURE_SERVER_FIELD}: true)",
            path=f"{host}.data.flexvpn.{SECURE_SERVER_FIELD}",
        )


def _refuse_replace(host: str, plan: HostPlan) -> None:
    if plan.edit is None:
        return
    replaced = [c.path for c in plan.changes if c.action.value == "replace"]
    if replaced or any(n.get(_OPERATION) for n in plan.edit.iter() if isinstance(n.tag, str)):
        shown = ", ".join(replaced[:3]) or "owned objects"
        raise RefusedError(
            f"{host}: {shown} drifted and must be replaced whole, which a RESTCONF merge "
            "cannot express; apply over NETCONF (`flexvpn deploy`)",
            path=f"{host}.plan",
        )


def apply_host(
    client: RestconfClient,
    host: HostIntent,
    secrets: ResolvedSecrets,
    *,
    dry_run: bool = False,
    save_config: bool = True,
    gate: Gate | None = None,
) -> RestconfApplyOutcome:
    """Plan over RESTCONF, then (unless dry-run or converged) checkpoint, PATCH,
    read back (and `gate`), roll back on any failure after the checkpoint."""
    payload = build_payload(host.intent, host.release, secrets)
    refuse_self_lockout(host.name, payload)
    reader = RestconfReader(client, host.release)
    plan = plan_payload(reader, host.name, payload, secrets)
    outcome = RestconfApplyOutcome(host=host.name, plan=plan, dry_run=dry_run)
    if dry_run or not plan.changed:
        return outcome
    _refuse_replace(host.name, plan)

    def phase(name: str, started: float) -> None:
        outcome.phases.append((name, time.perf_counter() - started))

    started = time.perf_counter()
    reply = client.invoke("cisco-ia", "checkpoint") or {}
    text = str(reply.get("cisco-ia:output", {}).get("result", ""))
    match = _URL.search(text)
    if match is None:
        raise RpcError(
            f"cisco-ia checkpoint on {host.name} gave no archive URL (result: {text!r})",
            tag="operation-failed",
        )
    outcome.checkpoint_url = match.group(1)
    phase("checkpoint", started)
    try:
        if plan.edit is not None:
            started = time.perf_counter()
            roots = [c for c in plan.edit if isinstance(c.tag, str)]
            client.patch_data(codec.roots_to_json(host.release, roots))
            outcome.applied = True
            phase("patch", started)
        if plan.cli_items:
            started = time.perf_counter()
            lines = "\n".join(item.text for item in plan.cli_items) + "\nend"
            client.invoke("Cisco-IOS-XE-cli-rpc", "config-ios-cli-rpc", {"config-clis": lines})
            outcome.applied = True
            phase("cli-rpc", started)
        started = time.perf_counter()
        if not converged(reader, payload, secrets):
            raise CheckError(
                "config readback: running does not hold the intended managed objects after PATCH"
            )
        if gate is not None:
            gate(reader, payload)
        phase("post-checks", started)
    except FlexVpnError as exc:
        outcome.error = exc
        _roll_back(client, outcome)
        return outcome
    if save_config:
        started = time.perf_counter()
        try:
            client.invoke("cisco-ia", "save-config")
            outcome.saved = True
        except FlexVpnError as exc:
            outcome.error = exc
        phase("save-config", started)
    return outcome


def _roll_back(client: RestconfClient, outcome: RestconfApplyOutcome) -> None:
    url = outcome.checkpoint_url
    if url is None:
        outcome.rollback_outcome = "no checkpoint: nothing to roll back to"
        return
    started = time.perf_counter()
    try:
        reply = client.invoke(
            "cisco-ia", "rollback", {"target-url": url, "revert-on-error": [None]}
        )
        result = (reply or {}).get("cisco-ia:output", {}).get("result")
        outcome.rollback_outcome = str(result or "rolled back")
        outcome.rolled_back = True
    except FlexVpnError as exc:
        outcome.rollback_outcome = f"FAILED: {exc}"
        outcome.error = RollbackError(
            f"{outcome.host}: rollback to {url} failed; the headend needs a human: {exc}"
        )
    outcome.phases.append(("rollback", time.perf_counter() - started))
