"""Strict reply parsing, rpc-error fields, and the ncclient exception boundary."""

from __future__ import annotations

from pathlib import Path

import pytest
from ncclient.operations.errors import MissingCapabilityError, OperationError, TimeoutExpiredError
from ncclient.transport.errors import AuthenticationError, SessionCloseError, SSHError

from nornir_flexvpn.errors import (
    CommitError,
    ConnectError,
    EditError,
    LockError,
    RefusedError,
    RpcError,
    RpcTimeoutError,
    SessionClosedError,
    ValidateError,
)
from nornir_flexvpn.namespaces import NC
from nornir_flexvpn.netconf.errors import (
    MalformedReplyError,
    translate_connect_failure,
    translate_rpc_failure,
)
from nornir_flexvpn.netconf.replies import data_of, parse_message, raise_for_errors, rpc_errors

DATA = Path(__file__).parent / "data"


def _reply(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_edit_config_refusal_keeps_tag_path_message_and_info() -> None:
    root = parse_message(_reply("edit-config-refused.xml"))
    with pytest.raises(EditError) as caught:
        raise_for_errors(root, "edit-config", EditError)
    err = caught.value
    assert err.tag == "operation-failed"
    assert err.error_type == "application"
    assert err.message == "inconsistent value: Device refused one or more commands"
    assert err.path is not None
    assert err.path.startswith("/nc:rpc/nc:edit-config/nc:config/ios:native/ios:crypto")
    assert err.path.endswith("ios-crypto:profile[ios-crypto:name='IKEv2-PROFILE']")
    assert err.info["severity"] == "error_cli"
    assert "anyconnect-eap aggregate" in err.info["detail"]
    assert str(err).startswith(err.path + ": operation-failed: inconsistent value")


def test_lock_denied_names_the_holder() -> None:
    with pytest.raises(LockError) as caught:
        raise_for_errors(parse_message(_reply("lock-denied.xml")), "lock", LockError)
    assert caught.value.tag == "lock-denied"
    assert caught.value.error_type == "protocol"
    assert caught.value.info == {"session-id": "26"}
    assert caught.value.path is None


def test_several_errors_first_wins_and_the_rest_is_counted() -> None:
    root = parse_message(_reply("validate-must-failed.xml"))
    fields = rpc_errors(root)
    assert [f.tag for f in fields] == ["operation-failed", "data-missing"]
    assert fields[0].app_tag == "must-violation"
    with pytest.raises(ValidateError) as caught:
        raise_for_errors(root, "validate", ValidateError)
    err = caught.value
    assert err.message.endswith("(+1 more rpc-error)")
    assert err.info == {"bad-element": "proposal", "error-app-tag": "must-violation"}
    assert err.path is not None and "ios-crypto:proposals='IKEv2-PROP'" in err.path


def test_warnings_do_not_raise() -> None:
    root = parse_message(_reply("warning-only.xml"))
    assert [f.severity for f in rpc_errors(root)] == ["warning"]
    raise_for_errors(root, "commit", CommitError)


def test_doctype_and_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">&b;</rpc-reply>'
    )
    with pytest.raises(MalformedReplyError, match="DOCTYPE"):
        parse_message(bomb)
    external = b'<!DOCTYPE r SYSTEM "http://198.51.100.1/x.dtd"><rpc-reply/>'
    with pytest.raises(MalformedReplyError, match="DOCTYPE"):
        parse_message(external)


def test_malformed_xml_is_an_rpc_error_not_a_crash() -> None:
    with pytest.raises(MalformedReplyError) as caught:
        parse_message("<rpc-reply><data></rpc-reply>")
    assert caught.value.tag == "malformed-message" and caught.value.error_type == "rpc"
    assert isinstance(caught.value, RpcError)


def test_reply_must_be_rpc_reply_and_get_must_have_data() -> None:
    with pytest.raises(MalformedReplyError, match="not <rpc-reply>"):
        raise_for_errors(parse_message(b"<hello/>"), "get")
    ok = parse_message(f'<rpc-reply xmlns="{NC}"><ok/></rpc-reply>')
    raise_for_errors(ok, "get")
    with pytest.raises(MalformedReplyError, match="no <data>"):
        data_of(ok, "get")


def test_ncclient_exceptions_become_the_project_tree() -> None:
    timeout = translate_rpc_failure(
        TimeoutExpiredError("x"), operation="commit", host="hub1", timeout=2.5
    )
    assert isinstance(timeout, RpcTimeoutError)
    assert "<commit>" in str(timeout) and "hub1" in str(timeout) and "2.5s" in str(timeout)

    missing = translate_rpc_failure(
        MissingCapabilityError("Server does not support [:confirmed-commit]"),
        operation="commit",
        host="hub1",
        timeout=None,
    )
    assert isinstance(missing, RefusedError) and ":confirmed-commit" in str(missing)

    refused = translate_rpc_failure(
        OperationError("Invalid operation as persist cannot be present with persist-id"),
        operation="commit",
        host="hub1",
        timeout=None,
    )
    assert isinstance(refused, RefusedError)


def test_session_close_buffers_never_reach_the_message() -> None:
    secret = "S3cr3t-PSK-do-not-print"
    exc = SessionCloseError(f"<config><key>{secret}</key></config>", f"<rpc>{secret}</rpc>")
    assert secret in str(exc)  # ncclient's own text carries the buffers
    closed = translate_rpc_failure(exc, operation="edit-config", host="hub1", timeout=30)
    assert isinstance(closed, SessionClosedError)
    assert secret not in str(closed) and secret not in repr(closed)
    assert closed.__cause__ is None


def test_connect_failures() -> None:
    auth = translate_connect_failure(
        AuthenticationError("AuthenticationException('Authentication failed.')"),
        host="hub1",
        port=830,
        user="admin",
    )
    assert isinstance(auth, ConnectError) and "'admin'" in str(auth) and "hub1:830" in str(auth)
    ssh = translate_connect_failure(
        SSHError("Negotiation failed: no matching kex\nmore"), host="hub1", port=830, user="a"
    )
    assert isinstance(ssh, ConnectError) and "more" not in str(ssh)
    refused = translate_connect_failure(
        ConnectionRefusedError(111, "x"), host="h", port=1, user="a"
    )
    assert "refused the connection" in str(refused)
