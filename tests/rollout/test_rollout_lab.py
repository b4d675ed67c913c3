"""Rollouts against lab headends with injected faults."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from nornir_flexvpn.errors import CheckError
from nornir_flexvpn.lab.faults import Fault
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.rollout.audit import audit
from nornir_flexvpn.rollout.plan import build_plan, hosts_of
from nornir_flexvpn.rollout.records import HostStatus
from nornir_flexvpn.rollout.runner import Rollout
from nornir_flexvpn.rollout.spec import Amount, RolloutSpec
from nornir_flexvpn.rollout.state import RolloutState, RunStatus

from .conftest import Fleet, FleetFactory, settled


def _start(fleet: Fleet, spec: RolloutSpec, state_path: Path, **kwargs: object) -> RolloutState:
    plan = build_plan(hosts_of(fleet.nr), spec)
    state = RolloutState.new(spec, plan, fleet.inventory)
    Rollout(fleet.nr, state, state_path=state_path, **kwargs).run()  # type: ignore[arg-type]
    return state


def _status(state: RolloutState) -> dict[str, HostStatus]:
    return {name: r.status for name, r in state.records.items()}


def test_failing_canary_stops_everything(fleet: FleetFactory, tmp_path: Path) -> None:
    f = fleet(4)
    before = f.snapshot()
    canary = f.headends[0]
    canary.faults.add(Fault.validate_failure())
    state = _start(
        f, RolloutSpec(canary=Amount(1), wave=Amount(2), max_fail=Amount(3)), tmp_path / "s.json"
    )
    assert state.status is RunStatus.HALTED
    assert "canary failed" in state.reason
    assert state.records[canary.name].status is HostStatus.FAILED
    assert [s for n, s in _status(state).items() if n != canary.name] == [HostStatus.PENDING] * 3
    assert f.snapshot() == before
    assert all(settled(f, h) for h in f.headends)
    saved = RolloutState.load(tmp_path / "s.json")
    assert saved.status is RunStatus.HALTED
    assert _status(saved) == _status(state)


def test_wave_over_budget_halts_then_resume_runs_only_the_rest(
    fleet: FleetFactory, tmp_path: Path
) -> None:
    f = fleet(7)
    names = [h.name for h in f.headends]
    before = f.snapshot()
    f.headends[2].faults.add(Fault.commit_failure())  # second host of wave-1
    spec = RolloutSpec(canary=Amount(1), wave=Amount(3), max_fail=Amount(0), concurrency=1)
    state = _start(f, spec, tmp_path / "s.json")
    assert state.status is RunStatus.HALTED
    assert "wave-1" in state.reason
    assert _status(state) == {
        names[0]: HostStatus.CHANGED,
        names[1]: HostStatus.CHANGED,
        names[2]: HostStatus.FAILED,
        names[3]: HostStatus.SKIPPED,  # its turn came after the halt
        names[4]: HostStatus.PENDING,
        names[5]: HostStatus.PENDING,
        names[6]: HostStatus.PENDING,
    }
    after = f.snapshot()
    for name in names[2:]:
        assert after[name] == before[name], name
    assert all(settled(f, h) for h in f.headends)

    nr = f.reopen()
    # Done hosts must not be touched again: any RPC on them now drops the session.
    for h in f.headends[:2]:
        h.faults.add(Fault.drop(None, count=None))
    resumed = RolloutState.load(tmp_path / "s.json")
    assert resumed.remaining() == names[2:]
    Rollout(nr, resumed, state_path=tmp_path / "s.json").run()
    assert resumed.status is RunStatus.COMPLETED
    assert all(s is HostStatus.CHANGED for s in _status(resumed).values())
    assert resumed.records[names[0]].attempts == 1
    assert resumed.records[names[2]].attempts == 2
    assert resumed.runs == 2
    for h in f.headends[:2]:
        h.faults.clear()
    assert audit(f.nr, resumed) == []


@pytest.mark.parametrize("confirmed_commit", [False, True], ids=["checkpoint", "confirmed-commit"])
def test_rollback_wave_restores_every_host_of_the_wave_exactly(
    fleet: FleetFactory, tmp_path: Path, confirmed_commit: bool
) -> None:
    f = fleet(5, confirmed_commit=confirmed_commit)
    before = f.snapshot()
    f.headends[4].faults.add(Fault.commit_failure())
    spec = RolloutSpec(
        canary=Amount(1), wave=Amount(4), max_fail=Amount(0), concurrency=4, rollback_wave=True
    )
    state = _start(f, spec, tmp_path / "s.json")
    assert state.status is RunStatus.HALTED
    wave = [h.name for h in f.headends[1:]]
    statuses = _status(state)
    assert statuses[f.headends[0].name] is HostStatus.CHANGED  # the canary is not in the wave
    assert [statuses[n] for n in wave] == [HostStatus.ROLLED_BACK] * 3 + [HostStatus.FAILED]
    after = f.snapshot()
    for name in wave:
        assert after[name] == before[name], name
    assert after[f.headends[0].name] != before[f.headends[0].name]
    assert state.waves[-1].outcome == "rolled-back"
    assert all(settled(f, h) for h in f.headends)


@pytest.mark.parametrize("confirmed_commit", [False, True], ids=["checkpoint", "confirmed-commit"])
def test_dead_man_wave_is_all_or_nothing(
    fleet: FleetFactory, tmp_path: Path, confirmed_commit: bool
) -> None:
    f = fleet(6, confirmed_commit=confirmed_commit)
    before = f.snapshot()
    bad = f.headends[4].name

    def gate(conn: NetconfConnection, payload: Payload) -> None:
        if conn.params.port == f.by_name()[bad].port:
            raise CheckError("sessions: users dropped (test)")

    spec = RolloutSpec(
        canary=Amount(0), wave=Amount(3), max_fail=Amount(5), concurrency=3, dead_man=True
    )
    state = _start(f, spec, tmp_path / "s.json", gate=gate)
    first, second = (h.name for h in f.headends[:3]), (h.name for h in f.headends[3:])
    statuses = _status(state)
    assert all(statuses[n] is HostStatus.CHANGED for n in first)
    assert statuses[bad] is HostStatus.FAILED
    assert {statuses[n] for n in second if n != bad} == {HostStatus.ROLLED_BACK}
    assert [w.outcome for w in state.waves] == ["ok", "rolled-back"]
    after = f.snapshot()
    for h in f.headends[3:]:
        assert after[h.name] == before[h.name], h.name
    assert all(settled(f, h) for h in f.headends)
    assert state.status is RunStatus.COMPLETED  # within budget: the rollout went on
    assert state.remaining() == [h.name for h in f.headends[3:]]


@pytest.mark.parametrize("dead_man", [False, True], ids=["per-host", "dead-man"])
def test_ctrl_c_leaves_no_headend_mid_transaction(
    fleet: FleetFactory, tmp_path: Path, dead_man: bool
) -> None:
    f = fleet(6)
    before = f.snapshot()
    trigger = f.headends[2]
    fired: list[str] = []

    def gate(conn: NetconfConnection, payload: Payload) -> None:
        # Ctrl-C arrives while this host sits between commit and confirm.
        if conn.params.port == trigger.port and not fired:
            fired.append(trigger.name)
            os.kill(os.getpid(), signal.SIGINT)

    spec = RolloutSpec(
        canary=Amount(1), wave=Amount(3), max_fail=Amount(0), concurrency=2, dead_man=dead_man
    )
    state = _start(f, spec, tmp_path / "s.json", gate=gate)
    assert fired
    assert state.status is RunStatus.INTERRUPTED
    assert all(settled(f, h) for h in f.headends)
    statuses = _status(state)
    after = f.snapshot()
    for name, status in statuses.items():
        assert status is not HostStatus.RUNNING
        if status is HostStatus.CHANGED:
            assert after[name] != before[name]
        else:
            assert after[name] == before[name], (name, status)
    expected = HostStatus.ROLLED_BACK if dead_man else HostStatus.CHANGED
    assert statuses[trigger.name] is expected
    assert statuses[f.headends[-1].name] is HostStatus.PENDING  # wave-2 never started
    resumed = RolloutState.load(tmp_path / "s.json")
    Rollout(f.reopen(), resumed, state_path=tmp_path / "s.json").run()
    assert resumed.status is RunStatus.COMPLETED
    assert all(r.status is HostStatus.CHANGED for r in resumed.records.values())


def test_fifty_headends_with_two_percent_faults_leave_none_half_applied(
    fleet: FleetFactory, tmp_path: Path
) -> None:
    f = fleet(50)
    before = f.snapshot()
    # 2% of the fleet fails: one after its commit (post-check), so it must roll back.
    bad = f.headends[23]

    def gate(conn: NetconfConnection, payload: Payload) -> None:
        if conn.params.port == bad.port:
            raise CheckError("sessions: users dropped (test)")

    spec = RolloutSpec(
        canary=Amount(1),
        wave=Amount(10, percent=True),
        max_fail=Amount(5, percent=True),
        concurrency=8,
    )
    state = _start(f, spec, tmp_path / "s.json", gate=gate)
    assert state.status is RunStatus.COMPLETED
    statuses = _status(state)
    assert statuses.pop(bad.name) is HostStatus.FAILED
    assert set(statuses.values()) == {HostStatus.CHANGED}
    assert state.records[bad.name].rollback is not None
    assert f.running(bad) == before[bad.name]
    assert all(settled(f, h) for h in f.headends)
    assert audit(f.nr, state) == []
