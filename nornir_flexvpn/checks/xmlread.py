"""Strict reading of operational replies: every miss or odd value names its data path.

A reader that shrugs at an unexpected reply turns a broken headend into a
passed check; these helpers raise `OperReplyError` instead, with the YANG
data path (`/crypto-oper-data/crypto-ikev2-sa[sa-id='1']/sa-data/encr-alg`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping
from typing import TypeVar

from lxml import etree

from nornir_flexvpn.errors import OperReplyError
from nornir_flexvpn.namespaces import NC, qn

T = TypeVar("T")

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def parse_xml(text: bytes | str) -> etree._Element:
    """Parse a reply body strictly (no entities, no network, never recover)."""
    data = text.encode() if isinstance(text, str) else text
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise OperReplyError(f"reply is not well-formed XML: {exc.msg}", path="/") from None


def elements(parent: etree._Element) -> list[etree._Element]:
    return [c for c in parent if isinstance(c.tag, str)]


def top(data: etree._Element, namespace: str, name: str) -> etree._Element | None:
    """The one `{namespace}name` under <data> (None when the device has none of it).

    Anything else at the top of the reply is an error: the filter asked for one root."""
    if data.tag not in (qn(NC, "data"), "data"):
        raise OperReplyError(f"expected a <data> element, got <{etree.QName(data).localname}>")
    found: etree._Element | None = None
    for child in elements(data):
        if child.tag != qn(namespace, name):
            q = etree.QName(child)
            raise OperReplyError(
                f"unexpected <{q.localname}> ({q.namespace}) in a reply filtered for {name}",
                path=f"/{q.localname}",
            )
        if found is not None:
            raise OperReplyError(f"<{name}> appears twice", path=f"/{name}")
        found = child
    return found


def children(parent: etree._Element, namespace: str, name: str) -> list[etree._Element]:
    return parent.findall(qn(namespace, name))


def child(parent: etree._Element, namespace: str, name: str, path: str) -> etree._Element | None:
    found = parent.findall(qn(namespace, name))
    if len(found) > 1:
        raise OperReplyError(f"<{name}> appears {len(found)} times", path=f"{path}/{name}")
    return found[0] if found else None


def need(parent: etree._Element, namespace: str, name: str, path: str) -> etree._Element:
    found = child(parent, namespace, name, path)
    if found is None:
        raise OperReplyError(f"<{name}> is missing", path=f"{path}/{name}")
    return found


def text(parent: etree._Element, namespace: str, name: str, path: str) -> str | None:
    found = child(parent, namespace, name, path)
    if found is None:
        return None
    if elements(found):
        raise OperReplyError(f"<{name}> must be a leaf", path=f"{path}/{name}")
    return (found.text or "").strip()


def key(parent: etree._Element, namespace: str, name: str, path: str) -> str:
    value = text(parent, namespace, name, path)
    if not value:
        raise OperReplyError(f"list key <{name}> is missing or empty", path=f"{path}/{name}")
    return value


def integer(
    parent: etree._Element, namespace: str, name: str, path: str, *, low: int = 0
) -> int | None:
    value = text(parent, namespace, name, path)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise OperReplyError(f"{value!r} is not an integer", path=f"{path}/{name}") from None
    if number < low:
        raise OperReplyError(f"{number} is below {low}", path=f"{path}/{name}")
    return number


def boolean(parent: etree._Element, namespace: str, name: str, path: str) -> bool | None:
    value = text(parent, namespace, name, path)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise OperReplyError(f"{value!r} is not a boolean", path=f"{path}/{name}")
    return value == "true"


def address(parent: etree._Element, namespace: str, name: str, path: str) -> str | None:
    value = text(parent, namespace, name, path)
    if value is None or value == "":
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise OperReplyError(f"{value!r} is not an IP address", path=f"{path}/{name}") from None


def enum(
    parent: etree._Element,
    namespace: str,
    name: str,
    path: str,
    values: Mapping[str, T],
) -> T | None:
    """The mapped value of an enumeration leaf; a name the map lacks is an error."""
    value = text(parent, namespace, name, path)
    if value is None:
        return None
    if value not in values:
        raise OperReplyError(f"unexpected value {value!r}", path=f"{path}/{name}")
    return values[value]


def timestamp(parent: etree._Element, namespace: str, name: str, path: str) -> dt.datetime | None:
    value = text(parent, namespace, name, path)
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise OperReplyError(f"{value!r} is not a date-and-time", path=f"{path}/{name}") from None
    if moment.tzinfo is None:
        raise OperReplyError(f"{value!r} has no time zone", path=f"{path}/{name}")
    return moment.astimezone(dt.UTC)


def keyed(path: str, name: str, key_name: str, value: str) -> str:
    """`path/name[key='value']`, the data path of one list entry."""
    return f"{path}/{name}[{key_name}='{value}']"
