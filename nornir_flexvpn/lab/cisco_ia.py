"""cisco-ia RPCs (http://cisco.com/yang/cisco-ia): checkpoint, rollback, revert,
save-config, is-syncing - what IOS-XE offers instead of confirmed commit.

`checkpoint` saves running (and the CLI overlay) as a file on the lab's
bootflash and says where in its result. `rollback` replaces running with a
saved file (validated as a whole first); with `revert-timer` (minutes) the
device puts the previous configuration back unless the timed rollback is
confirmed (`confirm()`, the lab's `configure confirm`) or cancelled.
`revert` with no input reverts now; `timer` restarts the countdown; `idle`
reverts after that many minutes without any RPC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.lab.contract import RpcErrorReply, SessionInfo
from nornir_flexvpn.lab.datastore import Snapshot
from nornir_flexvpn.lab.params import rpc_params
from nornir_flexvpn.lab.replies import invalid_value, rpc_error
from nornir_flexvpn.lab.timers import TimerHandle
from nornir_flexvpn.lab.xmlutil import default_nsmap, nc, text_of
from nornir_flexvpn.namespaces import CISCO_IA, NC

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

CHECKPOINT_PREFIX = "bootflash:/ia-checkpoint-"
RUNNING_URLS = ("running-config", "system:running-config", "system:/running-config")
STARTUP_URLS = ("startup-config", "nvram:startup-config", "nvram:/startup-config")
MINUTE = 60.0


class CiscoIa:
    """The timed-rollback state of one device."""

    def __init__(self, device: LabDevice) -> None:
        self._device = device
        self._checkpoints = 0
        self.revert_to: Snapshot | None = None
        self._timer: TimerHandle | None = None
        self.idle_minutes: int | None = None
        self.reverted = 0

    @property
    def timed_rollback_pending(self) -> bool:
        return self.revert_to is not None

    def checkpoint(self) -> str:
        self._checkpoints += 1
        url = f"{CHECKPOINT_PREFIX}{self._checkpoints}"
        self._device.files[url] = self._device.snapshot("running")
        return url

    def activity(self) -> None:
        """Any RPC restarts an idle countdown."""
        if self.revert_to is not None and self.idle_minutes is not None:
            self._start(self.idle_minutes)

    def start_timed(self, before: Snapshot, minutes: int) -> None:
        self.revert_to = before
        self.idle_minutes = None
        self._start(minutes)

    def confirm(self) -> bool:
        """Keep the rolled-back configuration (IOS `configure confirm`)."""
        pending = self.revert_to is not None
        self._clear()
        return pending

    def revert_now(self) -> None:
        before = self.revert_to
        self._clear()
        if before is not None:
            self._device.restore_running(before)
            self.reverted += 1

    def _start(self, minutes: int) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._device.timers.start(minutes * MINUTE, self._fired)

    def _fired(self) -> None:
        with self._device.lock:
            self.revert_now()

    def _clear(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self.revert_to = None
        self.idle_minutes = None


def _output(*leaves: tuple[str, str]) -> etree._Element:
    """An rpc-reply wrapper: the transport copies its children into the reply."""
    reply = etree.Element(nc("rpc-reply"), nsmap=default_nsmap(NC))
    for name, value in leaves:
        etree.SubElement(reply, f"{{{CISCO_IA}}}{name}", nsmap=default_nsmap(CISCO_IA)).text = value
    return reply


def _minutes(element: etree._Element, name: str) -> int:
    raw = text_of(element)
    if not raw.lstrip("-").isdigit() or not 1 <= int(raw) <= 120:
        raise rpc_error(
            f"{name} {raw!r} is out of range 1..120 (minutes)",
            "invalid-value",
            path=f"/cisco-ia:{name}",
            app_tag="range-violation" if raw.lstrip("-").isdigit() else None,
        )
    return int(raw)


def checkpoint(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    rpc_params(op, CISCO_IA, ())
    url = device.ia.checkpoint()
    return _output(("result", f"Checkpoint successful: {url}"))


def save_config(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    rpc_params(op, CISCO_IA, ())
    device.locks.check_writable("startup", session.session_id)
    snap = device.snapshot("running")
    device._stores["startup"] = snap.roots
    device._startup_overlay = snap.cli_overlay
    return _output(("result", "Save running-config successful"))


def is_syncing(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    rpc_params(op, CISCO_IA, ())
    holder = device.locks.holder
    return _output(
        ("result", "No sync in progress"),
        ("syncing", "false"),
        ("syncs-pending", "false"),
        ("running-datastore-locked", str(holder("running") is not None).lower()),
        ("candidate-datastore-locked", str(holder("candidate") is not None).lower()),
        ("candidate-datastore-dirty", str(device.candidate_dirty).lower()),
    )


def _load(device: LabDevice, url: str) -> Snapshot:
    if url in RUNNING_URLS:
        return device.snapshot("running")
    if url in STARTUP_URLS:
        return device.snapshot("startup")
    saved = device.files.get(url)
    if saved is None:
        raise invalid_value(f"{url}: no such file", path="/cisco-ia:rollback/target-url")
    return saved.copy()


def rollback(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    params = rpc_params(
        op,
        CISCO_IA,
        ("target-url", "verbose", "nolock", "revert-on-error", "revert-timer"),
        required=("target-url",),
    )
    for flag in ("verbose", "nolock"):
        if flag in params and text_of(params[flag]) not in ("true", "false"):
            raise invalid_value(f"{flag} must be true or false", path=f"/cisco-ia:rollback/{flag}")
    minutes = _minutes(params["revert-timer"], "revert-timer") if "revert-timer" in params else None
    url = text_of(params["target-url"])
    target = _load(device, url)
    device.locks.check_writable("running", session.session_id)
    before = device.snapshot("running")
    # Validated as a whole before it replaces anything (revert-on-error is implied).
    try:
        device.restore_running(target)
    except RpcErrorReply as refused:
        raise rpc_error(
            f"rollback to {url} failed, running configuration unchanged: {refused.message}",
            "rollback-failed",
            path=refused.path,
        ) from None
    if minutes is not None:
        device.ia.start_timed(before, minutes)
    return _output(("result", f"Rollback successful: {url}"))


def revert(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    params = rpc_params(op, CISCO_IA, ("now", "timer", "idle"))
    if not device.ia.timed_rollback_pending:
        raise rpc_error("no timed rollback is pending", "operation-failed", path="/cisco-ia:revert")
    if "timer" in params and "idle" in params:
        raise invalid_value("give <timer> or <idle>, not both", path="/cisco-ia:revert")
    if "timer" in params:
        device.ia.idle_minutes = None
        device.ia._start(_minutes(params["timer"], "timer"))
        return _output(("result", "Revert timer reset"))
    if "idle" in params:
        minutes = _minutes(params["idle"], "idle")
        device.ia.idle_minutes = minutes
        device.ia._start(minutes)
        return _output(("result", "Revert idle timer set"))
    device.ia.revert_now()
    return _output(("result", "Revert successful"))
