"""Rollout planning and budgets (pure)."""

from __future__ import annotations

import pytest

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.rollout.budget import Budget
from nornir_flexvpn.rollout.plan import CANARY, HostInfo, RolloutPlan, Wave, build_plan
from nornir_flexvpn.rollout.spec import Amount, Order, RolloutSpec


def _hosts(n: int) -> list[HostInfo]:
    return [HostInfo(f"h{i:02d}", (f"g{i % 3}",), f"site{(n - i) % 2}") for i in range(1, n + 1)]


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [("3", 3, False), ("10%", 10, True), (" 2.5% ", 2.5, True), (4, 4, False)],
)
def test_amount_parses_counts_and_percentages(text: str, value: float, percent: bool) -> None:
    amount = Amount.parse(text, option="--wave")
    assert (amount.value, amount.percent) == (value, percent)


@pytest.mark.parametrize("text", ["x", "-1", "101%", "1.5", ""])
def test_amount_rejects_nonsense_naming_the_option(text: str) -> None:
    with pytest.raises(IntentError) as err:
        Amount.parse(text, option="--max-fail")
    assert err.value.path == "--max-fail"


def test_percent_budget_rounds_down_and_wave_size_rounds_up() -> None:
    assert Amount(5, percent=True).of(50) == 2
    assert Amount(5, percent=True).of(19) == 0
    assert Amount(10, percent=True).size_of(49) == 5
    assert Amount(10, percent=True).size_of(3) == 1


def test_canary_then_percentage_waves_cover_every_host_once() -> None:
    spec = RolloutSpec(canary=Amount(1), wave=Amount(10, percent=True))
    plan = build_plan(_hosts(21), spec)
    assert plan.waves[0] == Wave(CANARY, ("h01",))
    assert [len(w.hosts) for w in plan.waves[1:]] == [2] * 10
    assert sorted(plan.hosts) == sorted(h.name for h in _hosts(21))
    assert len(set(plan.hosts)) == 21


def test_explicit_canary_names_are_taken_out_of_the_waves() -> None:
    spec = RolloutSpec(canary_hosts=("h04", "h02"), wave=Amount(2))
    plan = build_plan(_hosts(5), spec)
    assert plan.waves[0].hosts == ("h02", "h04")
    assert [w.hosts for w in plan.waves[1:]] == [("h01", "h03"), ("h05",)]


def test_unknown_canary_name_is_refused() -> None:
    with pytest.raises(IntentError, match="nope"):
        build_plan(_hosts(3), RolloutSpec(canary_hosts=("nope",)))


def test_zero_canary_starts_with_wave_one() -> None:
    plan = build_plan(_hosts(4), RolloutSpec(canary=Amount(0), wave=Amount(3)))
    assert [w.name for w in plan.waves] == ["wave-1", "wave-2"]


def test_order_by_group_and_by_site_is_stable() -> None:
    hosts = _hosts(6)
    by_group = build_plan(hosts, RolloutSpec(canary=Amount(0), wave=Amount(6), order=Order.GROUP))
    assert by_group.hosts == ["h03", "h06", "h01", "h04", "h02", "h05"]
    by_site = build_plan(hosts, RolloutSpec(canary=Amount(0), wave=Amount(6), order=Order.SITE))
    assert by_site.hosts == ["h02", "h04", "h06", "h01", "h03", "h05"]


def test_plan_and_spec_round_trip_through_dicts() -> None:
    spec = RolloutSpec(
        canary_hosts=("h01",),
        wave=Amount(25, percent=True),
        max_fail=Amount(5, percent=True),
        max_fail_wave=Amount(1),
        order=Order.SITE,
        dead_man=True,
    )
    assert RolloutSpec.from_dict(spec.to_dict()) == spec
    plan = build_plan(_hosts(9), spec)
    assert RolloutPlan.from_dict(plan.to_dict()) == plan


def test_canary_has_no_budget_and_waves_use_theirs() -> None:
    canary = Budget.for_wave(
        Wave(CANARY, ("a",)), total=100, overall=Amount(5, percent=True), per_wave=None
    )
    assert canary.exceeded(wave_failures=1, total_failures=1) is not None
    wave = Budget.for_wave(
        Wave("wave-1", tuple("abcdefghij")),
        total=100,
        overall=Amount(5, percent=True),
        per_wave=Amount(20, percent=True),
    )
    assert wave.exceeded(wave_failures=2, total_failures=2) is None
    assert "in this wave" in (wave.exceeded(wave_failures=3, total_failures=3) or "")
    assert "overall" in (wave.exceeded(wave_failures=1, total_failures=6) or "")
