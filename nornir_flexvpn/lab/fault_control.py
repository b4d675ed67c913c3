"""The `fault` operation of the lab's control socket (`lab.control`).

    {"op": "fault", "host": "lab1", "fault": {"kind": "latency", "delay_ms": 500}}
    {"op": "fault", "host": "lab1", "clear": true}                 # every fault
    {"op": "fault", "host": "lab1", "clear": true, "kind": "lock"}
    {"op": "fault", "host": "lab1", "list": true}

Replies carry the armed faults, the locks the plan holds and what fired.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.faults import FAULT_KINDS, Fault, FaultKind, FaultPlan

if TYPE_CHECKING:
    from nornir_flexvpn.lab.control import ControlContext


def plan_of(device: object) -> FaultPlan:
    plan = getattr(device, "faults", None)
    if not isinstance(plan, FaultPlan):
        raise LabError("this headend takes no faults (it is not listening)", path="host")
    return plan


def fault_op(ctx: ControlContext, request: Mapping[str, Any]) -> dict[str, Any]:
    plan = plan_of(ctx.device(request))
    if request.get("clear"):
        kind = request.get("kind")
        if kind is not None and kind not in FAULT_KINDS:
            raise LabError(f"unknown fault kind {kind!r}", path="kind")
        cleared = plan.clear(cast("FaultKind | None", kind))
        return {"ok": True, "cleared": cleared, **status(plan)}
    if request.get("list"):
        return {"ok": True, **status(plan)}
    spec = request.get("fault")
    if not isinstance(spec, dict):
        raise LabError("request field 'fault' must be an object with a kind", path="fault")
    fault = plan.add(Fault.from_dict(spec))
    return {"ok": True, "armed": fault.to_dict(), **status(plan)}


def status(plan: FaultPlan) -> dict[str, Any]:
    return {
        "faults": [f.to_dict() for f in plan.faults()],
        "locks": plan.held_locks(),
        "fired": list(plan.history),
        "reboots": plan.reboots,
    }
