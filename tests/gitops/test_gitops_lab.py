"""The controller against lab headends and an intent repository in git."""

from __future__ import annotations

import json
from typing import Any

from ncclient import manager

from nornir_flexvpn.gitops.controller import EXIT_CHANGED, EXIT_ERROR, EXIT_IN_SYNC
from nornir_flexvpn.gitops.status import HostState
from nornir_flexvpn.intent.secrets import DEMO_SECRET
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.namespaces import NATIVE, NC
from nornir_flexvpn.releases import Release
from tests.gitops.conftest import IntentRepoFixture, MakeController, RunningOf

HAND_CHANGE = f"""<config xmlns="{NC}"><native xmlns="{NATIVE}"><interface><Loopback>
  <name>100</name><description>hand-made</description></Loopback></interface></native></config>"""


def _pool_end(repo: IntentRepoFixture, end: str) -> None:
    groups = repo.load("groups.yaml")
    groups["flexvpn-seed"]["data"]["flexvpn"]["pools"][0]["end"] = end
    repo.dump("groups.yaml", groups)


def _hand_change(headend: Headend) -> None:
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=HAND_CHANGE)
        m.commit()


def _metric(text: str, name: str, labels: str = "") -> float:
    prefix = f"{name}{labels} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    raise AssertionError(f"no sample {prefix!r} in metrics")


def _no_secrets(text: str, headend: Headend) -> None:
    assert DEMO_SECRET not in text
    assert headend.password not in text


def test_new_commit_converges_the_fleet_and_bad_commit_is_refused(
    lab: LabFactory,
    intent_repo: IntentRepoFixture,
    make_controller: MakeController,
    running_of: RunningOf,
) -> None:
    headends = lab(Release.V17_15_1, candidate=True, n=2)
    intent_repo.write_lab_inventory(headends)
    first = intent_repo.commit("two headends")
    controller = make_controller()

    report = controller.tick()
    assert report.exit_code == EXIT_CHANGED, report
    assert sorted(report.applied) == sorted(h.name for h in headends)
    assert controller.tick().exit_code == EXIT_IN_SYNC

    # A change of intent rolls out to every host by itself.
    _pool_end(intent_repo, "192.168.10.20")
    second = intent_repo.commit("bigger pool")
    report = controller.tick()
    assert report.revision == second and sorted(report.applied) == sorted(h.name for h in headends)
    for headend in headends:
        assert "192.168.10.20" in running_of(headend)
    status = json.loads(controller.store.path.read_text(encoding="utf-8"))
    assert status["in_force"] == second and status["last_apply_revision"] == second
    assert {h["revision"] for h in status["hosts"].values()} == {second}
    assert status["counts"]["in_sync"] == 2
    assert first != second

    # A broken commit is refused; the fleet stays on the last good revision.
    groups = intent_repo.load("groups.yaml")
    groups["flexvpn-seed"]["data"]["flexvpn"]["pools"][0]["end"] = "not-an-address"
    intent_repo.dump("groups.yaml", groups)
    bad = intent_repo.commit("typo")
    report = controller.tick()
    assert report.exit_code == EXIT_ERROR
    assert report.refused == bad and report.revision == second
    assert sorted(report.in_sync) == sorted(h.name for h in headends)  # drift detection goes on
    for headend in headends:
        assert "192.168.10.20" in running_of(headend)
    status = json.loads(controller.store.path.read_text(encoding="utf-8"))
    assert status["head"] == bad and status["in_force"] == second
    refused = status["refused"][-1]
    assert refused["sha"] == bad and "pools[0].end" in refused["error"]
    assert refused["subject"] == "typo" and refused["author"].startswith("Alice")
    metrics = controller.store.metrics()
    assert _metric(metrics, "flexvpn_gitops_head_refused") == 1
    assert _metric(metrics, "flexvpn_gitops_refused_revisions_total") == 1
    assert (
        _metric(metrics, "flexvpn_gitops_revision_info", f'{{role="in_force",revision="{second}"}}')
        == 1
    )
    assert _metric(metrics, "flexvpn_gitops_hosts", '{state="in_sync"}') == 2
    # Refused once, not re-validated on every tick.
    assert controller.tick().refused == bad
    assert controller.status.refused_total == 1

    # Fixing it brings it into force.
    _pool_end(intent_repo, "192.168.10.30")
    fixed = intent_repo.commit("fix typo")
    report = controller.tick()
    assert report.exit_code == EXIT_CHANGED and report.revision == fixed
    assert _metric(controller.store.metrics(), "flexvpn_gitops_head_refused") == 0
    _no_secrets(controller.store.path.read_text(encoding="utf-8"), headends[0])
    _no_secrets(controller.store.metrics(), headends[0])


def test_hand_change_is_reported_then_reverted_only_under_remediate(
    lab: LabFactory,
    intent_repo: IntentRepoFixture,
    make_controller: MakeController,
    running_of: RunningOf,
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    intent_repo.write_lab_inventory([headend])
    intent_repo.commit("one headend")
    now = [1_000_000.0]
    controller = make_controller(policy="report", clock=lambda: now[0])
    assert controller.tick().exit_code == EXIT_CHANGED  # first convergence

    _hand_change(headend)
    now[0] += 10
    report = controller.tick()
    assert report.drifted == [headend.name] and report.exit_code == EXIT_CHANGED
    assert "hand-made" in running_of(headend)  # report only: left alone
    host = controller.status.hosts[headend.name]
    assert host.state is HostState.DRIFTED and host.drift is not None
    assert any(line.startswith("-") and "description hand-made" in line for line in host.drift.diff)
    assert host.drift.first_seen == now[0]
    assert host.drift.changed_by.user == "unknown" and host.drift.changed_by.source == "unknown"
    first_seen = now[0]

    now[0] += 10
    assert controller.tick().drifted == [headend.name]
    saved: dict[str, Any] = json.loads(controller.store.path.read_text(encoding="utf-8"))
    drift = saved["hosts"][headend.name]["drift"]
    assert drift["first_seen"] == first_seen and drift["last_seen"] == now[0]
    assert drift["changed_by"]["user"] == "unknown"
    metrics = controller.store.metrics()
    assert _metric(metrics, "flexvpn_gitops_hosts", '{state="drifted"}') == 1
    assert (
        _metric(
            metrics,
            "flexvpn_gitops_host_drift_first_seen_timestamp_seconds",
            f'{{host="{headend.name}"}}',
        )
        == first_seen
    )
    assert _metric(metrics, "flexvpn_gitops_drift_detections_total") == 1

    # A restarted controller (same state folder) keeps the revision in force and the first-seen time.
    controller.__exit__(None, None, None)
    controller = make_controller(policy="report", clock=lambda: now[0])
    assert controller.status.in_force == controller.status.head
    now[0] += 10
    assert controller.tick().drifted == [headend.name]
    drift_after = controller.status.hosts[headend.name].drift
    assert drift_after is not None and drift_after.first_seen == first_seen

    # The repository switches this host to remediate: the next tick reverts the hand change.
    intent_repo.dump("flexvpn-gitops.yaml", {"drift": {"hosts": {headend.name: "remediate"}}})
    intent_repo.commit("remediate drift on this host")
    now[0] += 10
    report = controller.tick()
    assert report.remediated == [headend.name], report
    assert "hand-made" not in running_of(headend)
    host = controller.status.hosts[headend.name]
    assert host.state is HostState.IN_SYNC and host.last_action == "remediated"
    assert host.drift is not None and host.drift.remediated_at == now[0]
    assert _metric(controller.store.metrics(), "flexvpn_gitops_remediations_total") == 1
    assert controller.tick().exit_code == EXIT_IN_SYNC
    _no_secrets(controller.store.path.read_text(encoding="utf-8"), headend)


def test_unreachable_host_is_retried_with_backoff(
    lab: LabFactory,
    intent_repo: IntentRepoFixture,
    make_controller: MakeController,
    running_of: RunningOf,
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    headend = lab(Release.V17_15_1, candidate=True)
    ghost = {
        "ghost": {
            "hostname": "127.0.0.1",
            "port": dead_port,
            "platform": "ios",
            "groups": ["flexvpn-seed"],
            "data": {"release": "17.15.1", "lab": True},
        }
    }
    intent_repo.write_lab_inventory([headend], extra_hosts=ghost)
    intent_repo.commit("one real, one gone")
    now = [5_000.0]
    controller = make_controller(clock=lambda: now[0], interval=60.0)

    report = controller.tick()
    assert report.exit_code == EXIT_ERROR
    assert report.unreachable == ["ghost"] and report.applied == [headend.name]
    ghost_status = controller.status.hosts["ghost"]
    assert ghost_status.state is HostState.UNREACHABLE and ghost_status.failures == 1
    assert ghost_status.retry_after == now[0] + 60.0
    assert ghost_status.error and str(dead_port) in ghost_status.error

    # Still backing off: not tried (no new failure counted); the rest is still checked.
    now[0] += 30
    report = controller.tick()
    assert report.unreachable == ["ghost"] and report.in_sync == [headend.name]
    assert controller.status.hosts["ghost"].failures == 1

    # Backoff over: tried again, and the next wait doubles.
    now[0] += 31
    controller.tick()
    assert controller.status.hosts["ghost"].failures == 2
    assert controller.status.hosts["ghost"].retry_after == now[0] + 120.0
    assert _metric(controller.store.metrics(), "flexvpn_gitops_hosts", '{state="unreachable"}') == 1


def test_failing_canary_halts_the_rollout_and_the_next_tick_finishes_it(
    lab: LabFactory,
    intent_repo: IntentRepoFixture,
    make_controller: MakeController,
    running_of: RunningOf,
) -> None:
    from nornir_flexvpn.lab.faults import Fault

    headends = lab(Release.V17_15_1, candidate=True, n=3)
    canary, *rest = headends
    intent_repo.write_lab_inventory(headends)
    intent_repo.dump("flexvpn-gitops.yaml", {"rollout": {"canary": [canary.name], "wave": 1}})
    intent_repo.commit("three headends, one canary")
    canary.faults.add(Fault("commit-failure", rpc="commit", count=1))
    controller = make_controller()

    report = controller.tick()
    assert report.exit_code == EXIT_ERROR
    assert report.failed == [canary.name]
    assert sorted(report.pending) == sorted(h.name for h in rest)
    for headend in rest:  # untouched
        assert "AnyConnect-EAP" not in running_of(headend)
    state = json.loads((controller.state_dir / "rollout.json").read_text(encoding="utf-8"))
    assert state["status"] == "halted" and "canary" in state["reason"]
    assert controller.status.hosts[rest[0].name].state is HostState.PENDING

    report = controller.tick()  # the fault fired once: the rollout goes through now
    assert sorted(report.applied) == sorted(h.name for h in headends), report
    assert controller.tick().exit_code == EXIT_IN_SYNC


def test_stop_request_skips_hosts_not_started(
    lab: LabFactory,
    intent_repo: IntentRepoFixture,
    make_controller: MakeController,
    running_of: RunningOf,
) -> None:
    from nornir_flexvpn.gitops.status import ChangeAuthor

    headend = lab(Release.V17_15_1, candidate=True)
    intent_repo.write_lab_inventory([headend])
    intent_repo.commit("one headend")
    holder: list[Any] = []

    def stop_while_looking(host: str, diff: Any) -> ChangeAuthor:
        holder[0].request_stop()  # e.g. SIGTERM arrives between planning and applying
        return ChangeAuthor()

    controller = make_controller(policy="remediate")
    controller.author = stop_while_looking
    holder.append(controller)
    assert controller.tick().applied == [headend.name]
    _hand_change(headend)
    report = controller.tick()
    assert report.pending == [headend.name] and not report.remediated
    assert "hand-made" in running_of(headend)
    ticks = controller.status.ticks
    assert controller.run() == EXIT_IN_SYNC  # already stopped: no further tick
    assert controller.status.ticks == ticks


def test_unreachable_repository_keeps_the_revision_in_force(
    lab: LabFactory,
    intent_repo: IntentRepoFixture,
    make_controller: MakeController,
    running_of: RunningOf,
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    intent_repo.write_lab_inventory([headend])
    sha = intent_repo.commit("one headend")
    controller = make_controller()
    assert controller.tick().applied == [headend.name]
    intent_repo.path.rename(intent_repo.path.with_name("moved"))
    report = controller.tick()
    assert report.exit_code == EXIT_ERROR
    assert report.error is not None and "git fetch failed" in report.error
    assert report.revision == sha and report.in_sync == [headend.name]  # drift detection goes on
    assert controller.status.error == report.error
