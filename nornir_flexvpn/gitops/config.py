"""The controller's settings that live in the intent repository.

`flexvpn-gitops.yaml`, next to hosts.yaml (optional)::

    drift:
      hosts: {hub1: remediate}        # per host, beats groups
      groups: {lab: report}           # first matching group in the host's order
    rollout:
      canary: 1                       # hosts first, alone; a failing canary stops the rollout
      wave: "25%"                     # hosts per wave after the canary (count or percent)
      max_fail: "10%"                 # failure budget (count or percent of the hosts to change)
      max_fail_wave: 1                # optional, per wave
      concurrency: 4
      pause: 0                        # seconds between waves
      order: given                    # given | group | site
      rollback_wave: false
      dead_man: false

A malformed file makes the whole revision invalid, like a malformed intent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.rollout.spec import Amount as SpecAmount
from nornir_flexvpn.rollout.spec import Order, RolloutSpec

CONFIG_FILE = "flexvpn-gitops.yaml"

Policy = Literal["report", "remediate"]
Amount = int | str  # a count, or "N%"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DriftPolicy(_Strict):
    hosts: dict[str, Policy] = Field(default_factory=dict)
    groups: dict[str, Policy] = Field(default_factory=dict)


class RolloutSettings(_Strict):
    """The rollout engine's options (`flexvpn rollout`), as the repository sets them."""

    canary: int | list[str] = 1
    wave: Amount = "100%"
    max_fail: Amount = 0
    max_fail_wave: Amount | None = None
    concurrency: int = Field(default=4, ge=1)
    pause: float = Field(default=0.0, ge=0)
    order: Literal["given", "group", "site"] = "given"
    rollback_wave: bool = False
    dead_man: bool = False

    def spec(self, *, allow_running: bool = False) -> RolloutSpec:
        """The rollout engine's spec; IntentError names the bad field."""
        canary = self.canary if isinstance(self.canary, int) else 0
        return RolloutSpec(
            canary=SpecAmount.parse(canary, option=f"{CONFIG_FILE}:rollout.canary"),
            canary_hosts=tuple(self.canary) if isinstance(self.canary, list) else (),
            wave=SpecAmount.parse(self.wave, option=f"{CONFIG_FILE}:rollout.wave"),
            max_fail=SpecAmount.parse(self.max_fail, option=f"{CONFIG_FILE}:rollout.max_fail"),
            max_fail_wave=(
                SpecAmount.parse(self.max_fail_wave, option=f"{CONFIG_FILE}:rollout.max_fail_wave")
                if self.max_fail_wave is not None
                else None
            ),
            concurrency=self.concurrency,
            pause=self.pause,
            order=Order(self.order),
            rollback_wave=self.rollback_wave,
            dead_man=self.dead_man,
            allow_running=allow_running,
        )


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
    config.rollout.spec()  # the amounts parse
    return config
