"""The reconcile loop: pull, validate, plan every host, apply, detect drift.

Each tick:
1. fetch the branch; a new head is exported and checked (`revision.py`); a
   bad one is recorded as refused and the last good revision stays in force;
2. plan every host of the shard against the revision in force (read-only,
   bounded retries for unreachable hosts, which then back off across ticks);
3. hosts whose intent changed since they were last brought in line (or that
   the controller never brought in line) and differ from it are applied
   through `gitops.apply` (canary, budget);
4. the rest that differ have drifted: recorded with their diff, first-seen
   time and author where the device tells; reverted only where the policy
   (the `--policy` default, per host/group overrides in the repository) says
   `remediate`.
A stop request is honoured between hosts: hosts not started are skipped,
the host in flight finishes its transaction.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nornir.core import Nornir
from nornir.core.filter import F

from nornir_flexvpn.cli.fleet import error_text, open_nornir
from nornir_flexvpn.errors import FlexVpnError
from nornir_flexvpn.gitops.apply import ENGINE, ApplyReport, apply_hosts
from nornir_flexvpn.gitops.author import AuthorLookup, unknown_author
from nornir_flexvpn.gitops.config import Policy
from nornir_flexvpn.gitops.git import GitError, IntentRepo
from nornir_flexvpn.gitops.lock import ControllerLock, controller_key
from nornir_flexvpn.gitops.observe import Observation, RetryPolicy, observe_host
from nornir_flexvpn.gitops.revision import Revision, Shard, check_revision
from nornir_flexvpn.gitops.status import (
    ControllerStatus,
    Drift,
    HostState,
    HostStatus,
    RefusedRevision,
    StatusStore,
)

log = logging.getLogger(__name__)

EXIT_IN_SYNC = 0
EXIT_ERROR = 1
EXIT_CHANGED = 2
_KEEP_REFUSED = 20


def default_lock_dir() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return (
        Path(runtime) / "flexvpn-gitops" if runtime else Path(f"/tmp/flexvpn-gitops-{os.getuid()}")
    )


def default_state_dir(key: str) -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "flexvpn-gitops" / key


@dataclass(frozen=True)
class ControllerOptions:
    repo: str
    branch: str = "main"
    inventory_path: str = "."
    policy: Policy = "report"
    interval: float = 60.0
    shard: Shard = field(default_factory=Shard)
    state_dir: Path | None = None
    lock_dir: Path | None = None
    workers: int = 10
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    allow_running: bool = False

    @property
    def key(self) -> str:
        return controller_key(
            self.repo, self.branch, self.inventory_path, self.shard.filters, self.shard.hosts
        )


@dataclass
class TickReport:
    revision: str | None = None
    refused: str | None = None  # the head's sha when it is refused
    error: str | None = None
    in_sync: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    remediated: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.error or self.refused or self.failed or self.unreachable:
            return EXIT_ERROR
        if self.applied or self.remediated or self.drifted or self.pending:
            return EXIT_CHANGED
        return EXIT_IN_SYNC


class Controller:
    """`with Controller(options) as c: c.tick()` or `c.run()`; the lock is held inside `with`."""

    def __init__(
        self,
        options: ControllerOptions,
        *,
        clock: Callable[[], float] = time.time,
        author: AuthorLookup = unknown_author,
    ) -> None:
        self.options = options
        self.clock = clock
        self.author = author
        self.state_dir = options.state_dir or default_state_dir(options.key)
        lock_dir = options.lock_dir or default_lock_dir()
        label = f"{options.repo}#{options.branch}:{options.inventory_path} [{options.shard}]"
        self._locks = [
            ControllerLock(lock_dir / f"{options.key}.lock", label=label),
            ControllerLock(self.state_dir / "controller.lock", label=label),
        ]
        self.repo = IntentRepo(options.repo, self.state_dir / "mirror.git", branch=options.branch)
        self.store = StatusStore(self.state_dir / "status.json")
        self.stop_event = threading.Event()
        self.revision: Revision | None = None
        self.status = ControllerStatus(
            repo=options.repo,
            branch=options.branch,
            policy=options.policy,
            shard=str(options.shard),
        )

    # --- lifecycle --------------------------------------------------------------------------
    def __enter__(self) -> Controller:
        held: list[ControllerLock] = []
        try:
            for lock in self._locks:
                lock.acquire()
                held.append(lock)
        except BaseException:
            for lock in held:
                lock.release()
            raise
        self._restore()
        self.store.save(self.status)  # the endpoint answers before the first tick ends
        return self

    def __exit__(self, *exc: object) -> None:
        for lock in reversed(self._locks):
            lock.release()

    def request_stop(self) -> None:
        self.stop_event.set()

    def run(
        self, *, once: bool = False, on_tick: Callable[[TickReport], None] | None = None
    ) -> int:
        """Tick until stopped (or once); the last tick's exit code."""
        code = EXIT_IN_SYNC
        while not self.stop_event.is_set():
            report = self.tick()
            code = report.exit_code
            if on_tick is not None:
                on_tick(report)
            if once or self.stop_event.wait(self.options.interval):
                break
        return code

    def _restore(self) -> None:
        """Pick up the revision in force and the host records of a previous run."""
        saved = self.store.load()
        if saved is None or saved.repo != self.options.repo or saved.branch != self.options.branch:
            return
        saved.policy = self.options.policy
        saved.shard = str(self.options.shard)
        self.status = saved
        if saved.in_force:
            try:
                self.revision = self._load(saved.in_force)
            except FlexVpnError as exc:
                log.warning("revision %s in force before cannot be loaded: %s", saved.in_force, exc)
                self.status.in_force = None

    # --- one tick -------------------------------------------------------------------------
    def tick(self) -> TickReport:
        started = time.monotonic()
        report = TickReport()
        st = self.status
        st.error = None
        try:
            self._sync_revision(report)
            st.fetch_seconds = time.monotonic() - started
            rev = self.revision
            if rev is None:
                report.error = report.error or "no valid revision in force yet"
                st.error = report.error
            elif not self.stop_event.is_set():
                report.revision = rev.sha
                self._reconcile(rev, report)
        except Exception as exc:  # a service outlives one bad tick; the next one starts afresh
            log.exception("tick failed")
            report.error = st.error = f"tick failed: {error_text(exc)}"
        st.ticks += 1
        st.tick_errors += report.exit_code == EXIT_ERROR
        st.last_tick = self.clock()
        st.tick_seconds = time.monotonic() - started
        self.store.save(st)
        return report

    def _sync_revision(self, report: TickReport) -> None:
        st = self.status
        try:
            head = self.repo.fetch()
        except GitError as exc:
            report.error = st.error = str(exc)
            return
        st.head = head
        if self.revision is not None and head == self.revision.sha:
            return
        known = next((r for r in st.refused if r.sha == head), None)
        if known is not None:
            report.refused = head
            return
        try:
            self.revision = self._load(head)
        except GitError as exc:  # reading the commit failed, not the commit: try again next tick
            report.error = st.error = str(exc)
            return
        except Exception as exc:  # whatever a commit breaks, it must not come into force
            info = self.repo.commit_info(head)
            st.refused.append(
                RefusedRevision(head, error_text(exc), self.clock(), info.author, info.subject)
            )
            del st.refused[:-_KEEP_REFUSED]
            st.refused_total += 1
            report.refused = head
            log.error("revision %s refused: %s", head[:12], exc)
            return
        st.in_force = head
        st.in_force_since = self.clock()
        self._prune_trees(keep=head)

    def _load(self, sha: str) -> Revision:
        tree = self.state_dir / "revisions" / sha
        if not tree.is_dir():
            self.repo.export(sha, tree)
        return check_revision(
            self.repo.commit_info(sha),
            tree,
            inventory_path=self.options.inventory_path,
            shard=self.options.shard,
        )

    def _prune_trees(self, keep: str) -> None:
        folder = self.state_dir / "revisions"
        for tree in folder.iterdir() if folder.is_dir() else ():
            if tree.name != keep:
                shutil.rmtree(tree, ignore_errors=True)

    def _reconcile(self, rev: Revision, report: TickReport) -> None:
        st = self.status
        for gone in set(st.hosts) - set(rev.hosts):
            del st.hosts[gone]
        now = self.clock()
        due: list[str] = []
        for name in sorted(rev.hosts):
            hs = st.hosts.setdefault(name, HostStatus(name=name))
            hs.release = rev.hosts[name].release.value
            hs.policy = rev.config.policy_for(name, rev.groups[name], self.options.policy)
            if hs.retry_after is not None and hs.retry_after > now:
                report.unreachable.append(name)  # still backing off
            else:
                due.append(name)
        if not due:
            return
        nr = self._nornir(rev, due)
        try:
            plan_started = time.monotonic()
            seen = self._observe(nr)
            st.plan_seconds = time.monotonic() - plan_started
            to_apply: dict[str, str] = {}  # name -> "applied" | "remediated"
            for name in due:
                obs = seen.get(name)
                if obs is None or obs.skipped:
                    continue
                action = self._classify(rev, st.hosts[name], obs, report)
                if action:
                    to_apply[name] = action
            if to_apply and not self.stop_event.is_set():
                apply_started = time.monotonic()
                applied = apply_hosts(
                    nr,
                    sorted(to_apply),
                    rev.config.rollout,
                    self.stop_event,
                    inventory_dir=rev.inventory_dir,
                    state_path=self.state_dir / "rollout.json",
                    allow_running=self.options.allow_running,
                )
                if applied.interrupted:
                    self.stop_event.set()  # SIGINT went to the rollout's own handler
                st.apply_seconds = time.monotonic() - apply_started
                self._record_apply(rev, applied, to_apply, report)
            elif to_apply:
                for name in to_apply:
                    self._pending(st.hosts[name], report)
        finally:
            nr.close_connections(on_good=True, on_failed=True)

    def _nornir(self, rev: Revision, names: list[str]) -> Nornir:
        nr = open_nornir(rev.inventory_dir, workers=self.options.workers)
        return nr.filter(F(name__any=names))

    def _observe(self, nr: Nornir) -> dict[str, Observation]:
        agg = nr.run(
            task=observe_host,
            retry=self.options.retry,
            stop=self.stop_event,
            on_failed=True,
        )
        out: dict[str, Observation] = {}
        for name, multi in agg.items():
            result = multi[0]
            if isinstance(result.result, Observation):
                out[name] = result.result
            else:
                out[name] = Observation(host=name, error=result.exception)
        return out

    def _classify(
        self, rev: Revision, hs: HostStatus, obs: Observation, report: TickReport
    ) -> str | None:
        now = self.clock()
        hs.last_check = now
        hs.plan_seconds = obs.seconds
        if obs.plan is None:
            hs.error = error_text(obs.error) or "plan failed"
            if obs.unreachable:
                hs.state = HostState.UNREACHABLE
                hs.failures += 1
                hs.retry_after = now + self.options.retry.backoff(
                    hs.failures, self.options.interval
                )
                report.unreachable.append(hs.name)
            else:
                hs.state = HostState.FAILED
                report.failed.append(hs.name)
            return None
        hs.error, hs.failures, hs.retry_after = None, 0, None
        fp = rev.fingerprints[hs.name]
        if not obs.plan.changed:
            hs.state = HostState.IN_SYNC
            hs.revision, hs.fingerprint, hs.diff = rev.sha, fp, []
            if hs.drift is not None and hs.drift.remediated_at is None:
                hs.drift = None  # put back by hand: nothing to report any more
            report.in_sync.append(hs.name)
            return None
        hs.diff = list(obs.plan.cli_diff)
        if hs.fingerprint != fp:
            return "applied"  # a new intent for this host: the rollout's job
        if hs.state is not HostState.DRIFTED or hs.drift is None:
            hs.drift = Drift(
                first_seen=now,
                last_seen=now,
                revision=rev.sha,
                diff=list(obs.plan.cli_diff),
                changed_by=self.author(hs.name, obs.plan.cli_diff),
            )
            self.status.drift_detections += 1
        else:
            hs.drift.last_seen, hs.drift.diff = now, list(obs.plan.cli_diff)
        hs.state = HostState.DRIFTED
        if hs.policy == "remediate":
            return "remediated"
        report.drifted.append(hs.name)
        return None

    def _pending(self, hs: HostStatus, report: TickReport) -> None:
        hs.state = HostState.PENDING
        report.pending.append(hs.name)

    def _record_apply(
        self,
        rev: Revision,
        applied: ApplyReport,
        actions: dict[str, str],
        report: TickReport,
    ) -> None:
        st = self.status
        now = self.clock()
        for name, done in applied.done.items():
            hs = st.hosts[name]
            hs.apply_seconds = done.seconds
            if not done.ok:
                hs.state = HostState.FAILED
                hs.error = done.error or "deploy failed"
                report.failed.append(name)
                continue
            hs.state = HostState.IN_SYNC
            hs.revision, hs.fingerprint = rev.sha, rev.fingerprints[name]
            hs.last_apply, hs.last_action, hs.diff = now, actions[name], []
            st.last_apply_revision, st.last_apply_time = rev.sha, now
            if actions[name] == "remediated":
                if hs.drift is not None:
                    hs.drift.remediated_at = now
                st.remediations += 1
                report.remediated.append(name)
            else:
                st.applies += 1
                report.applied.append(name)
        for name in applied.not_started:
            self._pending(st.hosts[name], report)
            st.hosts[name].error = f"not started: {applied.halted} ({ENGINE})"
