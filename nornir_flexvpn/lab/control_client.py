"""Talking to a running lab's control socket (see `lab.control`), from any process.

Kept apart from the listener so a shell command does not load the device
model (libyang, the YANG contexts) just to send one line.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nornir_flexvpn.errors import LabError

CONTROL_SOCKET = "lab-control.sock"


def control_socket(inventory: Path) -> Path:
    """Where `flexvpn lab up --inventory-out DIR` listens."""
    return Path(inventory) / CONTROL_SOCKET


def control_request(
    path: Path, request: Mapping[str, Any], *, timeout: float = 30.0
) -> dict[str, Any]:
    """Send one request to a running lab and return its reply."""
    if not Path(path).exists():
        raise LabError(f"no running lab control socket at {path}", path="inventory")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except OSError as exc:
            raise LabError(
                f"cannot reach the lab at {path} ({type(exc).__name__}): is `flexvpn lab up` running?",
                path="inventory",
            ) from None
        sock.sendall(json.dumps(dict(request)).encode() + b"\n")
        buffer = b""
        while not buffer.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
    try:
        reply = json.loads(buffer)
    except ValueError:
        raise LabError(f"the lab at {path} sent no valid reply", path="inventory") from None
    if not isinstance(reply, dict):
        raise LabError(f"the lab at {path} sent no valid reply", path="inventory")
    return reply
