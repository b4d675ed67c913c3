"""What the operator asked for: canary, wave size, budgets, pause, order."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from nornir_flexvpn.errors import IntentError


class Order(Enum):
    GIVEN = "given"  # inventory order
    GROUP = "group"  # by first group name, then inventory order
    SITE = "site"  # by the host's `site` data, then inventory order


@dataclass(frozen=True)
class Amount:
    """A count of hosts (`3`) or a percentage of some total (`10%`)."""

    value: float
    percent: bool = False

    @classmethod
    def parse(cls, text: str | int, *, option: str) -> Amount:
        raw = str(text).strip()
        percent = raw.endswith("%")
        number = raw[:-1].strip() if percent else raw
        try:
            value = float(number) if percent else int(number)
        except ValueError:
            raise IntentError(
                f"expected a count (3) or a percentage (10%), got {raw!r}", path=option
            ) from None
        if value < 0 or (percent and value > 100):
            raise IntentError(f"out of range: {raw!r}", path=option)
        return cls(float(value), percent)

    def of(self, total: int) -> int:
        """Hosts this amount stands for out of `total` (a percentage rounds down)."""
        if not self.percent:
            return int(self.value)
        return math.floor(total * self.value / 100 + 1e-9)

    def size_of(self, total: int) -> int:
        """As a wave size: a percentage rounds up, and a wave holds at least one host."""
        if not self.percent:
            return max(1, int(self.value))
        return max(1, math.ceil(total * self.value / 100 - 1e-9))

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.percent else str(int(self.value))


@dataclass(frozen=True)
class RolloutSpec:
    canary: Amount = Amount(1)
    canary_hosts: tuple[str, ...] = ()  # explicit names win over the count
    wave: Amount = Amount(10, percent=True)
    max_fail: Amount = Amount(0)  # overall, over every host of the rollout
    max_fail_wave: Amount | None = None  # per wave; None: only the overall budget
    concurrency: int = 10
    pause: float = 0.0  # seconds between waves
    order: Order = Order.GIVEN
    rollback_wave: bool = False
    dead_man: bool = False
    dry_run: bool = False
    confirm_timeout: int = 600  # the safety net of a held (dead-man) commit
    allow_running: bool = False
    save_config: bool = True
    checks: tuple[str, ...] | None = None  # post-checks of the gate (None: the default set)
    drop_threshold: int = 0  # users a change may drop before `users-dropped` fails it
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise IntentError("must be at least 1", path="--concurrency")
        if self.pause < 0:
            raise IntentError("must not be negative", path="--pause")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("canary", "wave", "max_fail", "max_fail_wave"):
            amount = getattr(self, key)
            data[key] = str(amount) if amount is not None else None
        data["order"] = self.order.value
        data["canary_hosts"] = list(self.canary_hosts)
        data["checks"] = list(self.checks) if self.checks is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RolloutSpec:
        values = dict(data)
        for key in ("canary", "wave", "max_fail", "max_fail_wave"):
            if values.get(key) is not None:
                values[key] = Amount.parse(values[key], option=key)
        values["order"] = Order(values.get("order", "given"))
        values["canary_hosts"] = tuple(values.get("canary_hosts", ()))
        if values.get("checks") is not None:
            values["checks"] = tuple(values["checks"])
        return cls(**values)
