"""The one XML parser the lab uses on anything a client or a file sends it.

Strict (no recovery), no entities resolved, no network, no DTD loading: a
NETCONF peer is untrusted input.
"""

from __future__ import annotations

from typing import cast

from lxml import etree


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


_PARSER = _parser()


class XmlRejected(ValueError):
    """Not well-formed, or carrying a DTD."""


def parse_xml(data: bytes) -> etree._Element:
    """Parse one document; raises `XmlRejected` on anything not well-formed."""
    # A DOCTYPE is how entity expansion attacks start; a NETCONF message never has one.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise XmlRejected("a DOCTYPE is not allowed in a NETCONF message")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise XmlRejected(str(exc)) from None


def default_ns(namespace: str, **prefixed: str) -> dict[str, str]:
    """An nsmap with `namespace` as the default (lxml-stubs cannot type the None key)."""
    nsmap: dict[str | None, str] = {None: namespace}
    nsmap.update(prefixed)
    return cast("dict[str, str]", nsmap)
