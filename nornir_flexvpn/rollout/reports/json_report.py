"""The JSON report: the state (plan, every host's record, wave log) plus a summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nornir_flexvpn.rollout.state import RolloutState


def report_dict(state: RolloutState) -> dict[str, Any]:
    data = state.to_dict()
    counts = {k: v for k, v in state.counts().items() if v}
    data["summary"] = {
        "hosts": len(state.records),
        "counts": counts,
        "failed": sorted(n for n, r in state.records.items() if r.status.failure),
        "not_done": state.remaining(),
    }
    return data


def write_json(state: RolloutState, path: Path) -> None:
    path.write_text(json.dumps(report_dict(state), indent=2, sort_keys=True), encoding="utf-8")
