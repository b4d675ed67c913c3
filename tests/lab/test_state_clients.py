"""Simulated AnyConnect clients: every refusal reason, success, disconnect, config drops."""

from __future__ import annotations

import pytest

from nornir_flexvpn.errors import ClientRejected, LabError
from nornir_flexvpn.intent.secrets import secret9
from nornir_flexvpn.lab.clients import (
    ClientOffer,
    connect_client,
    disconnect_client,
    drop_all_sessions,
    simulate_traffic,
)
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.state_testing import (
    PROFILE_URL,
    USER,
    USER_PASSWORD,
    seeded_headend,
)
from nornir_flexvpn.lab.testing import NCOP, Client, native
from nornir_flexvpn.namespaces import CRYPTO
from nornir_flexvpn.releases import Release

DELETE = 'nc:operation="delete"'


def _profile_edit(inner: str) -> str:
    return native(
        f'<crypto><ikev2 xmlns="{CRYPTO}" {NCOP}><profile><name>AnyConnect-EAP</name>{inner}'
        "</profile></ikev2></crypto>"
    )


def _refused(device: LabDevice, **kwargs: object) -> str:
    user = str(kwargs.pop("user", USER))
    password = str(kwargs.pop("password", USER_PASSWORD))
    offer = kwargs.pop("offer", None)
    assert offer is None or isinstance(offer, ClientOffer)
    before = dict(device.runtime.sessions)
    with pytest.raises(ClientRejected) as refused:
        connect_client(device, user, password, "203.0.113.20", offer=offer)
    assert device.runtime.sessions == before
    return refused.value.reason


@pytest.fixture
def seeded() -> tuple[LabDevice, Client]:
    return seeded_headend(Release.V17_15_1)


def test_document_flow_succeeds_with_the_seed_proposal(seeded: tuple[LabDevice, Client]) -> None:
    device, _ = seeded
    session = connect_client(device, USER, USER_PASSWORD, "203.0.113.20")
    assert (session.ike_encryption, session.ike_integrity, session.dh_group) == (
        "aes-cbc-256",
        "sha256",
        14,
    )
    assert (session.esp.cipher, session.esp.key_bits, session.esp.hmac) == (
        "aes-cbc",
        256,
        "esp-sha256-hmac",
    )
    assert session.assigned_ip == "192.168.10.5" and session.interface == "Virtual-Access1"
    assert session.profile == "AnyConnect-EAP" and session.key_id == "*$AnyConnectClient$*"
    assert session.derived_config()[1:5] == [
        " ip unnumbered Loopback100",
        " ip mtu 1400",
        " tunnel mode ipsec ipv4",
        " tunnel protection ipsec profile AnyConnect-EAP",
    ]
    second = connect_client(device, USER, USER_PASSWORD, "203.0.113.21")
    assert (second.assigned_ip, second.interface) == ("192.168.10.6", "Virtual-Access2")
    assert disconnect_client(device, public_ip="203.0.113.20") == [session]
    third = connect_client(device, USER, USER_PASSWORD, "203.0.113.22")
    # the freed address and Virtual-Access number are reused
    assert (third.assigned_ip, third.interface) == ("192.168.10.5", "Virtual-Access1")
    with pytest.raises(LabError, match="no client session"):
        disconnect_client(device, user="nobody")


def test_wrong_password_and_unknown_user(seeded: tuple[LabDevice, Client]) -> None:
    device, _ = seeded
    reason = _refused(device, password="cisco124")
    assert "EAP authentication failed for user 'test': wrong password" in reason
    assert "cisco124" not in reason
    assert "no such user" in _refused(device, user="mallory")


def test_type9_secret_user() -> None:
    device, client = seeded_headend(Release.V17_12_1)
    client.edit(
        native(
            f"<username><name>alice</name><secret><encryption>9</encryption>"
            f"<secret>{secret9('s3cret-pw')}</secret></secret></username>"
        )
    )
    assert connect_client(device, "alice", "s3cret-pw").user == "alice"
    assert "wrong password" in _refused(device, user="alice", password="s3cret-PW")


def test_missing_trustpoint() -> None:
    device, _ = seeded_headend(Release.V17_9_1, with_trustpoint=False)
    reason = _refused(device)
    assert "trustpoint IKEv2-TP has no certificate" in reason


def test_self_signed_trustpoint_is_unfit_for_eap() -> None:
    device, _ = seeded_headend(Release.V17_15_1, self_signed=True)
    reason = _refused(device)
    assert "self-signed" in reason and "IKEv2-TP" in reason


def test_exhausted_pool(seeded: tuple[LabDevice, Client]) -> None:
    device, _ = seeded
    addresses = [
        connect_client(device, USER, USER_PASSWORD, f"203.0.113.{n}").assigned_ip
        for n in range(30, 36)
    ]
    assert addresses == [f"192.168.10.{n}" for n in range(5, 11)]
    with pytest.raises(ClientRejected, match="pool ACPOOL is exhausted"):
        connect_client(device, USER, USER_PASSWORD, "203.0.113.99")
    assert len(device.runtime.sessions) == 6


def test_unbound_anyconnect_profile(seeded: tuple[LabDevice, Client]) -> None:
    device, client = seeded
    client.edit(_profile_edit(f"<anyconnect><profile {DELETE}/></anyconnect>"))
    reason = _refused(device)
    assert "binds no 'anyconnect profile'" in reason


def test_profile_file_missing_from_bootflash() -> None:
    device, _ = seeded_headend(Release.V17_12_1, with_profile_file=False)
    reason = _refused(device)
    assert f"%Error opening {PROFILE_URL} (No such file or directory)" in reason


def test_profile_container_shape_of_17_3_1() -> None:
    device, _ = seeded_headend(Release.V17_3_1, with_profile_file=False)
    assert PROFILE_URL in _refused(device)
    device.bootflash.write(PROFILE_URL, b"<AnyConnectProfile/>")
    assert connect_client(device, USER, USER_PASSWORD).assigned_ip == "192.168.10.5"


def test_mismatched_ike_algorithms(seeded: tuple[LabDevice, Client]) -> None:
    device, _ = seeded
    reason = _refused(device, offer=ClientOffer(dh_groups=(19, 20)))
    assert "NO_PROPOSAL_CHOSEN" in reason and "IKEv2-prop1" in reason
    reason = _refused(device, offer=ClientOffer(ike_encryption=("aes-gcm-256",)))
    assert "NO_PROPOSAL_CHOSEN" in reason


def test_mismatched_esp_transform_set(seeded: tuple[LabDevice, Client]) -> None:
    device, _ = seeded
    reason = _refused(device, offer=ClientOffer(esp_ciphers=(("aes-gcm", 256),)))
    assert "Create child exchange failed" in reason and "TS" in reason


def test_key_id_mismatch(seeded: tuple[LabDevice, Client]) -> None:
    device, _ = seeded
    reason = _refused(device, offer=ClientOffer(key_id="some-other-client"))
    assert "no IKEv2 profile matches remote identity key-id some-other-client" in reason


def test_smart_default_proposal_without_ikev2_policy(seeded: tuple[LabDevice, Client]) -> None:
    device, client = seeded
    client.edit(
        native(
            f'<crypto><ikev2 xmlns="{CRYPTO}" {NCOP}><policy {DELETE}><name>IKEv2-pol</name>'
            "</policy></ikev2></crypto>"
        )
    )
    session = connect_client(device, USER, USER_PASSWORD)
    assert (session.ike_encryption, session.ike_integrity, session.dh_group) == (
        "aes-cbc-256",
        "sha512",
        5,
    )


def test_config_change_that_breaks_the_profile_drops_sessions(
    seeded: tuple[LabDevice, Client],
) -> None:
    device, client = seeded
    session = connect_client(device, USER, USER_PASSWORD)
    simulate_traffic(device, session.session_id, packets=3)
    # an unrelated change keeps the session
    client.edit(native("<hostname>hq-renamed</hostname>"))
    assert list(device.runtime.sessions) == [session.session_id]
    client.edit(_profile_edit(f"<anyconnect><profile {DELETE}/></anyconnect>"))
    assert device.runtime.sessions == {}
    assert [d.session.session_id for d in device.runtime.dropped] == [session.session_id]
    assert "anyconnect profile" in device.runtime.dropped[0].reason


def test_drop_all_sessions_records_the_reason(seeded: tuple[LabDevice, Client]) -> None:
    device, _ = seeded
    first = connect_client(device, USER, USER_PASSWORD, "203.0.113.1")
    second = connect_client(device, USER, USER_PASSWORD, "203.0.113.2")
    assert drop_all_sessions(device, "reload") == [first, second]
    assert device.runtime.sessions == {}
    assert [(d.session, d.reason) for d in device.runtime.dropped] == [
        (first, "reload"),
        (second, "reload"),
    ]
