"""Every failure ends with the headend exactly as before and its locks free.

Faults come from the lab (`headend.faults`): they act on the wire, where our
client sees them: a dropped SSH session before or after an RPC, a refused
validate or commit, a lock held by the device's own management process, a
commit slower than the client waits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from ncclient import manager
from nornir.core import Nornir
from nornir.core.task import Result

from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.errors import CommitError, LockError, ValidateError
from nornir_flexvpn.lab.faults import Fault
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn, plan_flexvpn

NornirFor = Callable[[list[Headend]], Nornir]
RunningOf = Callable[[Headend], bytes]


def _deploy(nr: Nornir, **kwargs: Any) -> Result:
    agg = nr.run(task=deploy_flexvpn, on_failed=True, **kwargs)
    return next(iter(agg.values()))[0]


def _locks_free(headend: Headend) -> None:
    with manager.connect(**headend.ncclient_args()) as m:
        for store in ("running", "candidate"):
            assert m.lock(store).ok
            m.unlock(store)


def _candidate_clean(headend: Headend, lab_server: Any) -> None:
    device = headend.device
    assert not lab_server.call(lambda: device.candidate_dirty)  # type: ignore[attr-defined]


# Each RPC of the candidate-checkpoint path, in order (get-config: the plan's read).
PHASE_RPCS = [
    "get-config",
    "lock",
    "discard-changes",
    "edit-config",
    "validate",
    "checkpoint",
    "commit",
    "config-ios-cli-rpc",
]


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("rpc", PHASE_RPCS)
def test_session_drop_at_every_phase_leaves_headend_as_before(
    lab: LabFactory,
    lab_server: Any,
    nornir_for: NornirFor,
    running_of: RunningOf,
    rpc: str,
    when: str,
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    before = running_of(headend)
    headend.faults.add(Fault.drop(rpc, when))  # type: ignore[arg-type]
    result = _deploy(nr)
    assert result.failed, f"drop {when} {rpc} went unnoticed"
    assert running_of(headend) == before
    _locks_free(headend)
    _candidate_clean(headend, lab_server)
    if isinstance(result.result, DeployOutcome) and result.result.transaction is not None:
        tx = result.result.transaction
        if tx.committed:
            assert tx.rolled_back, tx.as_dict()
    # The same deploy goes through once the network behaves.
    assert not _deploy(nr).failed


def test_gate_session_loss_rolls_back(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    before = running_of(headend)

    def gate(conn: Any, payload: Any) -> None:
        headend.faults.add(Fault.drop("get", "before"))
        conn.get(filter=None)

    result = _deploy(nr, gate=gate)
    assert result.failed
    outcome = result.result
    assert isinstance(outcome, DeployOutcome) and outcome.transaction is not None
    assert outcome.transaction.committed and outcome.transaction.rolled_back
    assert running_of(headend) == before
    _locks_free(headend)


def test_validate_failure(lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    before = running_of(headend)
    headend.faults.add(Fault.validate_failure())
    result = _deploy(nr)
    assert result.failed and isinstance(result.exception, ValidateError)
    assert result.exception.tag  # the device's error-tag is kept
    assert running_of(headend) == before
    _locks_free(headend)


def test_commit_failure(lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    before = running_of(headend)
    headend.faults.add(Fault.commit_failure())
    result = _deploy(nr)
    assert result.failed and isinstance(result.exception, CommitError)
    assert "refused" in result.exception.message
    assert running_of(headend) == before
    _locks_free(headend)


def test_system_lock_exhausts_the_budget(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    before = running_of(headend)
    headend.faults.add(Fault.lock("running"))
    result = _deploy(nr, lock_budget=0.6)
    assert result.failed and isinstance(result.exception, LockError)
    assert result.exception.tag == "lock-denied"
    assert "held by session" in str(result.exception)
    assert running_of(headend) == before


def test_system_lock_released_within_budget_is_waited_for(
    lab: LabFactory, nornir_for: NornirFor
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    headend.faults.add(Fault.lock("running", release_after=0.5))
    result = _deploy(nr, lock_budget=10)
    assert not result.failed, result.exception
    tx = result.result.transaction
    assert tx is not None and tx.committed


def test_busy_device_is_retried(lab: LabFactory, nornir_for: NornirFor) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    headend.faults.add(Fault.busy("lock", count=2))
    result = _deploy(nr)
    assert not result.failed, result.exception


def _with_rpc_timeout(nr_folder: Path, seconds: float) -> None:
    defaults = yaml.safe_load((nr_folder / "defaults.yaml").read_text())
    defaults["connection_options"]["flexvpn_netconf"]["extras"]["rpc_timeout"] = seconds
    (nr_folder / "defaults.yaml").write_text(yaml.safe_dump(defaults))


def test_rpc_timeout_on_commit_is_resolved_by_reading_the_device(
    lab: LabFactory, nornir_for: NornirFor, running_of: RunningOf, tmp_path: Path
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    nr = nornir_for([headend])
    folder = Path(nr.config.inventory.options["host_file"]).parent
    _with_rpc_timeout(folder, 1.0)
    from nornir_flexvpn.cli.fleet import open_nornir

    nr = open_nornir(folder)
    # The commit lands 1.5 s later than the client waits: the outcome is unknown
    # until the device is read again, on the same session, after the commit.
    headend.faults.add(Fault.slow_commit(1500))
    try:
        result = _deploy(nr)
    finally:
        nr.close_connections()
    outcome = result.result
    assert isinstance(outcome, DeployOutcome) and outcome.transaction is not None
    tx = outcome.transaction
    assert tx.committed, tx.as_dict()
    commit = [p for p in tx.phases if p.name == "commit"]
    assert commit and commit[0].outcome == "failed"  # timed out...
    assert not result.failed  # ...yet resolved: the commit had landed and passed the gate
    nr2 = open_nornir(folder)
    try:
        plan = next(iter(nr2.run(task=plan_flexvpn).values()))[0]
        assert not plan.changed
    finally:
        nr2.close_connections()
