"""The running lab's local control interface: a Unix socket speaking JSON lines.

`flexvpn lab up` runs in its own process; a shell reaches it through
`<inventory>/lab-control.sock` (mode 0600, beside the inventory it wrote).
Each request is one JSON object on one line, each reply likewise:

    {"op": "connect", "host": "lab1", "user": "test", "password": "...",
     "public_ip": "203.0.113.10"}
    -> {"ok": true, "address": "192.168.10.5", "interface": "Virtual-Access1", ...}
    -> {"ok": false, "reason": "%IKEv2-3-NEG_ABORT: ..."}

Ops: `ping`, `connect`, `disconnect`, `sessions`. Other features add theirs
with `register_op` (e.g. faults). Passwords are used, never logged or echoed.
"""

from __future__ import annotations

import json
import logging
import os
import socketserver
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nornir_flexvpn.errors import ClientRejected, FlexVpnError, LabError
from nornir_flexvpn.lab.clients import ClientSession, connect_client, disconnect_client
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.fault_control import fault_op

log = logging.getLogger(__name__)

MAX_LINE = 64 * 1024

DeviceLookup = Callable[[str], object | None]
"""Host name -> its device model (None when no such headend runs)."""
OpHandler = Callable[["ControlContext", Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ControlContext:
    lookup: DeviceLookup

    def device(self, request: Mapping[str, Any]) -> LabDevice:
        host = _text(request, "host")
        device = self.lookup(host)
        if device is None:
            raise LabError(f"no headend {host!r} in this lab", path="host")
        if not isinstance(device, LabDevice):
            raise LabError(f"headend {host!r} has no device model with state", path="host")
        return device


_OPS: dict[str, OpHandler] = {}


def register_op(name: str, handler: OpHandler) -> None:
    """Add a control operation (later features: faults, ...)."""
    _OPS[name] = handler


def _text(request: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = request.get(key, default)
    if not isinstance(value, str) or not value:
        raise LabError(f"request field {key!r} must be a non-empty string", path=key)
    return value


def session_summary(session: ClientSession) -> dict[str, Any]:
    return {
        "session_id": session.session_id,
        "user": session.user,
        "public_ip": session.public_ip,
        "address": session.assigned_ip,
        "interface": session.interface,
        "profile": session.profile,
        "proposal": f"{session.ike_encryption}/{session.ike_integrity}/group{session.dh_group}",
    }


def _ping(ctx: ControlContext, request: Mapping[str, Any]) -> dict[str, Any]:
    return {"ok": True}


def _connect(ctx: ControlContext, request: Mapping[str, Any]) -> dict[str, Any]:
    device = ctx.device(request)
    session = connect_client(
        device,
        _text(request, "user"),
        str(request.get("password", "")),
        _text(request, "public_ip", "203.0.113.10"),
    )
    return {"ok": True, **session_summary(session)}


def _disconnect(ctx: ControlContext, request: Mapping[str, Any]) -> dict[str, Any]:
    device = ctx.device(request)
    public_ip = request.get("public_ip")
    gone = disconnect_client(
        device,
        user=_text(request, "user"),
        public_ip=public_ip if isinstance(public_ip, str) and public_ip else None,
    )
    return {"ok": True, "disconnected": [session_summary(s) for s in gone]}


def _sessions(ctx: ControlContext, request: Mapping[str, Any]) -> dict[str, Any]:
    device = ctx.device(request)
    with device.lock:
        sessions = sorted(device.runtime.sessions.values(), key=lambda s: s.session_id)
        return {"ok": True, "sessions": [session_summary(s) for s in sessions]}


register_op("ping", _ping)
register_op("connect", _connect)
register_op("disconnect", _disconnect)
register_op("sessions", _sessions)
register_op("fault", fault_op)  # lab.fault_control (faults on demand)


def handle_request(ctx: ControlContext, line: bytes) -> dict[str, Any]:
    """One request line -> one reply object (never raises)."""
    try:
        request = json.loads(line)
    except ValueError:
        return {"ok": False, "reason": "the request is not JSON"}
    if not isinstance(request, dict):
        return {"ok": False, "reason": "the request must be a JSON object"}
    op = request.get("op")
    handler = _OPS.get(op) if isinstance(op, str) else None
    if handler is None:
        return {"ok": False, "reason": f"unknown op {op!r}; known: {', '.join(sorted(_OPS))}"}
    try:
        return handler(ctx, request)
    except ClientRejected as rejected:
        return {"ok": False, "reason": rejected.reason}
    except FlexVpnError as exc:
        return {"ok": False, "reason": str(exc)}
    except Exception as exc:  # a bug in one op must not stop the listener
        log.exception("lab control op %s failed", op)
        return {"ok": False, "reason": f"internal error: {type(exc).__name__}"}


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                return
            if len(line) > MAX_LINE:
                reply: dict[str, Any] = {"ok": False, "reason": "request too long"}
            elif not line.strip():
                continue
            else:
                reply = handle_request(self.server.context, line)
            self.wfile.write(json.dumps(reply).encode() + b"\n")
            self.wfile.flush()


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str, context: ControlContext) -> None:
        self.context = context
        super().__init__(path, _Handler)


class ControlServer:
    """The listener thread; `close()` stops it and removes the socket file."""

    def __init__(self, lookup: DeviceLookup, path: Path) -> None:
        self.path = Path(path)
        if self.path.exists() or self.path.is_symlink():
            self.path.unlink()
        old_umask = os.umask(0o177)
        try:
            self._server = _Server(str(self.path), ControlContext(lookup))
        finally:
            os.umask(old_umask)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="flexvpn-lab-control", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        if self.path.exists():
            self.path.unlink()

    def __enter__(self) -> ControlServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_control(headends: Mapping[str, Any], path: Path) -> ControlServer:
    """Listen on `path` for the headends of a running lab (`LabServer.headends`:
    name -> `Headend`, looked up at each request so later headends are seen)."""

    def lookup(host: str) -> object | None:
        headend = headends.get(host)
        return getattr(headend, "device", None) if headend is not None else None

    return ControlServer(lookup, path)
