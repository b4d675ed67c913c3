"""Step 3: `ip local pool NAME START END`."""

from __future__ import annotations

from nornir_flexvpn.intent.models import AddressPool
from nornir_flexvpn.namespaces import NATIVE
from nornir_flexvpn.payload.elements import chain, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.releases import Release


def build_pools(pools: list[AddressPool], release: Release) -> Fragment:
    """`<ip><local><pool>` entries (same shape on every release)."""
    del release
    fragment = Fragment("pool")
    if not pools:
        return fragment
    local = chain(fragment.add(element(NATIVE, "ip")), "local")
    for pool in pools:
        entry = leaf(local, "pool")
        leaf(entry, "id", pool.name)
        leaf(entry, "start", str(pool.start))
        leaf(entry, "last", str(pool.end))
    return fragment
