"""The checks as pure functions: time, thresholds, intended algorithms, check selection."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from nornir_flexvpn.checks.gate import CommitGate
from nornir_flexvpn.checks.results import Status
from nornir_flexvpn.checks.rules import (
    SMART_DEFAULT,
    CheckOptions,
    intended_esp,
    intended_proposals,
    known_ids,
    run_checks,
)
from nornir_flexvpn.checks.state import HeadendState, read_state
from nornir_flexvpn.errors import CheckError, IntentError
from nornir_flexvpn.intent.models import FlexVpnIntent, Ikev2Proposal, TransformSet
from nornir_flexvpn.lab.clients import connect_client
from nornir_flexvpn.lab.state_testing import USER, USER_PASSWORD, get_state, seeded_headend
from nornir_flexvpn.lab.testing import Client
from nornir_flexvpn.namespaces import NATIVE, NC, TUNNEL
from nornir_flexvpn.releases import Release


class InProcess:
    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, filter: etree._Element) -> etree._Element:
        return get_state(self.client, etree.tostring(filter).decode())


@pytest.fixture(scope="module")
def state() -> HeadendState:
    device, client = seeded_headend(Release.V17_15_1)
    for n in range(3):
        connect_client(device, USER, USER_PASSWORD, f"203.0.113.{50 + n}")
    return read_state(InProcess(client), Release.V17_15_1, FlexVpnIntent())


def test_certificate_warns_near_expiry_and_fails_after(state: HeadendState) -> None:
    intent = FlexVpnIntent()
    tp = state.trustpoints
    assert tp is not None
    identity = tp["IKEv2-TP"].identity
    assert identity is not None and identity.not_after is not None
    soon = identity.not_after - dt.timedelta(days=10, hours=1)
    (near,) = run_checks(["certificate"], intent, state, now=soon)
    assert near.status is Status.WARN
    assert "expires in 10 days" in near.reason
    (later,) = run_checks(
        ["certificate"], intent, state, now=soon, options=CheckOptions(cert_warn_days=5)
    )
    assert later.status is Status.PASS
    (gone,) = run_checks(["certificate"], intent, state, now=identity.not_after + dt.timedelta(1))
    assert gone.status is Status.FAIL and "expired on" in gone.reason


def test_users_dropped_counts_against_the_threshold(state: HeadendState) -> None:
    intent = FlexVpnIntent()
    (same,) = run_checks(["users-dropped"], intent, state, sessions_before=3)
    assert same.status is Status.PASS and same.reason == "active sessions before 3, after 3"
    (lost,) = run_checks(["users-dropped"], intent, state, sessions_before=5)
    assert lost.status is Status.FAIL and lost.reason.startswith("2 user(s) dropped")
    (tolerated,) = run_checks(
        ["users-dropped"],
        intent,
        state,
        sessions_before=5,
        options=CheckOptions(drop_threshold=2),
    )
    assert tolerated.status is Status.PASS
    (unknown,) = run_checks(["users-dropped"], intent, state)
    assert unknown.status is Status.NOT_AVAILABLE


def test_intent_with_another_proposal_fails_the_sessions(state: HeadendState) -> None:
    intent = FlexVpnIntent(proposals=[Ikev2Proposal(integrity=["sha512"], group=[19])])
    (sessions,) = run_checks(["sessions"], intent, state)
    assert sessions.status is Status.FAIL
    assert "negotiated aes-cbc/sha256/group 14, intended aes-cbc/sha512/group 19" in sessions.reason
    assert len(sessions.details) == 3  # one per SA


def test_intent_with_another_transform_set_fails_the_sessions(state: HeadendState) -> None:
    intent = FlexVpnIntent(transform_sets=[TransformSet(key_bits=128)])
    (sessions,) = run_checks(["sessions"], intent, state)
    assert sessions.status is Status.FAIL
    assert "ESP esp-aes-cbc-256 esp-hmac-sha256" in sessions.reason
    assert "intended esp-aes-cbc esp-hmac-sha256" in sessions.reason


def test_intended_algorithms() -> None:
    assert intended_esp(TransformSet()) == ("esp-aes-cbc-256", "esp-hmac-sha256")
    assert intended_esp(TransformSet(encryption="esp-gcm", key_bits=256, integrity=None)) == (
        "esp-aes-gcm-256",
    )
    assert intended_esp(TransformSet(encryption="esp-3des", key_bits=None)) == (
        "esp-3-des",
        "esp-hmac-sha256",
    )
    assert intended_proposals(FlexVpnIntent()) == [(("aes-cbc",), ("sha256",), (14,))]
    assert intended_proposals(FlexVpnIntent(proposals=[], policies=[])) == [SMART_DEFAULT]


def test_unknown_check_ids_are_refused() -> None:
    with pytest.raises(IntentError) as caught:
        known_ids(["sessions", "vibes"])
    assert "unknown check 'vibes'" in str(caught.value)
    assert known_ids(["pool", "pool", "probe"]) == ["pool", "probe"]


def test_gate_raises_naming_the_failed_check() -> None:
    device, client = seeded_headend(Release.V17_15_1)
    connect_client(device, USER, USER_PASSWORD, "203.0.113.50")
    gate = CommitGate(FlexVpnIntent(), Release.V17_15_1)
    source = InProcess(client)
    gate.snapshot(source)
    assert gate.sessions_before == 1
    gate(source)  # healthy: passes
    assert {r.id for r in gate.results} == {
        "loopback",
        "virtual-template",
        "sessions",
        "users-dropped",
    }
    client.edit(
        f'<native xmlns="{NATIVE}" xmlns:nc="{NC}"><interface><Virtual-Template><name>100'
        f'</name><tunnel xmlns="{TUNNEL}"><protection nc:operation="delete"/></tunnel>'
        "</Virtual-Template></interface></native>"
    )
    with pytest.raises(CheckError) as caught:
        gate(source)
    assert caught.value.path == "checks/virtual-template"
    assert "Virtual-Template100 is not bound to IPsec profile AnyConnect-EAP" in str(caught.value)
    assert "(+1 more failed)" in str(caught.value)  # the session dropped with its binding
    assert [r.id for r in gate.results if r.failed] == ["virtual-template", "users-dropped"]
