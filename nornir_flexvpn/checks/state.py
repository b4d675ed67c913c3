"""One read of a headend's state: what the checks and the `show` rendering look at.

Four filtered <get>s (running facts, crypto-oper, crypto-pki-oper,
interfaces-oper), each asking for the subtrees the release's models have
and the checks need. A module the release lacks is not asked for; its part
of the state is None, which the checks report as not available.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nornir_flexvpn.checks.config_read import RunningFacts, parse_running
from nornir_flexvpn.checks.crypto_oper import CryptoState, parse_crypto
from nornir_flexvpn.checks.interfaces_oper import InterfaceState, parse_interfaces
from nornir_flexvpn.checks.pki_oper import TrustpointState, parse_pki
from nornir_flexvpn.checks.source import (
    CRYPTO_PARTS,
    OperSource,
    config_filter,
    crypto_filter,
    interfaces_filter,
    pki_filter,
)
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.namespaces import (
    CRYPTO,
    CRYPTO_OPER,
    CRYPTO_PKI_OPER,
    INTERFACES_OPER,
    NATIVE,
    TUNNEL,
)
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.index import SchemaIndex


@dataclass(frozen=True)
class HeadendState:
    release: Release
    running: RunningFacts
    interfaces: dict[str, InterfaceState]
    crypto: CryptoState | None  # None: the release has no crypto-oper
    trustpoints: dict[str, TrustpointState] | None  # None: no crypto-pki-oper
    read_at: dt.datetime
    models: ReleaseModels

    @property
    def session_count(self) -> int | None:
        """Active AnyConnect sessions (IKEv2 SAs READY), None where unknowable."""
        if self.crypto is None:
            return None
        return sum(1 for sa in self.crypto.ikev2_sas if sa.ready)


@dataclass(frozen=True)
class ReleaseModels:
    """Which operational models (and parts of them) a release has."""

    crypto_parts: tuple[str, ...]
    pki: bool
    pki_certificates: bool
    interfaces: bool
    # 16.9.1's native model cannot carry `tunnel protection` on a Virtual-Template.
    template_protection: bool

    @property
    def crypto(self) -> bool:
        return bool(self.crypto_parts)

    @classmethod
    def of(cls, release: Release) -> ReleaseModels:
        index = SchemaIndex.for_release(release)
        crypto = index.root(CRYPTO_OPER, "crypto-oper-data")
        parts = (
            tuple(p for p in CRYPTO_PARTS if index.child(crypto, CRYPTO_OPER, p) is not None)
            if crypto is not None
            else ()
        )
        bundle = index.lookup(
            [(CRYPTO_PKI_OPER, "crypto-pki-oper-data"), (CRYPTO_PKI_OPER, "crypto-pki-bundle")]
        )
        return cls(
            crypto_parts=parts,
            pki=bundle is not None,
            pki_certificates=bundle is not None
            and index.child(bundle, CRYPTO_PKI_OPER, "cert") is not None,
            interfaces=index.root(INTERFACES_OPER, "interfaces") is not None,
            template_protection=index.lookup(
                [
                    (NATIVE, "native"),
                    (NATIVE, "interface"),
                    (NATIVE, "Virtual-Template"),
                    (TUNNEL, "tunnel"),
                    (TUNNEL, "protection"),
                    (CRYPTO, "ipsec"),
                ]
            )
            is not None,
        )


def interface_names(intent: FlexVpnIntent) -> list[str]:
    return [f"Loopback{lo.number}" for lo in intent.loopbacks] + [
        f"Virtual-Template{vt.number}" for vt in intent.virtual_templates
    ]


def trustpoint_names(intent: FlexVpnIntent) -> list[str]:
    names = [intent.trustpoint.name] if intent.trustpoint is not None else []
    for profile in intent.ikev2_profiles:
        if profile.trustpoint and profile.trustpoint not in names:
            names.append(profile.trustpoint)
    return names


def read_state(
    source: OperSource,
    release: Release,
    intent: FlexVpnIntent,
    *,
    now: dt.datetime | None = None,
) -> HeadendState:
    """Read what the checks need for `intent` on `release` (4 filtered gets at most)."""
    models = ReleaseModels.of(release)
    running = parse_running(
        source.get(
            config_filter(
                [p.name for p in intent.pools], [vt.number for vt in intent.virtual_templates]
            )
        )
    )
    crypto = parse_crypto(source.get(crypto_filter(models.crypto_parts))) if models.crypto else None
    trustpoints = None
    names = trustpoint_names(intent)
    if models.pki:
        trustpoints = (
            parse_pki(source.get(pki_filter(names)), with_certificates=models.pki_certificates)
            if names
            else {}
        )
    wanted = interface_names(intent)
    if crypto is not None:
        wanted += [i.interface for i in crypto.ipsec if i.interface not in wanted]
    interfaces = parse_interfaces(source.get(interfaces_filter(wanted))) if wanted else {}
    return HeadendState(
        release=release,
        running=running,
        interfaces=interfaces,
        crypto=crypto,
        trustpoints=trustpoints,
        read_at=now or dt.datetime.now(dt.UTC),
        models=models,
    )
