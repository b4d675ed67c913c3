"""NETCONF messages as the lab headend writes and reads them (RFC 6241).

Pure functions: build the server <hello>, check the client's, turn an <rpc>
into (message-id, operation) and a device answer into an <rpc-reply>. The
SSH side (`lab.transport`) only moves the resulting bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from nornir_flexvpn.errors import LabError, RpcError
from nornir_flexvpn.lab.contract import RpcErrorReply
from nornir_flexvpn.lab.identity import BASE_10, BASE_11
from nornir_flexvpn.lab.xmlsafe import XmlRejected, default_ns, parse_xml
from nornir_flexvpn.namespaces import NC, qn

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RPC = qn(NC, "rpc")
_REPLY = qn(NC, "rpc-reply")
_HELLO = qn(NC, "hello")


class HelloError(LabError):
    """The client's <hello> is unacceptable; RFC 6241 8.1: close the session."""


@dataclass(frozen=True)
class ClientHello:
    capabilities: tuple[str, ...]

    @property
    def base11(self) -> bool:
        return BASE_11 in self.capabilities


@dataclass(frozen=True)
class Rpc:
    """One parsed <rpc>: the element itself (attributes kept) and its operation."""

    element: etree._Element
    message_id: str
    operation: etree._Element

    @property
    def name(self) -> str:
        return etree.QName(self.operation).localname

    @property
    def is_close_session(self) -> bool:
        return self.operation.tag == qn(NC, "close-session")


class RpcRejected(Exception):
    """The <rpc> envelope itself is wrong; `reply` is the rpc-reply to send."""

    def __init__(self, reply: bytes) -> None:
        super().__init__("rpc rejected")
        self.reply = reply


def to_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def server_hello(capabilities: Sequence[str], session_id: int) -> bytes:
    hello = etree.Element(_HELLO, nsmap=default_ns(NC))
    caps = etree.SubElement(hello, qn(NC, "capabilities"))
    for uri in capabilities:
        etree.SubElement(caps, qn(NC, "capability")).text = uri
    etree.SubElement(hello, qn(NC, "session-id")).text = str(session_id)
    return to_bytes(hello)


def parse_client_hello(data: bytes) -> ClientHello:
    try:
        root = parse_xml(data)
    except XmlRejected as exc:
        raise HelloError(f"client hello is not well-formed XML: {exc}") from None
    if root.tag != _HELLO:
        raise HelloError(f"expected <hello> in {NC}, got {root.tag}")
    if root.find(qn(NC, "session-id")) is not None:
        raise HelloError("a client hello must not carry a session-id (RFC 6241 8.1)")
    caps_el = root.find(qn(NC, "capabilities"))
    if caps_el is None:
        raise HelloError("client hello has no <capabilities>")
    caps = tuple((c.text or "").strip() for c in caps_el.iterchildren(qn(NC, "capability")))
    if BASE_10 not in caps and BASE_11 not in caps:
        raise HelloError("client hello advertises neither base:1.0 nor base:1.1")
    return ClientHello(caps)


def parse_rpc(data: bytes, *, base11: bool) -> Rpc:
    """Split an <rpc>; raise `RpcRejected` (with the reply to send) when it is malformed."""
    try:
        root = parse_xml(data)
    except XmlRejected:
        # malformed-message exists only in base:1.1 (RFC 6241 appendix A).
        tag = "malformed-message" if base11 else "operation-failed"
        raise RpcRejected(
            error_reply(
                None, [RpcErrorReply("message is not well-formed XML", tag=tag, error_type="rpc")]
            )
        ) from None
    if root.tag != _RPC:
        raise RpcRejected(
            error_reply(
                None,
                [
                    RpcErrorReply(
                        f"expected <rpc> in {NC}",
                        tag="unknown-element",
                        error_type="rpc",
                        info={"bad-element": etree.QName(root).localname},
                    )
                ],
            )
        )
    message_id = root.get("message-id")
    if message_id is None:
        raise RpcRejected(
            error_reply(
                root,
                [
                    RpcErrorReply(
                        "missing message-id attribute",
                        tag="missing-attribute",
                        error_type="rpc",
                        info={"bad-attribute": "message-id", "bad-element": "rpc"},
                    )
                ],
            )
        )
    operations = list(root.iterchildren(tag=etree.Element))
    if not operations:
        raise RpcRejected(
            error_reply(
                root,
                [
                    RpcErrorReply(
                        "rpc has no operation",
                        tag="missing-element",
                        error_type="rpc",
                        info={"bad-element": "rpc"},
                    )
                ],
            )
        )
    if len(operations) > 1:
        raise RpcRejected(
            error_reply(
                root,
                [
                    RpcErrorReply(
                        "rpc carries more than one operation",
                        tag="bad-element",
                        error_type="rpc",
                        info={"bad-element": etree.QName(operations[1]).localname},
                    )
                ],
            )
        )
    return Rpc(root, message_id, operations[0])


def _reply_for(rpc: etree._Element | None) -> etree._Element:
    if rpc is None:
        return etree.Element(_REPLY, nsmap=default_ns(NC))
    # Keep the rpc's prefixes so copied attributes and the client's own names read the same.
    prefixed = {k: v for k, v in rpc.nsmap.items() if k and v != NC}
    reply = etree.Element(_REPLY, nsmap=default_ns(NC, **prefixed))
    for name, value in rpc.attrib.items():
        reply.set(name, value)
    return reply


def ok_reply(rpc: etree._Element, body: etree._Element | None) -> bytes:
    reply = _reply_for(rpc)
    if body is None:
        etree.SubElement(reply, qn(NC, "ok"))
    elif body.tag == _REPLY:
        for child in list(body):
            reply.append(child)
    else:
        reply.append(body)
    return to_bytes(reply)


def error_reply(rpc: etree._Element | None, errors: Sequence[RpcError]) -> bytes:
    reply = _reply_for(rpc)
    for err in errors:
        reply.append(rpc_error_element(err))
    return to_bytes(reply)


def rpc_error_element(err: RpcError) -> etree._Element:
    element = etree.Element(qn(NC, "rpc-error"), nsmap=default_ns(NC))
    etree.SubElement(element, qn(NC, "error-type")).text = err.error_type
    etree.SubElement(element, qn(NC, "error-tag")).text = err.tag
    severity = getattr(err, "severity", "error")
    etree.SubElement(element, qn(NC, "error-severity")).text = str(severity)
    app_tag = getattr(err, "app_tag", None)
    if app_tag:
        etree.SubElement(element, qn(NC, "error-app-tag")).text = str(app_tag)
    if err.path:
        etree.SubElement(element, qn(NC, "error-path")).text = err.path
    message = etree.SubElement(element, qn(NC, "error-message"))
    message.set(XML_LANG, "en")
    message.text = err.message
    if err.info:
        info = etree.SubElement(element, qn(NC, "error-info"))
        for key, value in err.info.items():
            etree.SubElement(info, qn(NC, key)).text = value
    return element


def errors_of(exc: RpcError) -> list[RpcError]:
    """A device may raise one error or bundle several (`exc.errors`)."""
    bundled = getattr(exc, "errors", None)
    if isinstance(bundled, list) and bundled and all(isinstance(e, RpcError) for e in bundled):
        return list(bundled)
    return [exc]
