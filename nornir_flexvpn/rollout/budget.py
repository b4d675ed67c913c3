"""Failure budgets: how many hosts may fail, per wave and overall, before the
rollout stops starting hosts. The canary has none: one failure stops all."""

from __future__ import annotations

from dataclasses import dataclass

from nornir_flexvpn.rollout.plan import Wave
from nornir_flexvpn.rollout.spec import Amount


@dataclass(frozen=True)
class Budget:
    overall: int  # failures allowed over the whole rollout
    wave: int | None  # failures allowed in the current wave (None: no per-wave limit)

    @classmethod
    def for_wave(
        cls, wave: Wave, *, total: int, overall: Amount, per_wave: Amount | None
    ) -> Budget:
        if wave.canary:
            return cls(overall=0, wave=0)
        return cls(
            overall=overall.of(total),
            wave=per_wave.of(len(wave.hosts)) if per_wave is not None else None,
        )

    def exceeded(self, *, wave_failures: int, total_failures: int) -> str | None:
        """Why the rollout must stop, or None."""
        if self.wave == 0 and self.overall == 0 and wave_failures:
            return f"{wave_failures} failure(s) where none is allowed"
        if self.wave is not None and wave_failures > self.wave:
            return f"{wave_failures} failure(s) in this wave, budget {self.wave}"
        if total_failures > self.overall:
            return f"{total_failures} failure(s) overall, budget {self.overall}"
        return None
