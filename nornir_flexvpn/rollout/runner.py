"""Run a rollout plan wave by wave on Nornir's runner.

Per wave: hosts start at most `concurrency` at a time; each finished host is
counted against the failure budget at once, and once it is exceeded (or on
Ctrl-C) no further host starts while those in flight finish their
transaction. Then, if asked, the wave's successful hosts go back to their
checkpoint (`--rollback-wave`). In dead-man mode every host of the wave
commits under its safety net and passes its gate, the wave is verified as a
whole, and then all are confirmed, or all roll back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

from nornir.core import Nornir
from nornir.core.filter import F
from nornir.plugins.runners import ThreadedRunner

from nornir_flexvpn.deploy.apply import ExtraGate
from nornir_flexvpn.rollout.budget import Budget
from nornir_flexvpn.rollout.host_task import (
    HostJob,
    rollout_deploy,
    rollout_finish_held,
    rollout_undo,
    rollout_verify_held,
)
from nornir_flexvpn.rollout.interrupt import graceful_interrupt
from nornir_flexvpn.rollout.observer import Observer
from nornir_flexvpn.rollout.plan import Wave
from nornir_flexvpn.rollout.records import HostRecord, HostStatus
from nornir_flexvpn.rollout.state import RolloutState, RunStatus, WaveLog

SAVE_INTERVAL = 1.0  # seconds between state-file writes while hosts finish


class Rollout:
    """One run of a rollout state (a new one, or one being resumed)."""

    def __init__(
        self,
        nr: Nornir,
        state: RolloutState,
        *,
        state_path: Path | None = None,
        gate: ExtraGate | None = None,
        observer: Observer | None = None,
        redo: bool = False,
    ) -> None:
        self.nr = nr
        self.state = state
        self.state_path = state_path
        self.gate = gate
        self.observer = observer or Observer()
        self.redo = redo
        self._stop = threading.Event()
        self._stop_status = RunStatus.HALTED
        self._counter = threading.Lock()
        self._total_failures = 0
        self._wave_failures = 0
        self._budget = Budget(overall=0, wave=0)
        self._last_save = 0.0
        self._saving = threading.Lock()

    # --- control ----------------------------------------------------------------------------
    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def request_stop(self, reason: str, status: RunStatus = RunStatus.HALTED) -> None:
        """Stop starting hosts (in-flight ones finish). The first reason wins."""
        with self._counter:
            if self._stop.is_set():
                return
            self._stop_status = status
            self.state.reason = reason
            self._stop.set()
        self.observer.message(f"stopping: {reason}")

    def interrupt(self) -> None:
        self.request_stop(
            "interrupted (Ctrl-C): no new host starts; in-flight transactions finish",
            RunStatus.INTERRUPTED,
        )

    # --- run --------------------------------------------------------------------------------
    def run(self) -> RolloutState:
        state = self.state
        state.runs += 1
        state.status, state.reason = RunStatus.RUNNING, ""
        todo = set(state.remaining(redo=self.redo))
        for name in todo:
            record = state.records[name]
            if record.status is not HostStatus.PENDING:
                record.status = HostStatus.PENDING
        self._save(force=True)
        try:
            with graceful_interrupt(self.interrupt):
                first = True
                for wave in state.plan.waves:
                    hosts = [h for h in wave.hosts if h in todo]
                    if not hosts:
                        continue
                    if not first and state.spec.pause > 0:
                        self.observer.message(f"pause {state.spec.pause:g}s before {wave.name}")
                        self._stop.wait(state.spec.pause)
                    if self.stopping:
                        break
                    first = False
                    self._run_wave(wave, hosts)
                    if self.stopping:
                        break
        finally:
            state.status = self._stop_status if self.stopping else RunStatus.COMPLETED
            self._save(force=True)
        return state

    def _run_wave(self, wave: Wave, hosts: Sequence[str]) -> None:
        state = self.state
        spec = state.spec
        log = WaveLog(wave.name, time.time())
        state.waves.append(log)
        self._budget = Budget.for_wave(
            wave, total=len(state.plan.hosts), overall=spec.max_fail, per_wave=spec.max_fail_wave
        )
        self._wave_failures = 0
        self.observer.wave_started(wave, hosts)
        nr = self.nr.filter(F(name__any=list(hosts))).with_runner(
            ThreadedRunner(num_workers=spec.concurrency)
        )
        job = HostJob(
            spec=spec,
            records=state.records,
            may_start=self._may_start,
            started=self.observer.host_started,
            finished=self._finished,
            gate=self.gate,
        )
        outcome, detail = "ok", ""
        try:
            nr.run(task=rollout_deploy, job=job, on_failed=True, name=f"rollout {wave.name}")
            if spec.dead_man and not spec.dry_run:
                outcome, detail = self._settle_held(nr, job, wave)
            if self.stopping and self._stop_status is RunStatus.HALTED:
                outcome = "halted"
                detail = detail or state.reason
                if spec.rollback_wave and not spec.dead_man and not spec.dry_run:
                    self._undo_wave(nr, job, wave)
                    outcome = "rolled-back"
            elif self.stopping:
                outcome, detail = "interrupted", state.reason
        finally:
            # Held changes never outlive their wave: a crash or a second Ctrl-C rolls them back.
            if job.held:
                nr.run(
                    task=rollout_finish_held,
                    job=job,
                    confirm=False,
                    reason="the rollout stopped before the wave was confirmed",
                    on_failed=True,
                )
            for name in hosts:
                record = state.records[name]
                if record.status is HostStatus.RUNNING:  # never got a verdict
                    record.status = HostStatus.FAILED
                    record.error = record.error or "the host task ended without an outcome"
                    record.finished = time.time()
            log.finished, log.outcome, log.detail = time.time(), outcome, detail
            self.observer.wave_finished(wave, log)
            self._save(force=True)

    def _settle_held(self, nr: Nornir, job: HostJob, wave: Wave) -> tuple[str, str]:
        """Dead-man: all verified and confirmed, or all rolled back."""
        held = sorted(job.held)
        failed = [h for h in wave.hosts if self.state.records[h].status.failure]
        reason = ""
        if failed:
            reason = f"{len(failed)} host(s) of {wave.name} failed ({', '.join(failed[:5])})"
        elif self.stopping:
            reason = self.state.reason
        elif held:
            verify = nr.filter(F(name__any=held)).run(
                task=rollout_verify_held, job=job, on_failed=True, name="wave verify"
            )
            bad = sorted(h for h, r in verify.items() if r.failed)
            if bad:
                reason = f"wave verify failed on {', '.join(bad[:5])}"
                for name in bad:
                    self._count_failure(self.state.records[name])
        if not held:
            return ("ok", "") if not reason else ("halted", reason)
        targets = nr.filter(F(name__any=held))
        if reason:
            self.observer.message(
                f"{wave.name}: rolling back all {len(held)} held host(s): {reason}"
            )
            targets.run(
                task=rollout_finish_held,
                job=job,
                confirm=False,
                reason=f"dead-man: {reason}",
                on_failed=True,
            )
            return "rolled-back", reason
        targets.run(task=rollout_finish_held, job=job, confirm=True, on_failed=True)
        return "ok", ""

    def _undo_wave(self, nr: Nornir, job: HostJob, wave: Wave) -> None:
        changed = [h for h in wave.hosts if self.state.records[h].status is HostStatus.CHANGED]
        if not changed:
            return
        self.observer.message(f"{wave.name}: rolling back {len(changed)} host(s)")
        nr.filter(F(name__any=changed)).run(
            task=rollout_undo,
            job=job,
            reason=f"wave {wave.name} rolled back: {self.state.reason}",
            on_failed=True,
        )

    # --- callbacks from worker threads ------------------------------------------------------
    def _may_start(self, name: str) -> bool:
        if not self.stopping:
            return True
        record = self.state.records[name]
        record.status = HostStatus.SKIPPED
        record.error = None
        return False

    def _finished(self, record: HostRecord) -> None:
        if record.status.failure:
            self._count_failure(record)
        self.observer.host_finished(record)
        self._save()

    def _count_failure(self, record: HostRecord) -> None:
        with self._counter:
            self._total_failures += 1
            self._wave_failures += 1
            why = self._budget.exceeded(
                wave_failures=self._wave_failures, total_failures=self._total_failures
            )
        if why is not None:
            wave = record.wave
            prefix = "canary failed" if wave == "canary" else f"over budget in {wave}"
            self.request_stop(f"{prefix}: {why}")

    def _save(self, *, force: bool = False) -> None:
        if self.state_path is None:
            return
        now = time.monotonic()
        with self._counter:
            if not force and now - self._last_save < SAVE_INTERVAL:
                return
            self._last_save = now
        with self._saving:
            self.state.save(self.state_path)
