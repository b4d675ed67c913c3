"""NETCONF datastore locks (RFC 6241 §7.5, §7.6)."""

from __future__ import annotations

from typing import Literal

from nornir_flexvpn.lab.replies import rpc_error

LockableStore = Literal["running", "candidate", "startup"]


class LockTable:
    """Who holds which datastore; not thread-safe (the device serialises RPCs)."""

    def __init__(self) -> None:
        self._holders: dict[str, int] = {}

    def holder(self, store: LockableStore) -> int | None:
        return self._holders.get(store)

    def lock(self, store: LockableStore, session_id: int) -> None:
        holder = self._holders.get(store)
        if holder is not None:
            raise rpc_error(
                f"the {store} datastore is locked by session {holder}",
                "lock-denied",
                error_type="protocol",
                info={"session-id": str(holder)},
            )
        self._holders[store] = session_id

    def unlock(self, store: LockableStore, session_id: int) -> None:
        holder = self._holders.get(store)
        if holder != session_id:
            why = "not locked" if holder is None else f"locked by session {holder}"
            raise rpc_error(
                f"cannot unlock the {store} datastore: {why}",
                "operation-failed",
                error_type="protocol",
                info={"session-id": str(holder)} if holder is not None else None,
            )
        del self._holders[store]

    def check_writable(self, store: LockableStore, session_id: int) -> None:
        """Writing a datastore another session locked is in-use (RFC 6241 §7.5)."""
        holder = self._holders.get(store)
        if holder is not None and holder != session_id:
            raise rpc_error(
                f"the {store} datastore is locked by session {holder}",
                "in-use",
                error_type="protocol",
                info={"session-id": str(holder)},
            )

    def release_all(self, session_id: int) -> list[str]:
        released = [s for s, h in self._holders.items() if h == session_id]
        for store in released:
            del self._holders[store]
        return released
