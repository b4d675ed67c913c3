"""Deploy end to end against lab headends over SSH, for each strategy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree
from ncclient import manager
from nornir.core import Nornir
from nornir.core.task import Result

from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.deploy.planner import HostPlan
from nornir_flexvpn.errors import CheckError, HostKeyError, LockError, RefusedError
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.namespaces import NATIVE, NC
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.transaction import Strategy
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn, plan_flexvpn, remove_flexvpn

NornirFor = Callable[[list[Headend]], Nornir]
RunningOf = Callable[[Headend], bytes]


def _one(nr: Nornir, task: Callable[..., Result], **kwargs: Any) -> Result:
    agg = nr.run(task=task, on_failed=True, **kwargs)
    assert len(agg) == 1
    multi = next(iter(agg.values()))
    return multi[0]


def _deploy(nr: Nornir, **kwargs: Any) -> DeployOutcome:
    result = _one(nr, deploy_flexvpn, **kwargs)
    assert isinstance(result.result, DeployOutcome), result.exception
    return result.result


def _plan(nr: Nornir) -> HostPlan:
    result = _one(nr, plan_flexvpn)
    assert isinstance(result.result, HostPlan), result.exception
    return result.result


STRATEGY_CASES = [
    pytest.param({"candidate": True}, {}, Strategy.CANDIDATE_CHECKPOINT, id="candidate-checkpoint"),
    pytest.param(
        {"candidate": True, "confirmed_commit": True},
        {},
        Strategy.CONFIRMED_COMMIT,
        id="confirmed-commit",
    ),
    pytest.param(
        {"candidate": False}, {"allow_running": True}, Strategy.RUNNING_CHECKPOINT, id="running"
    ),
]


@pytest.mark.parametrize(("lab_args", "deploy_args", "strategy"), STRATEGY_CASES)
def test_converges_from_empty_then_second_run_writes_nothing(
    lab: LabFactory,
    nornir_for: NornirFor,
    running_of: RunningOf,
    lab_args: dict[str, Any],
    deploy_args: dict[str, Any],
    strategy: Strategy,
) -> None:
    headend = lab(Release.V17_15_1, **lab_args)
    nr = nornir_for([headend])
    first = _deploy(nr, **deploy_args)
    assert not first.failed, first.as_dict()
    assert first.changed
    assert first.transaction is not None
    assert first.transaction.strategy is strategy
    assert first.transaction.committed and not first.transaction.rolled_back
    assert first.plan is not None
    assert any(
        line.startswith("+ crypto ikev2 profile AnyConnect-EAP") for line in first.plan.cli_diff
    )
    after_first = running_of(headend)

    second = _deploy(nr, **deploy_args)
    assert not second.failed
    assert not second.changed
    assert second.transaction is None  # no lock, no edit, no commit
    assert running_of(headend) == after_first
    assert not _plan(nr).changed


def test_running_strategy_is_refused_unless_allowed(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=False)
    nr = nornir_for([headend])
    before = running_of(headend)
    result = _one(nr, deploy_flexvpn)
    assert result.failed
    assert isinstance(result.exception, RefusedError)
    assert "--allow-running" in str(result.exception)
    assert running_of(headend) == before


def test_converges_from_partial_and_from_drift(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    # Partial: only the pool exists, with a different end address.
    partial = f"""<config xmlns="{NC}"><native xmlns="{NATIVE}"><ip><local><pool>
      <id>ACPOOL</id><start>192.168.10.5</start><last>192.168.10.6</last>
    </pool></local></ip></native></config>"""
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=partial)
        m.commit()
    nr = nornir_for([headend])
    plan = _plan(nr)
    paths = [c.path for c in plan.changes]
    assert any("pool" in p and "ACPOOL" in p for p in paths), paths
    outcome = _deploy(nr)
    assert not outcome.failed and outcome.changed
    assert not _plan(nr).changed

    # Drift: someone changes a managed object by hand.
    drift = f"""<config xmlns="{NC}"><native xmlns="{NATIVE}"><interface><Loopback>
      <name>100</name><description>hand-made</description></Loopback></interface></native></config>"""
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=drift)
        m.commit()
    drifted = _plan(nr)
    assert drifted.changed
    assert any("Loopback" in c.path for c in drifted.changes)
    assert any(
        "description hand-made" in line and line.startswith("-") for line in drifted.cli_diff
    )
    fixed = _deploy(nr)
    assert fixed.changed and not fixed.failed
    assert not _plan(nr).changed
    assert b"hand-made" not in running_of(headend)


def test_failed_gate_rolls_back_to_exactly_before(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    before = running_of(headend)

    def failing_gate(conn: NetconfConnection, payload: Payload) -> None:
        raise CheckError("sessions: 3 users dropped (test)")

    outcome = _deploy(nr, gate=failing_gate)
    assert outcome.failed
    tx = outcome.transaction
    assert tx is not None and tx.committed and tx.rolled_back
    assert isinstance(tx.error, CheckError)
    assert [p.name for p in tx.phases if p.outcome == "failed"] == ["post-checks"]
    assert running_of(headend) == before
    # The lock is free again: a plain client can take it.
    with manager.connect(**headend.ncclient_args()) as m:
        assert m.lock("running").ok
        m.unlock("running")


def test_lock_held_elsewhere_fails_cleanly(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    before = running_of(headend)
    with manager.connect(**headend.ncclient_args()) as holder:
        holder.lock("running")
        result = _one(nr, deploy_flexvpn, lock_budget=0.5)
        assert result.failed
        assert isinstance(result.exception, LockError)
        assert f"session {holder.session_id}" in str(result.exception)
    assert running_of(headend) == before
    # Once the holder is gone, the same deploy goes through.
    assert not _deploy(nr).failed


def test_dirty_candidate_left_by_someone_else_is_discarded(
    lab: LabFactory, nornir_for: NornirFor
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    junk = f"""<config xmlns="{NC}"><native xmlns="{NATIVE}"><hostname>junk</hostname></native></config>"""
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=junk)  # never committed
    nr = nornir_for([headend])
    outcome = _deploy(nr)
    assert not outcome.failed, outcome.as_dict()
    with manager.connect(**headend.ncclient_args()) as m:
        hostname = m.get_config(
            source="running", filter=("subtree", f'<native xmlns="{NATIVE}"><hostname/></native>')
        ).data_ele.find(f".//{{{NATIVE}}}hostname")
        assert hostname is not None and hostname.text != "junk"


def test_unknown_host_key_is_refused(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    host = next(iter(nr.inventory.hosts.values()))
    extras = host.defaults.connection_options["flexvpn_netconf"].extras or {}
    known = extras["known_hosts"]
    with open(known, "w", encoding="utf-8") as handle:
        handle.write("")  # nothing known
    before = running_of(headend)
    result = _one(nr, deploy_flexvpn)
    assert result.failed
    assert isinstance(result.exception, HostKeyError)
    assert running_of(headend) == before


def test_remove_deletes_only_what_the_intent_owns(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    baseline = etree.fromstring(b"<r>" + running_of(headend) + b"</r>")
    hostname = baseline.find(f".//{{{NATIVE}}}hostname")
    assert not _deploy(nr).failed
    removed = _one(nr, remove_flexvpn)
    assert isinstance(removed.result, DeployOutcome)
    assert not removed.failed, removed.result.as_dict()
    assert removed.changed
    after = running_of(headend)
    for owned in (b"AnyConnect-EAP", b"ACPOOL", b"IKEv2-prop1", b"split_tunnel"):
        assert owned not in after
    # What the intent does not own stays (hostname, the outside interface's address).
    assert hostname is not None and (hostname.text or "").encode() in after
    again = _one(nr, remove_flexvpn)
    assert not again.changed
