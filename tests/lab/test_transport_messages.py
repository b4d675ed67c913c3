"""The rpc envelope: hellos, message-ids, attribute copying, rpc-error shape."""

from __future__ import annotations

import pytest
from lxml import etree

from nornir_flexvpn.lab import messages
from nornir_flexvpn.lab.contract import RpcErrorReply
from nornir_flexvpn.lab.identity import BASE_10, BASE_11
from nornir_flexvpn.lab.xmlsafe import XmlRejected, parse_xml
from nornir_flexvpn.namespaces import NC, qn

NS = {"nc": NC}


def _hello(caps: str, extra: str = "") -> bytes:
    return (f'<hello xmlns="{NC}"><capabilities>{caps}</capabilities>{extra}</hello>').encode()


def test_server_hello_carries_session_id_and_capabilities() -> None:
    root = parse_xml(messages.server_hello([BASE_10, BASE_11], 42))
    assert root.xpath("nc:capabilities/nc:capability/text()", namespaces=NS) == [BASE_10, BASE_11]
    assert root.findtext(qn(NC, "session-id")) == "42"


def test_client_hello_rules() -> None:
    both = messages.parse_client_hello(
        _hello(f"<capability>{BASE_10}</capability><capability> {BASE_11} </capability>")
    )
    assert both.base11
    assert not messages.parse_client_hello(_hello(f"<capability>{BASE_10}</capability>")).base11
    bad = [
        _hello("<capability>urn:example:foo</capability>"),
        _hello(f"<capability>{BASE_10}</capability>", "<session-id>4</session-id>"),
        f'<hello xmlns="{NC}"/>'.encode(),
        b"<hello><capabilities/></hello>",  # no namespace
        b"<hello",
    ]
    for data in bad:
        with pytest.raises(messages.HelloError):
            messages.parse_client_hello(data)


def test_reply_copies_every_rpc_attribute_and_prefix() -> None:
    rpc = messages.parse_rpc(
        f'<nc:rpc xmlns:nc="{NC}" xmlns:ex="urn:ex" message-id="7" ex:user="fred" '
        f'other="x"><nc:get-config><nc:source><nc:running/></nc:source></nc:get-config>'
        f"</nc:rpc>".encode(),
        base11=True,
    )
    assert rpc.message_id == "7" and rpc.name == "get-config"
    reply = parse_xml(messages.ok_reply(rpc.element, None))
    assert reply.tag == qn(NC, "rpc-reply")
    assert reply.get("message-id") == "7"
    assert reply.get("{urn:ex}user") == "fred" and reply.get("other") == "x"
    assert [c.tag for c in reply] == [qn(NC, "ok")]
    data = etree.Element(qn(NC, "data"))
    with_body = parse_xml(messages.ok_reply(rpc.element, data))
    assert [c.tag for c in with_body] == [qn(NC, "data")]


def _error_of(reply: bytes) -> etree._Element:
    root = parse_xml(reply)
    errors = root.findall(qn(NC, "rpc-error"))
    assert len(errors) == 1
    return errors[0]


def test_missing_message_id_is_missing_attribute() -> None:
    with pytest.raises(messages.RpcRejected) as caught:
        messages.parse_rpc(f'<rpc xmlns="{NC}"><get/></rpc>'.encode(), base11=True)
    err = _error_of(caught.value.reply)
    assert err.findtext(qn(NC, "error-type")) == "rpc"
    assert err.findtext(qn(NC, "error-tag")) == "missing-attribute"
    assert err.findtext("nc:error-info/nc:bad-attribute", namespaces=NS) == "message-id"
    assert err.findtext("nc:error-info/nc:bad-element", namespaces=NS) == "rpc"
    assert parse_xml(caught.value.reply).get("message-id") is None


@pytest.mark.parametrize(
    ("wire", "tag"),
    [
        (f'<rpc xmlns="{NC}" message-id="1"/>', "missing-element"),
        (f'<rpc xmlns="{NC}" message-id="1"><get/><get/></rpc>', "bad-element"),
        ('<rpc message-id="1"><get/></rpc>', "unknown-element"),
        (f'<rpc xmlns="{NC}" message-id="1"><get>', "malformed-message"),
        (
            f'<!DOCTYPE r [<!ENTITY x "y">]><rpc xmlns="{NC}" message-id="1">&x;</rpc>',
            "malformed-message",
        ),
    ],
)
def test_bad_envelopes_are_rpc_errors(wire: str, tag: str) -> None:
    with pytest.raises(messages.RpcRejected) as caught:
        messages.parse_rpc(wire.encode(), base11=True)
    assert _error_of(caught.value.reply).findtext(qn(NC, "error-tag")) == tag


def test_malformed_message_is_not_sent_to_base10_clients() -> None:
    with pytest.raises(messages.RpcRejected) as caught:
        messages.parse_rpc(b"<rpc", base11=False)
    assert _error_of(caught.value.reply).findtext(qn(NC, "error-tag")) == "operation-failed"


def test_rpc_error_has_every_rfc6241_field() -> None:
    rpc = messages.parse_rpc(
        f'<rpc xmlns="{NC}" message-id="9"><lock/></rpc>'.encode(), base11=True
    )
    exc = RpcErrorReply(
        "locked by 3",
        tag="lock-denied",
        error_type="protocol",
        path="/rpc/lock/target",
        info={"session-id": "3"},
    )
    reply = parse_xml(messages.error_reply(rpc.element, messages.errors_of(exc)))
    assert reply.get("message-id") == "9"
    err = reply.find(qn(NC, "rpc-error"))
    assert err is not None
    assert [etree.QName(c).localname for c in err] == [
        "error-type",
        "error-tag",
        "error-severity",
        "error-path",
        "error-message",
        "error-info",
    ]
    assert err.findtext(qn(NC, "error-severity")) == "error"
    message = err.find(qn(NC, "error-message"))
    assert message is not None and message.text == "locked by 3"
    assert message.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert err.findtext("nc:error-info/nc:session-id", namespaces=NS) == "3"


def test_parser_refuses_entities() -> None:
    with pytest.raises(XmlRejected):
        parse_xml(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')
