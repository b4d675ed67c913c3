"""One controller per repository (and shard): an flock'ed file holding the pid.

The kernel drops an flock when its process dies, however it dies, so a crash
never leaves a stale lock behind; the pid and start time in the file only
serve the refusal message.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from nornir_flexvpn.errors import RefusedError


def controller_key(
    url: str, branch: str, inventory_path: str, filters: Sequence[str], hosts: Sequence[str]
) -> str:
    """Names what one controller owns: the repo, branch, inventory and shard."""
    ident = json.dumps(
        [url.rstrip("/"), branch, inventory_path, sorted(filters), sorted(hosts)],
        separators=(",", ":"),
    )
    return hashlib.sha256(ident.encode()).hexdigest()[:16]


class ControllerLock:
    """`with ControllerLock(path):` or acquire()/release(); a second holder gets RefusedError."""

    def __init__(self, path: Path, *, label: str = "") -> None:
        self.path = path
        self.label = label
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise RefusedError(
                f"another controller already runs for this repository{holder}; "
                "one controller per repository and shard",
                path=str(self.path),
            ) from None
        os.ftruncate(fd, 0)
        record = {"pid": os.getpid(), "started": int(time.time()), "label": self.label}
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing drops the flock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> ControllerLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        record = json.loads(raw) if raw.strip() else {}
    except (OSError, ValueError):
        return ""
    pid = record.get("pid") if isinstance(record, dict) else None
    return f" (pid {pid})" if isinstance(pid, int) else ""
