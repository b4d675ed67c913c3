"""Ctrl-C during a rollout: the first one stops starting hosts and lets every
in-flight transaction finish (or roll back); a second one is a plain
KeyboardInterrupt. Worker threads never see the signal, so no transaction is
cut in half by it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def graceful_interrupt(on_interrupt: Callable[[], None]) -> Iterator[None]:
    """Route the first SIGINT to `on_interrupt` (only from the main thread, where
    signal handlers live; elsewhere this does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        on_interrupt()

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
