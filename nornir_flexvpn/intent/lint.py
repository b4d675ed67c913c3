"""The document's rules, checked on an intent before anything is rendered.

Each rule has an id, a severity ("error" stops a rollout, "warning" is
reported), the path of the field it is about, and a message. Release facts
(name lengths, algorithms) come from the release's YANG models via
intent.release_facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from ipaddress import IPv4Address
from typing import Literal

from nornir_flexvpn.errors import LintError, LintFinding
from nornir_flexvpn.intent.models import (
    ExtendedAcl,
    FlexVpnIntent,
    SecretRef,
    StandardAcl,
)
from nornir_flexvpn.intent.release_facts import ReleaseFacts, release_facts
from nornir_flexvpn.releases import Release

Severity = Literal["error", "warning"]

# Rule ids, for filtering and for tests.
EAP_NEEDS_CERT = "eap-needs-certificate"
UNRESOLVED = "unresolved-reference"
POOL_RANGE = "pool-range"
POOL_LOOPBACK = "pool-overlaps-loopback"
NAT_COVERS_POOL = "nat-acl-covers-pool"
NAME_LENGTH = "name-too-long"
ALGORITHM = "algorithm-unsupported"
DUPLICATE = "duplicate-name"
TYPE0_PASSWORD = "type0-password"
DEMO_SECRET = "demo-secret"

# Above this many addresses the NAT check samples the pool's ends only.
_MAX_ENUMERATED_POOL = 65536


def _finding(rule: str, severity: Severity, path: str, message: str) -> LintFinding:
    return LintFinding(rule=rule, severity=severity, path=path, message=message)


# --- references ----------------------------------------------------------------------------------
def _references(intent: FlexVpnIntent) -> Iterator[LintFinding]:
    pools = {p.name for p in intent.pools}
    acls = {a.name for a in intent.acls}
    transform_sets = {t.name for t in intent.transform_sets}
    ikev2_profiles = {p.name for p in intent.ikev2_profiles}
    ipsec_profiles = {p.name for p in intent.ipsec_profiles}
    templates = {v.number for v in intent.virtual_templates}
    loopbacks = {lo.number for lo in intent.loopbacks}
    login_lists = {m.name for m in intent.aaa.authentication_login}
    network_lists = {m.name for m in intent.aaa.authorization_network}
    policies = {p.name for p in intent.authorization_policies}
    anyconnect = {p.name for p in intent.anyconnect_profiles}
    proposals = {p.name for p in intent.proposals}
    trustpoints = {intent.trustpoint.name} if intent.trustpoint else set()

    def missing(
        path: str, what: str, name: str | int | None, known: set[str] | set[int]
    ) -> Iterator[LintFinding]:
        if name is not None and name not in known:
            have = ", ".join(str(k) for k in sorted(known, key=str)) or "none defined"
            yield _finding(UNRESOLVED, "error", path, f"{what} {name!r} is not defined ({have})")

    for i, ap in enumerate(intent.authorization_policies):
        yield from missing(f"authorization_policies[{i}].pool", "pool", ap.pool, pools)
        yield from missing(
            f"authorization_policies[{i}].route_set_acl", "access list", ap.route_set_acl, acls
        )
    for i, policy in enumerate(intent.policies):
        for j, proposal in enumerate(policy.proposals):
            yield from missing(
                f"policies[{i}].proposals[{j}]", "IKEv2 proposal", proposal, proposals
            )
    for i, prof in enumerate(intent.ikev2_profiles):
        base = f"ikev2_profiles[{i}]"
        yield from missing(f"{base}.trustpoint", "trustpoint", prof.trustpoint, trustpoints)
        yield from missing(
            f"{base}.aaa_authentication_anyconnect_eap",
            "AAA login list",
            prof.aaa_authentication_anyconnect_eap,
            login_lists,
        )
        if prof.aaa_authorization_group is not None:
            group = prof.aaa_authorization_group
            yield from missing(
                f"{base}.aaa_authorization_group.list",
                "AAA network list",
                group.list,
                network_lists,
            )
            yield from missing(
                f"{base}.aaa_authorization_group.policy",
                "IKEv2 authorization policy",
                group.policy,
                policies,
            )
        yield from missing(
            f"{base}.virtual_template", "Virtual-Template", prof.virtual_template, templates
        )
        yield from missing(
            f"{base}.anyconnect_profile", "AnyConnect profile", prof.anyconnect_profile, anyconnect
        )
    for i, ipsec in enumerate(intent.ipsec_profiles):
        yield from missing(
            f"ipsec_profiles[{i}].transform_set",
            "transform set",
            ipsec.transform_set,
            transform_sets,
        )
        yield from missing(
            f"ipsec_profiles[{i}].ikev2_profile",
            "IKEv2 profile",
            ipsec.ikev2_profile,
            ikev2_profiles,
        )
    for i, vt in enumerate(intent.virtual_templates):
        yield from missing(
            f"virtual_templates[{i}].unnumbered_loopback",
            "Loopback",
            vt.unnumbered_loopback,
            loopbacks,
        )
        yield from missing(
            f"virtual_templates[{i}].ipsec_profile",
            "IPsec profile",
            vt.ipsec_profile,
            ipsec_profiles,
        )
    if intent.nat is not None:
        for i, rule in enumerate(intent.nat.inside_source):
            yield from missing(f"nat.inside_source[{i}].acl", "access list", rule.acl, acls)


# --- authentication ------------------------------------------------------------------------------
def _eap(intent: FlexVpnIntent) -> Iterator[LintFinding]:
    for i, prof in enumerate(intent.ikev2_profiles):
        if prof.remote_auth != "anyconnect-eap":
            continue
        if prof.local_auth != "rsa-sig":
            yield _finding(
                EAP_NEEDS_CERT,
                "error",
                f"ikev2_profiles[{i}].local_auth",
                "remote anyconnect-eap needs local authentication rsa-sig",
            )
        if prof.trustpoint is None:
            yield _finding(
                EAP_NEEDS_CERT,
                "error",
                f"ikev2_profiles[{i}].trustpoint",
                "remote anyconnect-eap needs local rsa-sig with a trustpoint "
                "(a CA-signed, not self-signed, certificate)",
            )


# --- addresses -----------------------------------------------------------------------------------
def _pools(intent: FlexVpnIntent) -> Iterator[LintFinding]:
    for i, pool in enumerate(intent.pools):
        if pool.start > pool.end:
            yield _finding(
                POOL_RANGE,
                "error",
                f"pools[{i}].end",
                f"pool {pool.name}: end {pool.end} is below start {pool.start}",
            )
            continue
        for j, loopback in enumerate(intent.loopbacks):
            if pool.start <= loopback.address <= pool.end:
                yield _finding(
                    POOL_LOOPBACK,
                    "error",
                    f"pools[{i}]",
                    f"pool {pool.name} ({pool.start}-{pool.end}) contains Loopback"
                    f"{loopback.number} address {loopback.address} (loopbacks[{j}])",
                )


def _wildcard_match(address: IPv4Address, base: IPv4Address, wildcard: IPv4Address) -> bool:
    care = ~int(wildcard) & 0xFFFFFFFF
    return int(address) & care == int(base) & care


def _source_matches(source: str, address: IPv4Address) -> bool | None:
    """Whether an extended ACE's source covers `address`; None if unreadable."""
    words = source.split()
    try:
        if words == ["any"]:
            return True
        if len(words) == 2 and words[0] == "host":
            return address == IPv4Address(words[1])
        if len(words) == 2:
            return _wildcard_match(address, IPv4Address(words[0]), IPv4Address(words[1]))
    except ValueError:
        return None
    return None


def _permits(acl: StandardAcl | ExtendedAcl, address: IPv4Address) -> bool:
    """First-match semantics, implicit deny at the end."""
    if isinstance(acl, StandardAcl):
        for ace in acl.entries:
            if _wildcard_match(address, ace.prefix, ace.wildcard):
                return ace.action == "permit"
        return False
    for ext in acl.entries:
        if ext.protocol != "ip":
            continue  # only an `ip` entry translates all of a client's traffic
        if _source_matches(ext.source, address):
            return ext.action == "permit"
    return False


def _pool_addresses(start: IPv4Address, end: IPv4Address) -> Iterable[IPv4Address]:
    if int(end) - int(start) < _MAX_ENUMERATED_POOL:
        return (IPv4Address(a) for a in range(int(start), int(end) + 1))
    return (start, end)


def _nat(intent: FlexVpnIntent) -> Iterator[LintFinding]:
    if intent.nat is None or not intent.nat.inside_source:
        return
    by_name = {a.name: a for a in intent.acls}
    nat_acls = [by_name[r.acl] for r in intent.nat.inside_source if r.acl in by_name]
    if not nat_acls:
        return  # the unresolved reference is reported on its own
    names = ", ".join(a.name for a in nat_acls)
    for i, pool in enumerate(intent.pools):
        if pool.start > pool.end:
            continue
        for address in _pool_addresses(pool.start, pool.end):
            if not any(_permits(acl, address) for acl in nat_acls):
                yield _finding(
                    NAT_COVERS_POOL,
                    "warning",
                    f"pools[{i}]",
                    f"NAT access list {names} does not permit pool {pool.name} address "
                    f"{address}: those clients get no translated internet access",
                )
                break


# --- names ---------------------------------------------------------------------------------------
def _named(intent: FlexVpnIntent) -> dict[str, list[tuple[str, str]]]:
    """Facts key -> (path of the name, name) for every named object."""

    def each(prefix: str, names: Iterable[str]) -> list[tuple[str, str]]:
        return [(f"{prefix}[{i}].name", n) for i, n in enumerate(names)]

    acls = list(enumerate(intent.acls))
    return {
        "aaa.authentication_login": each(
            "aaa.authentication_login", (m.name for m in intent.aaa.authentication_login)
        ),
        "aaa.authorization_network": each(
            "aaa.authorization_network", (m.name for m in intent.aaa.authorization_network)
        ),
        "aaa.users": each("aaa.users", (u.name for u in intent.aaa.users)),
        "trustpoint": [("trustpoint.name", intent.trustpoint.name)] if intent.trustpoint else [],
        "pools": each("pools", (p.name for p in intent.pools)),
        "authorization_policies": each(
            "authorization_policies", (p.name for p in intent.authorization_policies)
        ),
        "proposals": each("proposals", (p.name for p in intent.proposals)),
        "policies": each("policies", (p.name for p in intent.policies)),
        "anyconnect_profiles": each(
            "anyconnect_profiles", (p.name for p in intent.anyconnect_profiles)
        ),
        "ikev2_profiles": each("ikev2_profiles", (p.name for p in intent.ikev2_profiles)),
        "transform_sets": each("transform_sets", (t.name for t in intent.transform_sets)),
        "ipsec_profiles": each("ipsec_profiles", (p.name for p in intent.ipsec_profiles)),
        "acls.standard": [(f"acls[{i}].name", a.name) for i, a in acls if a.kind == "standard"],
        "acls.extended": [(f"acls[{i}].name", a.name) for i, a in acls if a.kind == "extended"],
    }


_WHAT = {
    "aaa.authentication_login": "AAA login list",
    "aaa.authorization_network": "AAA network list",
    "aaa.users": "user name",
    "trustpoint": "trustpoint name",
    "pools": "pool name",
    "authorization_policies": "authorization policy name",
    "proposals": "proposal name",
    "policies": "policy name",
    "anyconnect_profiles": "AnyConnect profile name",
    "ikev2_profiles": "IKEv2 profile name",
    "transform_sets": "transform-set name",
    "ipsec_profiles": "IPsec profile name",
    "acls.standard": "access list name",
    "acls.extended": "access list name",
}


def _names(intent: FlexVpnIntent, facts: ReleaseFacts) -> Iterator[LintFinding]:
    for key, entries in _named(intent).items():
        limit = facts.name_max_length.get(key)
        if limit is None:
            continue
        for path, name in entries:
            if len(name) > limit:
                yield _finding(
                    NAME_LENGTH,
                    "error",
                    path,
                    f"{_WHAT[key]} {name!r} is {len(name)} characters; "
                    f"{facts.release.value} accepts at most {limit}",
                )


def _duplicates(intent: FlexVpnIntent) -> Iterator[LintFinding]:
    groups: dict[str, list[tuple[str, str | int]]] = {
        key: [(p, n) for p, n in entries]
        for key, entries in _named(intent).items()
        if not key.startswith("acls.")
    }
    # Standard and extended lists share one namespace on the device.
    groups["acls"] = [(f"acls[{i}].name", a.name) for i, a in enumerate(intent.acls)]
    groups["loopbacks"] = [
        (f"loopbacks[{i}].number", lo.number) for i, lo in enumerate(intent.loopbacks)
    ]
    groups["virtual_templates"] = [
        (f"virtual_templates[{i}].number", v.number) for i, v in enumerate(intent.virtual_templates)
    ]
    for key, entries in groups.items():
        first: dict[str | int, str] = {}
        for path, name in entries:
            if name in first:
                yield _finding(
                    DUPLICATE,
                    "error",
                    path,
                    f"{key} entry {name!r} is defined twice (first at {first[name]})",
                )
            else:
                first[name] = path


# --- algorithms ----------------------------------------------------------------------------------
def _algorithms(intent: FlexVpnIntent, facts: ReleaseFacts) -> Iterator[LintFinding]:
    rel = facts.release.value

    def unsupported(
        path: str, what: str, value: str | int, offered: Iterable[str | int]
    ) -> LintFinding:
        choices = ", ".join(str(o) for o in sorted(offered, key=str))
        return _finding(
            ALGORITHM, "error", path, f"{what} {value} is not offered by {rel} (offered: {choices})"
        )

    for i, prop in enumerate(intent.proposals):
        for j, enc in enumerate(prop.encryption):
            if enc not in facts.ikev2_encryption:
                yield unsupported(
                    f"proposals[{i}].encryption[{j}]",
                    "IKEv2 encryption",
                    enc,
                    facts.ikev2_encryption,
                )
        for j, integ in enumerate(prop.integrity):
            if integ not in facts.ikev2_integrity:
                yield unsupported(
                    f"proposals[{i}].integrity[{j}]",
                    "IKEv2 integrity",
                    integ,
                    facts.ikev2_integrity,
                )
        for j, group in enumerate(prop.group):
            if group not in facts.ikev2_dh_groups:
                yield unsupported(
                    f"proposals[{i}].group[{j}]", "DH group", group, facts.ikev2_dh_groups
                )
    for i, ts in enumerate(intent.transform_sets):
        if ts.encryption not in facts.esp_encryption:
            yield unsupported(
                f"transform_sets[{i}].encryption",
                "ESP encryption",
                ts.encryption,
                facts.esp_encryption,
            )
        if ts.key_bits is not None and ts.key_bits not in facts.esp_key_bits:
            yield unsupported(
                f"transform_sets[{i}].key_bits", "ESP key size", ts.key_bits, facts.esp_key_bits
            )
        if ts.integrity is not None and ts.integrity not in facts.esp_integrity:
            yield unsupported(
                f"transform_sets[{i}].integrity", "ESP integrity", ts.integrity, facts.esp_integrity
            )


# --- secrets -------------------------------------------------------------------------------------
def _secret_refs(intent: FlexVpnIntent) -> Iterator[tuple[str, SecretRef]]:
    for i, user in enumerate(intent.aaa.users):
        yield f"aaa.users[{i}].password", user.password
    if intent.trustpoint is not None:
        yield "trustpoint.passphrase", intent.trustpoint.passphrase


def _secrets(intent: FlexVpnIntent) -> Iterator[LintFinding]:
    for i, user in enumerate(intent.aaa.users):
        if user.hash == "none":
            yield _finding(
                TYPE0_PASSWORD,
                "warning",
                f"aaa.users[{i}].hash",
                f"user {user.name} is sent as a type-0 (clear text) password; "
                "set `hash: scrypt` to send only a type-9 hash",
            )
    for path, ref in _secret_refs(intent):
        if ref.demo:
            sources = [f"env:{ref.env}" if ref.env else "", f"file:{ref.file}" if ref.file else ""]
            given = " or ".join(s for s in sources if s)
            when = f"when {given} is not set" if given else "always"
            yield _finding(
                DEMO_SECRET,
                "warning",
                path,
                f"falls back to the document's public demo value {when}; "
                "remove `demo: true` outside labs",
            )


# --- entry points --------------------------------------------------------------------------------
def lint(
    intent: FlexVpnIntent, release: Release, *, facts: ReleaseFacts | None = None
) -> list[LintFinding]:
    """Every finding, errors first, each group in field order.

    `facts` defaults to what the release's models say (release_facts).
    """
    facts = facts or release_facts(release)
    findings = [
        *_eap(intent),
        *_references(intent),
        *_pools(intent),
        *_nat(intent),
        *_names(intent, facts),
        *_duplicates(intent),
        *_algorithms(intent, facts),
        *_secrets(intent),
    ]
    return sorted(findings, key=lambda f: f.severity != "error")


def ensure_clean(
    intent: FlexVpnIntent, release: Release, *, facts: ReleaseFacts | None = None
) -> list[LintFinding]:
    """Raise LintError if any rule fails with severity error; return the warnings."""
    findings = lint(intent, release, facts=facts)
    if any(f.severity == "error" for f in findings):
        raise LintError(findings)
    return findings
