"""Who goes when: the canary wave, then waves of the ordered remaining hosts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nornir.core import Nornir

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.rollout.spec import Order, RolloutSpec

CANARY = "canary"


@dataclass(frozen=True)
class HostInfo:
    """What ordering needs from an inventory host."""

    name: str
    groups: tuple[str, ...] = ()
    site: str = ""


@dataclass(frozen=True)
class Wave:
    name: str  # "canary", "wave-1", ...
    hosts: tuple[str, ...]

    @property
    def canary(self) -> bool:
        return self.name == CANARY


@dataclass(frozen=True)
class RolloutPlan:
    waves: tuple[Wave, ...]

    @property
    def hosts(self) -> list[str]:
        return [h for w in self.waves for h in w.hosts]

    def wave_of(self, host: str) -> Wave:
        for wave in self.waves:
            if host in wave.hosts:
                return wave
        raise KeyError(host)

    def to_dict(self) -> dict[str, Any]:
        return {"waves": [{"name": w.name, "hosts": list(w.hosts)} for w in self.waves]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RolloutPlan:
        return cls(tuple(Wave(w["name"], tuple(w["hosts"])) for w in data["waves"]))


def order_hosts(hosts: Sequence[HostInfo], order: Order) -> list[HostInfo]:
    """Stable: ties keep inventory order, so the same inventory gives the same plan."""
    if order is Order.GROUP:
        return sorted(hosts, key=lambda h: h.groups[0] if h.groups else "")
    if order is Order.SITE:
        return sorted(hosts, key=lambda h: h.site)
    return list(hosts)


def build_plan(hosts: Sequence[HostInfo], spec: RolloutSpec) -> RolloutPlan:
    """Canary first (explicit names, else the first N in order), then fixed-size waves.
    A percentage wave size is of the hosts after the canary."""
    if not hosts:
        raise IntentError("no hosts selected", path="--inventory")
    ordered = order_hosts(hosts, spec.order)
    names = [h.name for h in ordered]
    if spec.canary_hosts:
        unknown = sorted(set(spec.canary_hosts) - set(names))
        if unknown:
            raise IntentError(
                f"not among the selected hosts: {', '.join(unknown)}", path="--canary"
            )
        canary = [n for n in names if n in spec.canary_hosts]
    else:
        canary = names[: spec.canary.of(len(names))]
    rest = [n for n in names if n not in set(canary)]
    waves: list[Wave] = []
    if canary:
        waves.append(Wave(CANARY, tuple(canary)))
    if rest:
        size = spec.wave.size_of(len(rest))
        for number, start in enumerate(range(0, len(rest), size), start=1):
            waves.append(Wave(f"wave-{number}", tuple(rest[start : start + size])))
    return RolloutPlan(tuple(waves))


def hosts_of(nr: Nornir) -> list[HostInfo]:
    """Ordering facts of the (filtered) inventory, in inventory order."""
    out = []
    for name, host in nr.inventory.hosts.items():
        site = host.get("site", "")
        out.append(HostInfo(name, tuple(g.name for g in host.groups), str(site or "")))
    return out
