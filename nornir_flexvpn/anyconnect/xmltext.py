"""Serialising the client-side XML files byte for byte the same way every time.

Checksums decide whether a file is delivered again, so the output depends on
the input only: fixed declaration, fixed indentation, LF line ends, a final
newline. AnyConnect's files mix text and child elements (`<AutoReconnect>true
<AutoReconnectBehavior>...`), which lxml's own indenting leaves on one line.
"""

from __future__ import annotations

import re

from lxml import etree

from nornir_flexvpn.errors import IntentError

INDENT = "    "
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def check_name(name: str, *, path: str) -> str:
    """An element name the client's XSD could define (no namespace prefix, no spaces)."""
    if not _NAME.fullmatch(name):
        raise IntentError(f"{name!r} is not an XML element name", path=path)
    return name


def setting_text(value: bool | int | str) -> str:
    """XSD spelling: booleans are `true` / `false`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _indent(element: etree._Element, level: int) -> None:
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return
    inner = "\n" + INDENT * (level + 1)
    element.text = (element.text or "").strip() + inner
    for child in children:
        _indent(child, level + 1)
        child.tail = inner
    children[-1].tail = "\n" + INDENT * level


def serialise(root: etree._Element) -> bytes:
    """`root` as a UTF-8 file with the document's declaration, indented by four spaces."""
    _indent(root, 0)
    body = etree.tostring(root, encoding="unicode")
    return (DECLARATION + body + "\n").encode("utf-8")
