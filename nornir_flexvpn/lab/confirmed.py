"""Commit and confirmed commit (RFC 6241 §8.3.4, §8.4), for standards mode.

A confirmed commit applies the candidate at once and remembers the running
configuration from before it; unless a confirming commit arrives within the
timeout (default 600 s) the device puts that configuration back. Without
`persist` the confirmation must come from the same session, and losing that
session reverts at once; with `persist` any session may confirm or cancel by
giving the persist-id, and the commit survives its session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.lab.contract import SessionInfo
from nornir_flexvpn.lab.datastore import Snapshot
from nornir_flexvpn.lab.replies import invalid_value, rpc_error
from nornir_flexvpn.lab.timers import TimerHandle
from nornir_flexvpn.lab.xmlutil import text_of

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

DEFAULT_CONFIRM_TIMEOUT = 600


class ConfirmedCommit:
    """The pending confirmed commit of one device, if any."""

    def __init__(self, device: LabDevice) -> None:
        self._device = device
        self.before: Snapshot | None = None
        self.session_id: int | None = None
        self.persist: str | None = None
        self.timeout: int | None = None
        self._timer: TimerHandle | None = None
        self.reverted = 0  # how many times a timeout or session loss reverted

    @property
    def pending(self) -> bool:
        return self.before is not None

    def commit(self, session: SessionInfo, params: dict[str, etree._Element]) -> None:
        confirmed = "confirmed" in params
        if not confirmed and ("confirm-timeout" in params or "persist" in params):
            raise rpc_error(
                "<confirm-timeout> and <persist> need <confirmed/>",
                "bad-element",
                error_type="protocol",
                info={
                    "bad-element": "confirm-timeout" if "confirm-timeout" in params else "persist"
                },
            )
        if self.pending:
            self._check_may_follow_up(session, params)
        elif "persist-id" in params:
            raise invalid_value("no confirmed commit is pending for <persist-id>")
        timeout = DEFAULT_CONFIRM_TIMEOUT
        if "confirm-timeout" in params:
            raw = text_of(params["confirm-timeout"])
            if not raw.isdigit() or int(raw) < 1:
                raise invalid_value(f"confirm-timeout {raw!r} must be a positive number of seconds")
            timeout = int(raw)
        before = self._device.snapshot("running") if not self.pending else self.before
        self._device._commit_candidate()
        if not confirmed:
            self._clear()
            return
        self.before = before
        self.session_id = session.session_id
        if "persist" in params:
            self.persist = text_of(params["persist"])
        elif not self.pending or self.persist is None:
            self.persist = None
        self.timeout = timeout
        self._restart_timer(timeout)

    def _check_may_follow_up(self, session: SessionInfo, params: dict[str, etree._Element]) -> None:
        if self.persist is not None:
            given = text_of(params.get("persist-id"))
            if "persist-id" not in params:
                raise rpc_error(
                    "a persistent confirmed commit is pending: give its <persist-id>",
                    "in-use",
                    error_type="protocol",
                )
            if given != self.persist:
                raise invalid_value("<persist-id> does not match the pending confirmed commit")
            return
        if "persist-id" in params:
            raise invalid_value("the pending confirmed commit has no persist-id")
        if session.session_id != self.session_id:
            raise rpc_error(
                f"a confirmed commit of session {self.session_id} is pending",
                "in-use",
                error_type="protocol",
                info={"session-id": str(self.session_id)},
            )

    def cancel(self, session: SessionInfo, params: dict[str, etree._Element]) -> None:
        if not self.pending:
            raise rpc_error(
                "no confirmed commit is pending", "operation-failed", error_type="protocol"
            )
        if self.persist is not None:
            if text_of(params.get("persist-id")) != self.persist:
                raise invalid_value("<persist-id> does not match the pending confirmed commit")
        elif "persist-id" in params:
            raise invalid_value("the pending confirmed commit has no persist-id")
        elif session.session_id != self.session_id:
            raise rpc_error(
                f"the confirmed commit belongs to session {self.session_id}",
                "in-use",
                error_type="protocol",
                info={"session-id": str(self.session_id)},
            )
        self._revert()

    def session_lost(self, session_id: int) -> None:
        if self.pending and self.persist is None and self.session_id == session_id:
            self._revert()

    def _restart_timer(self, seconds: int) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._device.timers.start(seconds, self._timed_out)

    def _timed_out(self) -> None:
        with self._device.lock:
            if self.pending:
                self._revert()

    def _revert(self) -> None:
        before = self.before
        self._clear()
        if before is not None:
            self._device._candidate_dirty_by = None
            self._device.restore_running(before)
            if "candidate" in self._device._stores:
                self._device._stores["candidate"] = self._device.datastore("running")
            self.reverted += 1

    def _clear(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self.before = None
        self.session_id = None
        self.persist = None
        self.timeout = None
