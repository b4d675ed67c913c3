"""NetconfConnection against lab headends over real SSH on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from lxml import etree

from nornir_flexvpn.errors import (
    CommitError,
    ConnectError,
    EditError,
    HostKeyError,
    IntentError,
    LockError,
    RefusedError,
    RpcError,
    RpcTimeoutError,
    SessionClosedError,
    ValidateError,
)
from nornir_flexvpn.lab.contract import RpcErrorReply
from nornir_flexvpn.namespaces import CISCO_IA, NATIVE, NC, NC_MONITORING, qn
from nornir_flexvpn.netconf.connection import ConnectionParams, NetconfConnection
from nornir_flexvpn.netconf.options import XPathFilter
from nornir_flexvpn.releases import Release, release_dir

Start = Callable[..., Any]
SECRET = "Xq9-not-for-logs-7Lz"


def _native_with_secret() -> etree._Element:
    native = etree.Element(qn(NATIVE, "native"))
    key = etree.SubElement(etree.SubElement(native, qn(NATIVE, "crypto")), qn(NATIVE, "key"))
    key.text = SECRET
    return native


def _refuse_edit(operation: etree._Element) -> None:
    raise RpcErrorReply(
        "inconsistent value: Device refused one or more commands",
        tag="operation-failed",
        error_type="application",
        path="/native/crypto/ikev2/profile[name='IKEv2-PROFILE']",
        info={"bad-element": "profile"},
    )


def test_connect_and_get_config(scripted: Start) -> None:
    target = scripted(release=Release.V16_9_1)
    with NetconfConnection.open(target.params()) as conn:
        assert conn.connected and conn.session_id.isdigit()
        data = conn.get_config("running")
        assert data.tag == qn(NC, "data")
        assert data[0].tag == qn(NATIVE, "native")
        guess = conn.capabilities.release_guess
        assert guess is not None and guess.release is Release.V16_9_1 and guess.exact
        assert target.headend.password not in repr(conn)
        assert target.headend.password not in repr(conn.params)
    assert not conn.connected
    assert target.device.operations()[-1] == "close-session"
    conn.close()  # idempotent
    with pytest.raises(SessionClosedError):
        conn.get_config()


def test_filters_are_sent_and_callers_elements_stay_put(scripted: Start) -> None:
    target = scripted()
    wanted = etree.Element(qn(NATIVE, "native"))
    with NetconfConnection.open(target.params()) as conn:
        conn.get_config("running", filter=wanted)
        conn.get(filter=XPathFilter("/ios:native/ios:crypto", {"ios": NATIVE}))
    assert wanted.getparent() is None  # copied into the request, not moved
    get_config, get = target.device.received[:2]
    subtree = get_config.find(qn(NC, "filter"))
    assert subtree is not None and subtree.get("type") == "subtree"
    assert [child.tag for child in subtree] == [qn(NATIVE, "native")]
    xpath = get.find(qn(NC, "filter"))
    assert xpath is not None and xpath.get("type") == "xpath"
    assert xpath.get("select") == "/ios:native/ios:crypto" and xpath.nsmap["ios"] == NATIVE


def test_unknown_host_key_is_refused_before_authentication(scripted: Start, tmp_path: Path) -> None:
    target = scripted()
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(HostKeyError) as caught:
        NetconfConnection.open(target.params(known_hosts=empty))
    text = str(caught.value)
    assert f"127.0.0.1:{target.headend.port}" in text and str(empty) in text
    assert "unknown" in text
    # Refused before the password was offered: the device never opened a session.
    assert target.device.inner.sessions == {} and target.device.inner.closed == []


def test_mismatched_host_key_is_refused(scripted: Start, tmp_path: Path) -> None:
    target = scripted()
    forged = tmp_path / "known_hosts"
    # Same name and key type as the server's key, different key material.
    real_type = target.headend.host_key.split()[0]
    forged.write_text(f"[127.0.0.1]:{target.headend.port} {_fresh_public_key(real_type)}\n")
    with pytest.raises(HostKeyError, match="MISMATCH") as caught:
        NetconfConnection.open(target.params(known_hosts=forged))
    assert str(forged) in str(caught.value)
    # A recorded key of another type: the server cannot offer it, key exchange fails.
    other_type = "ssh-rsa" if real_type == "ssh-ed25519" else "ssh-ed25519"
    forged.write_text(f"[127.0.0.1]:{target.headend.port} {_fresh_public_key(other_type)}\n")
    with pytest.raises(HostKeyError, match=f"no key of the type.s. {other_type}"):
        NetconfConnection.open(target.params(known_hosts=forged))
    assert target.device.inner.sessions == {} and target.device.inner.closed == []


def _fresh_public_key(key_type: str) -> str:
    openssh = (serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    if key_type == "ssh-ed25519":
        return ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(*openssh).decode()
    assert key_type == "ssh-rsa", key_type
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private.public_key().public_bytes(*openssh).decode()


def test_opt_out_connects_and_warns(
    scripted: Start, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = scripted()
    caplog.set_level(logging.WARNING, logger="nornir_flexvpn.netconf.connection")
    params = target.params(known_hosts=tmp_path / "absent", verify_host_key=False)
    with NetconfConnection.open(params) as conn:
        conn.get_config()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("verification is OFF" in r.getMessage() for r in warnings)


def test_public_key_authentication(scripted: Start, tmp_path: Path) -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    key_file = tmp_path / "id_ed25519"
    key_file.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    target = scripted(authorized_keys=[public.decode()])
    with NetconfConnection.open(target.params(password=None, key_filename=key_file)) as conn:
        assert conn.get_config().tag == qn(NC, "data")


def test_wrong_password_names_the_user_never_the_password(scripted: Start) -> None:
    target = scripted()
    wrong = "definitely-wrong-Pw-123"
    with pytest.raises(ConnectError) as caught:
        NetconfConnection.open(target.params(password=wrong))
    assert "'admin'" in str(caught.value) and wrong not in str(caught.value)
    assert not isinstance(caught.value, HostKeyError)


def test_refused_port_and_silent_server() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectError, match="refused the connection"):
        NetconfConnection.open(
            ConnectionParams("127.0.0.1", "admin", "pw", port=port, verify_host_key=False)
        )
    with socket.socket() as silent:  # accepts TCP, never says a word of SSH
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        params = ConnectionParams(
            "127.0.0.1",
            "admin",
            "pw",
            port=silent.getsockname()[1],
            verify_host_key=False,
            connect_timeout=0.3,
        )
        with pytest.raises(ConnectError, match=r"timed out after 0.3s"):
            NetconfConnection.open(params)


def test_rpc_errors_keep_tag_path_message_and_info(scripted: Start) -> None:
    target = scripted(
        script={
            "edit-config": _refuse_edit,
            "validate": _refuse_edit,
            "commit": _refuse_edit,
        },
        candidate=True,
    )
    with NetconfConnection.open(target.params()) as conn:
        calls: list[tuple[Callable[[], None], type[RpcError]]] = [
            (lambda: conn.edit_config("candidate", _native_with_secret()), EditError),
            (conn.validate, ValidateError),
            (conn.commit, CommitError),
        ]
        for call, kind in calls:
            with pytest.raises(kind) as caught:
                call()
            err = caught.value
            assert err.tag == "operation-failed" and err.error_type == "application"
            assert err.path == "/native/crypto/ikev2/profile[name='IKEv2-PROFILE']"
            assert err.message == "inconsistent value: Device refused one or more commands"
            assert err.info == {"bad-element": "profile"}
        # The session survives rpc-errors.
        conn.get_config()


def test_lock_denied_between_sessions(scripted: Start) -> None:
    target = scripted()
    with (
        NetconfConnection.open(target.params()) as first,
        NetconfConnection.open(target.params()) as second,
    ):
        with first.locked("running"):
            with pytest.raises(LockError) as caught:
                second.lock("running")
            assert caught.value.tag == "lock-denied"
            assert caught.value.info["session-id"] == first.session_id
            with pytest.raises(LockError, match=r"after 3 attempts") as retried:
                second.lock("running", attempts=3, backoff=0.01)
            assert retried.value.tag == "lock-denied"
        second.lock("running")  # released by the context manager
        second.unlock("running")
        with pytest.raises(RpcError) as not_held:
            first.unlock("running")
        assert not isinstance(not_held.value, LockError)
    assert target.device.operations().count("lock") == 1 + 1 + 3 + 1


def test_edit_config_sends_a_copy_and_options(scripted: Start) -> None:
    target = scripted(script={"edit-config": lambda op: None})
    native = _native_with_secret()
    with NetconfConnection.open(target.params()) as conn:
        conn.edit_config(
            "running", native, default_operation="merge", error_option="rollback-on-error"
        )
    assert native.getparent() is None and native[0][0].text == SECRET
    sent = next(op for op in target.device.received if op.tag == qn(NC, "edit-config"))
    assert sent.findtext(qn(NC, "default-operation")) == "merge"
    assert sent.findtext(qn(NC, "error-option")) == "rollback-on-error"
    assert sent.find(f"{qn(NC, 'target')}/{qn(NC, 'running')}") is not None
    assert sent.find(f"{qn(NC, 'config')}/{qn(NATIVE, 'native')}") is not None


def test_missing_capabilities_refuse_locally(scripted: Start) -> None:
    with_candidate = scripted(candidate=True)
    with NetconfConnection.open(with_candidate.params()) as conn:
        assert conn.capabilities.candidate and not conn.capabilities.confirmed_commit
        with pytest.raises(RefusedError, match="confirmed-commit"):
            conn.commit(confirmed=True, timeout=120)
    running_only = scripted()
    with (
        NetconfConnection.open(running_only.params()) as conn,
        pytest.raises(RefusedError, match="candidate"),
    ):
        conn.discard_changes()
    for target in (with_candidate, running_only):
        assert not {"commit", "discard-changes"} & set(target.device.operations())


def test_rpc_timeout_then_the_session_goes_on(scripted: Start) -> None:
    def late(operation: etree._Element) -> None:
        time.sleep(0.4)

    target = scripted(script={"validate": late})
    with NetconfConnection.open(target.params(rpc_timeout=0.1)) as conn:
        with pytest.raises(RpcTimeoutError, match=r"<validate>.*within 0.1s"):
            conn.validate("running")
        conn.rpc_timeout = 5
        assert conn.get_config().tag == qn(NC, "data")


def test_killed_session_raises_session_closed(scripted: Start) -> None:
    target = scripted()
    with (
        NetconfConnection.open(target.params()) as victim,
        NetconfConnection.open(target.params()) as killer,
    ):
        kill = etree.Element(qn(NC, "kill-session"))
        etree.SubElement(kill, qn(NC, "session-id")).text = victim.session_id
        reply = killer.dispatch(kill)
        assert reply.find(qn(NC, "ok")) is not None
        deadline = time.monotonic() + 5
        with pytest.raises(SessionClosedError):
            while time.monotonic() < deadline:
                victim.get_config()
                time.sleep(0.01)


def test_dispatch_vendor_rpc(scripted: Start) -> None:
    def checkpoint(operation: etree._Element) -> etree._Element:
        result = etree.Element(qn(CISCO_IA, "result"))
        result.text = "Checkpoint successful"
        return result

    target = scripted(script={"checkpoint": checkpoint})
    with NetconfConnection.open(target.params()) as conn:
        reply = conn.dispatch(etree.Element(qn(CISCO_IA, "checkpoint")))
    assert reply.findtext(qn(CISCO_IA, "result")) == "Checkpoint successful"


def test_yang_library_and_get_schema(scripted: Start) -> None:
    published = etree.parse(
        str(release_dir(Release.V17_15_1) / "yang-set-c8000v.xml"),
        etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True),
    ).getroot()

    def library(operation: etree._Element) -> etree._Element:
        data = published.find(qn(NC, "data"))
        assert data is not None
        return data

    def schema(operation: etree._Element) -> etree._Element:
        data = etree.Element(qn(NC_MONITORING, "data"))
        data.text = "module cisco-ia { namespace x; prefix y; }"
        return data

    target = scripted(script={"get": library, "get-schema": schema})
    with NetconfConnection.open(target.params()) as conn:
        assert not conn.capabilities.cli_rpc
        caps = conn.load_yang_library()
        assert caps is conn.capabilities and caps.cli_rpc and caps.pki_import_rpc
        guess = caps.release_guess
        assert guess is not None and guess.exact and guess.release is Release.V17_15_1
        assert conn.get_schema("cisco-ia", "2024-07-01").startswith("module cisco-ia {")
    request = target.device.received[-2]
    assert request.findtext(qn(NC_MONITORING, "identifier")) == "cisco-ia"
    assert request.findtext(qn(NC_MONITORING, "version")) == "2024-07-01"


def test_payloads_stay_out_of_debug_logs(scripted: Start, caplog: pytest.LogCaptureFixture) -> None:
    def config_with_secret(operation: etree._Element) -> etree._Element:
        data = etree.Element(qn(NC, "data"))
        data.append(_native_with_secret())
        return data

    target = scripted(script={"edit-config": lambda op: None, "get-config": config_with_secret})
    caplog.set_level(logging.DEBUG)
    with NetconfConnection.open(target.params()) as conn:
        conn.edit_config("running", _native_with_secret())
        assert SECRET in etree.tostring(conn.get_config()).decode()
    assert any("NETCONF message withheld" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
    assert target.headend.password not in caplog.text


def test_params_are_checked() -> None:
    with pytest.raises(IntentError, match="no credential"):
        ConnectionParams("hub1", "admin")
    with pytest.raises(IntentError) as caught:
        ConnectionParams("hub1", "admin", "pw", port=0)
    assert caught.value.path == "port"
