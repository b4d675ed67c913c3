"""Reading what a headend sends: strict XML parsing and <rpc-error> fields.

A NETCONF peer is untrusted input: no recovery, no entities, no DTD, no
network. Every message the client receives passes `parse_message` before
ncclient looks at it, so a DOCTYPE or malformed reply fails the pending RPC
instead of being half-read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from nornir_flexvpn.errors import RpcError
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.netconf.errors import MalformedReplyError

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    recover=False,
    remove_pis=True,
    # get-config of a large headend and get-schema of Cisco-IOS-XE-native
    # exceed libxml2's default 10 MB text-node limit.
    huge_tree=True,
)


def parse_message(raw: str | bytes) -> etree._Element:
    """Parse one NETCONF message strictly; raise MalformedReplyError naming the defect."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    # lxml refuses str input that carries an encoding declaration; bytes are always fine.
    try:
        document = etree.fromstring(data, _PARSER).getroottree()
    except etree.XMLSyntaxError as exc:
        raise MalformedReplyError(f"device sent XML that is not well-formed: {exc}") from None
    if document.docinfo.internalDTD is not None or document.docinfo.system_url:
        raise MalformedReplyError("message from the device carries a DOCTYPE (refused)")
    return document.getroot()


@dataclass(frozen=True)
class RpcErrorFields:
    """One <rpc-error>, every field kept as the device sent it."""

    error_type: str
    tag: str
    severity: str
    message: str | None = None
    path: str | None = None
    app_tag: str | None = None
    info: dict[str, str] = field(default_factory=dict)


def rpc_errors(reply: etree._Element) -> list[RpcErrorFields]:
    """All <rpc-error> children of an <rpc-reply>, in document order."""
    found: list[RpcErrorFields] = []
    for err in reply.iterchildren(qn(NC, "rpc-error")):
        info_element = err.find(qn(NC, "error-info"))
        info: dict[str, str] = {}
        if info_element is not None:
            for child in info_element:
                if isinstance(child.tag, str):
                    info[etree.QName(child).localname] = _joined(child).strip()
        found.append(
            RpcErrorFields(
                error_type=_text(err, "error-type") or "application",
                tag=_text(err, "error-tag") or "operation-failed",
                severity=_text(err, "error-severity") or "error",
                message=_text(err, "error-message"),
                path=_text(err, "error-path"),
                app_tag=_text(err, "error-app-tag"),
                info=info,
            )
        )
    return found


def raise_for_errors(
    reply: etree._Element, operation: str, error_class: type[RpcError] = RpcError
) -> None:
    """Raise `error_class` for the first error-severity <rpc-error>; warnings pass."""
    if reply.tag != qn(NC, "rpc-reply"):
        raise MalformedReplyError(f"reply to <{operation}> is <{reply.tag}>, not <rpc-reply>")
    errors = [e for e in rpc_errors(reply) if e.severity == "error"]
    if not errors:
        return
    first = errors[0]
    message = first.message or f"<{operation}> failed"
    if len(errors) > 1:
        message += f" (+{len(errors) - 1} more rpc-error)"
    info = dict(first.info)
    if first.app_tag:
        info.setdefault("error-app-tag", first.app_tag)
    raise error_class(
        message, tag=first.tag, error_type=first.error_type, path=first.path, info=info
    )


def data_of(reply: etree._Element, operation: str) -> etree._Element:
    """The <data> child of a get / get-config reply (the reply must have one)."""
    data = reply.find(qn(NC, "data"))
    if data is None:
        raise MalformedReplyError(f"reply to <{operation}> has no <data>")
    return data


def _text(parent: etree._Element, local: str) -> str | None:
    element = parent.find(qn(NC, local))
    if element is None:
        return None
    text = _joined(element).strip()
    return text or None


def _joined(element: etree._Element) -> str:
    return "".join(str(t) for t in element.itertext())
