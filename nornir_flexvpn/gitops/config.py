"""The controller's settings that live in the intent repository.

`flexvpn-gitops.yaml`, next to hosts.yaml (optional)::

    drift:
      hosts: {hub1: remediate}        # per host, beats groups
      groups: {lab: report}           # first matching group in the host's order
    rollout:
      canary: 1                       # hosts first, alone; a failing canary stops the rollout
      wave: "25%"                     # hosts per wave after the canary (count or percent)
      max_fail: "10%"                 # failure budget (count or percent of the hosts to change)
      concurrency: 4
      pause: 0                        # seconds between waves

A malformed file makes the whole revision invalid, like a malformed intent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nornir_flexvpn.errors import IntentError

CONFIG_FILE = "flexvpn-gitops.yaml"

Policy = Literal["report", "remediate"]
Amount = int | str  # a count, or "N%"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DriftPolicy(_Strict):
    hosts: dict[str, Policy] = Field(default_factory=dict)
    groups: dict[str, Policy] = Field(default_factory=dict)


class RolloutSettings(_Strict):
    canary: int | list[str] = 1
    wave: Amount = "100%"
    max_fail: Amount = 0
    concurrency: int = Field(default=4, ge=1)
    pause: float = Field(default=0.0, ge=0)


class RepoConfig(_Strict):
    drift: DriftPolicy = Field(default_factory=DriftPolicy)
    rollout: RolloutSettings = Field(default_factory=RolloutSettings)

    def policy_for(self, host: str, groups: Sequence[str], default: Policy) -> Policy:
        if host in self.drift.hosts:
            return self.drift.hosts[host]
        for group in groups:
            if group in self.drift.groups:
                return self.drift.groups[group]
        return default


def amount(value: Amount, total: int, *, minimum: int = 0) -> int:
    """A count, or a percentage of `total` rounded down (at least `minimum`)."""
    if isinstance(value, int):
        return max(minimum, value)
    text = value.strip()
    if not text.endswith("%"):
        raise IntentError(f"expected a count or 'N%', got {value!r}", path=CONFIG_FILE)
    try:
        percent = float(text[:-1])
    except ValueError:
        raise IntentError(f"expected a count or 'N%', got {value!r}", path=CONFIG_FILE) from None
    return max(minimum, int(total * percent / 100))


def load_repo_config(inventory_dir: Path) -> RepoConfig:
    path = inventory_dir / CONFIG_FILE
    if not path.is_file():
        return RepoConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise IntentError(f"not valid YAML: {exc}", path=CONFIG_FILE) from None
    try:
        config = RepoConfig.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise IntentError(first["msg"], path=f"{CONFIG_FILE}:{where}") from None
    for value in (config.rollout.wave, config.rollout.max_fail):
        amount(value, 1)
    return config
