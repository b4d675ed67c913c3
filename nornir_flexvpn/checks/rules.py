"""The checks: pure functions from (intent, state) to a verdict with a one-line reason.

Each check names the object it judges and why it fails, so a failed commit
gate reads as an answer ("sessions: SA 3 negotiated aes-cbc/sha512/group 5,
intended aes-cbc/sha256/group 14"). Checks that need a model the release
lacks say `not available on <release>`; they never pass by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nornir_flexvpn.checks.crypto_oper import Ikev2Sa, IpsecIdent
from nornir_flexvpn.checks.results import CheckResult, Severity, Status
from nornir_flexvpn.checks.state import HeadendState
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.models import FlexVpnIntent, TransformSet

# IOS-XE's IKEv2 smart default proposal (used when the intent has no policy).
Proposal = tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]
SMART_DEFAULT: Proposal = (
    ("aes-cbc",),
    ("sha512", "sha384", "sha256", "sha1", "md5"),
    (5, 2),
)
_ESP_CIPHER = {"esp-aes": "esp-aes-cbc", "esp-gcm": "esp-aes-gcm", "esp-3des": "esp-3-des"}
_ESP_HMAC = {
    "esp-sha-hmac": "esp-hmac-sha",
    "esp-sha256-hmac": "esp-hmac-sha256",
    "esp-sha384-hmac": "esp-hmac-sha384",
    "esp-sha512-hmac": "esp-hmac-sha512",
}


@dataclass(frozen=True)
class CheckOptions:
    cert_warn_days: int = 30
    # Warn when at most this share of a pool is left; fail when none is.
    pool_warn_free: float = 0.2
    # Users a change may drop before the gate fails it.
    drop_threshold: int = 0


@dataclass(frozen=True)
class CheckContext:
    intent: FlexVpnIntent
    state: HeadendState
    options: CheckOptions
    now: dt.datetime
    sessions_before: int | None = None

    @property
    def release(self) -> str:
        return self.state.release.value


Check = Callable[[CheckContext], CheckResult]


def _r(
    check_id: str,
    severity: Severity,
    status: Status,
    reason: str,
    details: Sequence[str] = (),
) -> CheckResult:
    return CheckResult(check_id, severity, status, reason, tuple(details))


def _unavailable(check_id: str, severity: Severity, ctx: CheckContext, what: str) -> CheckResult:
    return _r(check_id, severity, Status.NOT_AVAILABLE, f"not available on {ctx.release} ({what})")


# --- trustpoint / certificate ------------------------------------------------------------
def check_trustpoint(ctx: CheckContext) -> CheckResult:
    cid, sev = "trustpoint", Severity.CRITICAL
    tp = ctx.intent.trustpoint
    if tp is None:
        return _r(cid, sev, Status.PASS, "the intent manages no trustpoint")
    if ctx.state.trustpoints is None:
        return _unavailable(cid, sev, ctx, "no Cisco-IOS-XE-crypto-pki-oper")
    found = ctx.state.trustpoints.get(tp.name)
    if found is None:
        return _r(cid, sev, Status.FAIL, f"trustpoint {tp.name} has no certificate installed")
    if found.enrolled is False:
        return _r(cid, sev, Status.FAIL, f"trustpoint {tp.name} is not enrolled")
    return _r(cid, sev, Status.PASS, f"trustpoint {tp.name} installed and enrolled")


def check_certificate(ctx: CheckContext) -> CheckResult:
    cid, sev = "certificate", Severity.CRITICAL
    tp = ctx.intent.trustpoint
    if tp is None:
        return _r(cid, sev, Status.PASS, "the intent manages no trustpoint")
    if ctx.state.trustpoints is None:
        return _unavailable(cid, sev, ctx, "no Cisco-IOS-XE-crypto-pki-oper")
    found = ctx.state.trustpoints.get(tp.name)
    if found is None:
        return _r(cid, sev, Status.FAIL, f"trustpoint {tp.name} has no certificate")
    if not found.certificates_reported:
        return _unavailable(cid, sev, ctx, "crypto-pki-oper lists no certificates")
    cert = found.identity
    if cert is None:
        return _r(cid, sev, Status.FAIL, f"trustpoint {tp.name} lists no identity certificate")
    who = cert.subject or "?"
    details = [f"subject {who}", f"issuer {cert.issuer or '?'}"]
    if cert.not_after is not None:
        details.append(f"valid until {cert.not_after:%Y-%m-%d %H:%M} UTC")
    if cert.self_signed:
        return _r(
            cid,
            sev,
            Status.FAIL,
            f"certificate {who} of {tp.name} is self-signed (AnyConnect-EAP needs a CA-issued one)",
            details,
        )
    if cert.not_after is None or cert.not_before is None:
        return _r(cid, sev, Status.FAIL, f"certificate {who} of {tp.name} reports no validity")
    if ctx.now > cert.not_after:
        return _r(
            cid,
            sev,
            Status.FAIL,
            f"certificate {who} of {tp.name} expired on {cert.not_after:%Y-%m-%d}",
            details,
        )
    if ctx.now < cert.not_before:
        return _r(
            cid,
            sev,
            Status.FAIL,
            f"certificate {who} of {tp.name} is not valid before {cert.not_before:%Y-%m-%d}",
            details,
        )
    left = cert.not_after - ctx.now
    if left <= dt.timedelta(days=ctx.options.cert_warn_days):
        return _r(
            cid,
            Severity.WARNING,
            Status.WARN,
            f"certificate {who} of {tp.name} expires in {left.days} days "
            f"(on {cert.not_after:%Y-%m-%d})",
            details,
        )
    return _r(
        cid, sev, Status.PASS, f"{who} issued by {cert.issuer}, {left.days} days left", details
    )


# --- interfaces ---------------------------------------------------------------------------------
def check_loopback(ctx: CheckContext) -> CheckResult:
    cid, sev = "loopback", Severity.CRITICAL
    if not ctx.intent.loopbacks:
        return _r(cid, sev, Status.PASS, "the intent has no loopback")
    problems, fine = [], []
    for lo in ctx.intent.loopbacks:
        name = f"Loopback{lo.number}"
        itf = ctx.state.interfaces.get(name)
        if itf is None:
            problems.append(f"{name} does not exist")
        elif not itf.up:
            problems.append(f"{name} is {itf.status}")
        elif itf.address is not None and itf.address != str(lo.address):
            problems.append(f"{name} has address {itf.address}, intended {lo.address}")
        else:
            fine.append(f"{name} up ({itf.address or 'no address'})")
    if problems:
        return _r(cid, sev, Status.FAIL, "; ".join(problems), fine)
    return _r(cid, sev, Status.PASS, "; ".join(fine))


def check_virtual_template(ctx: CheckContext) -> CheckResult:
    cid, sev = "virtual-template", Severity.CRITICAL
    problems, fine = [], []
    for vt in ctx.intent.virtual_templates:
        name = f"Virtual-Template{vt.number}"
        running = ctx.state.running.templates.get(vt.number)
        if running is None:
            problems.append(f"{name} is not configured")
            continue
        if vt.ipsec_profile is not None and not ctx.state.models.template_protection:
            return _unavailable(
                cid,
                sev,
                ctx,
                f"{name} is configured; the models cannot show its tunnel protection",
            )
        if vt.ipsec_profile is not None and running.ipsec_profile != vt.ipsec_profile:
            bound = running.ipsec_profile or "no tunnel protection"
            problems.append(
                f"{name} is not bound to IPsec profile {vt.ipsec_profile} (running: {bound})"
            )
            continue
        if ctx.state.interfaces and name not in ctx.state.interfaces:
            problems.append(f"{name} is configured but interfaces-oper does not list it")
            continue
        fine.append(f"{name} bound to IPsec profile {running.ipsec_profile}")
    if problems:
        return _r(cid, sev, Status.FAIL, "; ".join(problems), fine)
    return _r(cid, sev, Status.PASS, "; ".join(fine) or "the intent has no Virtual-Template")


# --- pool -----------------------------------------------------------------------------------------
def check_pool(ctx: CheckContext) -> CheckResult:
    cid = "pool"
    problems: list[tuple[Status, str]] = []
    fine: list[str] = []
    for pool in ctx.intent.pools:
        running = ctx.state.running.pools.get(pool.name)
        if running is None:
            problems.append((Status.FAIL, f"pool {pool.name} is not configured"))
            continue
        if ctx.state.crypto is None:
            return _unavailable(
                cid,
                Severity.WARNING,
                ctx,
                f"pool {pool.name} has {running.size} addresses; addresses in use need crypto-oper",
            )
        used = sum(1 for i in ctx.state.crypto.ipsec if running.holds(i.remote_ident[0]))
        free = running.size - used
        text = f"pool {pool.name}: size {running.size}, in use {used}, free {free}"
        if free <= 0:
            problems.append((Status.FAIL, f"{text} (exhausted)"))
        elif free / running.size <= ctx.options.pool_warn_free:
            problems.append((Status.WARN, f"{text} (nearly exhausted)"))
        else:
            fine.append(text)
    if any(status is Status.FAIL for status, _ in problems):
        reason = "; ".join(t for _, t in problems)
        return _r(cid, Severity.CRITICAL, Status.FAIL, reason, fine)
    if problems:
        return _r(cid, Severity.WARNING, Status.WARN, "; ".join(t for _, t in problems), fine)
    return _r(cid, Severity.WARNING, Status.PASS, "; ".join(fine) or "the intent has no pool")


# --- sessions -------------------------------------------------------------------------------------
def intended_proposals(
    intent: FlexVpnIntent,
) -> list[Proposal]:
    """(encryption families, integrity, groups) the policies offer; smart default without."""
    by_name = {p.name: p for p in intent.proposals}
    out: list[Proposal] = []
    for policy in intent.policies:
        for name in policy.proposals:
            p = by_name.get(name)
            if p is None:
                raise IntentError(
                    f"policy {policy.name} names unknown proposal {name}", path="policies"
                )
            families = tuple(dict.fromkeys(e.rsplit("-", 1)[0] for e in p.encryption))
            out.append((families, tuple(p.integrity), tuple(int(g) for g in p.group)))
    return out or [SMART_DEFAULT]


def intended_esp(ts: TransformSet) -> tuple[str, ...]:
    """The crypto-transform bits an SA of `ts` reports ("esp-aes-cbc-256", "esp-hmac-sha256")."""
    cipher = _ESP_CIPHER[ts.encryption]
    if ts.encryption != "esp-3des" and ts.key_bits not in (None, 128):
        cipher = f"{cipher}-{ts.key_bits}"
    bits = [cipher]
    if ts.integrity is not None:
        bits.append(_ESP_HMAC[ts.integrity])
    return tuple(bits)


def _esp_sets(intent: FlexVpnIntent) -> list[tuple[str, ...]]:
    names = {p.transform_set for p in intent.ipsec_profiles}
    return [intended_esp(ts) for ts in intent.transform_sets if ts.name in names]


def _key_ids(intent: FlexVpnIntent) -> set[str]:
    return {k for p in intent.ikev2_profiles for k in p.match_key_ids}


def _sa_problems(
    sa: Ikev2Sa,
    ident: IpsecIdent | None,
    proposals: list[Proposal],
    esp_sets: list[tuple[str, ...]],
) -> list[str]:
    where = f"SA {sa.sa_id} ({sa.remote_ip or '?'})"
    out = []
    if not sa.ready:
        out.append(f"{where} is {sa.status or 'in no state'}, not READY")
    matches = any(
        sa.encryption in families
        and (sa.integrity in integrity or (sa.encryption or "").endswith("gcm"))
        and sa.dh_group in groups
        for families, integrity, groups in proposals
    )
    if not matches:
        want = " or ".join(
            f"{'/'.join(f)}/{'/'.join(i)}/group {','.join(str(g) for g in gr)}"
            for f, i, gr in proposals
        )
        out.append(f"{where} negotiated {sa.proposal}, intended {want}")
    if sa.local_auth != "rsa-sig":
        out.append(f"{where} local auth {sa.local_auth or 'none'}, intended rsa-sig")
    if sa.remote_auth != "anyconnect-eap":
        out.append(f"{where} peer auth {sa.remote_auth or 'none'}, intended anyconnect-eap")
    if ident is None:
        out.append(f"{where} has no IPsec SA")
    elif not ident.up:
        out.append(f"{where}: IPsec SAs on {ident.interface} are not both up")
    elif (
        esp_sets
        and ident.inbound is not None
        and not any(set(bits) <= set(ident.inbound.transforms) for bits in esp_sets)
    ):
        have = " ".join(ident.inbound.transforms) or "none"
        out.append(
            f"{where}: ESP {have} on {ident.interface}, intended "
            + " or ".join(" ".join(b) for b in esp_sets)
        )
    return out


def check_sessions(ctx: CheckContext) -> CheckResult:
    cid, sev = "sessions", Severity.CRITICAL
    crypto = ctx.state.crypto
    if crypto is None:
        return _unavailable(cid, sev, ctx, "no Cisco-IOS-XE-crypto-oper")
    proposals = intended_proposals(ctx.intent)
    esp_sets = _esp_sets(ctx.intent)
    key_ids = _key_ids(ctx.intent)
    problems: list[str] = []
    seen = 0
    for sa in crypto.ikev2_sas:
        if sa.remote_id is not None and sa.remote_id not in key_ids:
            continue  # another IKEv2 profile's peer
        seen += 1
        problems += _sa_problems(sa, crypto.ident_for(sa), proposals, esp_sets)
    peers = (
        f"; AnyConnect peers {crypto.anyconnect_peers}"
        if crypto.anyconnect_peers is not None
        else ""
    )
    if problems:
        return _r(
            cid,
            sev,
            Status.FAIL,
            "; ".join(problems[:3])
            + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""),
            problems,
        )
    return _r(
        cid,
        sev,
        Status.PASS,
        f"{seen} IKEv2 SA(s) READY with the intended proposal, each with its IPsec SAs up{peers}",
    )


def check_users_dropped(ctx: CheckContext) -> CheckResult:
    cid, sev = "users-dropped", Severity.CRITICAL
    after = ctx.state.session_count
    if after is None:
        return _unavailable(cid, sev, ctx, "no Cisco-IOS-XE-crypto-oper to count sessions")
    if ctx.sessions_before is None:
        return _r(cid, sev, Status.NOT_AVAILABLE, "no session count from before a change")
    dropped = ctx.sessions_before - after
    text = f"active sessions before {ctx.sessions_before}, after {after}"
    if dropped > ctx.options.drop_threshold:
        return _r(
            cid,
            sev,
            Status.FAIL,
            f"{dropped} user(s) dropped by the change ({text}; threshold "
            f"{ctx.options.drop_threshold})",
        )
    return _r(cid, sev, Status.PASS, text)


CHECKS: dict[str, Check] = {
    "trustpoint": check_trustpoint,
    "certificate": check_certificate,
    "loopback": check_loopback,
    "virtual-template": check_virtual_template,
    "pool": check_pool,
    "sessions": check_sessions,
    "users-dropped": check_users_dropped,
}
# `config-readback` and `probe` need the device beyond a state read (verify.py runs them).
ALL_CHECK_IDS = ("config-readback", *CHECKS, "probe")
VERIFY_CHECKS = (
    "config-readback",
    "trustpoint",
    "certificate",
    "loopback",
    "virtual-template",
    "pool",
    "sessions",
)
GATE_CHECKS = ("loopback", "virtual-template", "sessions", "users-dropped")


def known_ids(ids: Sequence[str]) -> list[str]:
    unknown = [i for i in ids if i not in ALL_CHECK_IDS]
    if unknown:
        raise IntentError(
            f"unknown check {unknown[0]!r}; known: {', '.join(ALL_CHECK_IDS)}", path="checks"
        )
    return list(dict.fromkeys(ids))


def run_checks(
    ids: Sequence[str],
    intent: FlexVpnIntent,
    state: HeadendState,
    *,
    options: CheckOptions | None = None,
    sessions_before: int | None = None,
    now: dt.datetime | None = None,
) -> list[CheckResult]:
    """The verdicts of the state checks among `ids` (others are skipped here)."""
    ctx = CheckContext(
        intent=intent,
        state=state,
        options=options or CheckOptions(),
        now=now or state.read_at,
        sessions_before=sessions_before,
    )
    return [CHECKS[i](ctx) for i in known_ids(ids) if i in CHECKS]
