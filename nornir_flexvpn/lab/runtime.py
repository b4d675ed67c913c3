"""A lab headend's run-time state beside its datastores: PKI, client sessions.

One `LabRuntime` per `LabDevice` (`device.runtime`). Creating it registers
the operational-data providers (crypto-oper, crypto-pki-oper,
interfaces-oper) and the hook that re-checks client sessions whenever the
running configuration changes.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from nornir_flexvpn.lab import clients, crypto_oper, interfaces_oper, pki_oper
from nornir_flexvpn.lab.clients import ClientSession, DroppedSession
from nornir_flexvpn.lab.pki import Trustpoint

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice


class LabRuntime:
    """Trustpoints and AnyConnect sessions of one headend (guarded by `device.lock`)."""

    def __init__(self, device: LabDevice) -> None:
        self.trustpoints: dict[str, Trustpoint] = {}
        self.sessions: dict[int, ClientSession] = {}
        self.dropped: list[DroppedSession] = []
        self.ikev2_stats = {"accepted": 0, "rejected": 0}
        self._ids = itertools.count(1)
        device.register_state(crypto_oper.crypto_oper_state)
        device.register_state(pki_oper.pki_oper_state)
        device.register_state(interfaces_oper.interfaces_oper_state)
        device.running_listeners.append(clients.revalidate_sessions)

    def next_id(self) -> int:
        return next(self._ids)

    def free_virtual_access(self) -> int:
        """IOS reuses the lowest free Virtual-Access number."""
        used = {s.virtual_access for s in self.sessions.values()}
        number = 1
        while number in used:
            number += 1
        return number
