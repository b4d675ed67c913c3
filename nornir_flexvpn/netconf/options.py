"""The vocabulary of NETCONF operations (RFC 6241, RFC 6243) as types."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from nornir_flexvpn.namespaces import NC, qn

_NC_PREFIX: dict[str, str] = {"nc": NC}

Datastore = Literal["running", "candidate", "startup"]
DefaultOperation = Literal["merge", "replace", "none"]
TestOption = Literal["test-then-set", "set", "test-only"]
ErrorOption = Literal["stop-on-error", "continue-on-error", "rollback-on-error"]
WithDefaultsMode = Literal["report-all", "report-all-tagged", "trim", "explicit"]

Operation = Literal[
    "get",
    "get-config",
    "edit-config",
    "lock",
    "unlock",
    "discard-changes",
    "validate",
    "commit",
    "cancel-commit",
    "get-schema",
    "close-session",
    "rpc",
]


@dataclass(frozen=True)
class XPathFilter:
    """An RFC 6241 xpath filter; `namespaces` binds the prefixes `select` uses."""

    select: str
    namespaces: dict[str, str] = field(default_factory=dict)


Filter = etree._Element | XPathFilter
"""A subtree filter's content (e.g. `<native>`, or a whole `<nc:filter>`) or an XPathFilter."""


def filter_element(spec: Filter) -> etree._Element:
    """The <filter> element for `spec`; the caller's element is copied, never moved."""
    if isinstance(spec, XPathFilter):
        element = etree.Element(qn(NC, "filter"), nsmap={**_NC_PREFIX, **spec.namespaces})
        element.set("type", "xpath")
        element.set("select", spec.select)
        return element
    copied = _copy(spec)
    if copied.tag == qn(NC, "filter"):
        return copied
    element = etree.Element(qn(NC, "filter"), nsmap=_NC_PREFIX)
    element.set("type", "subtree")
    element.append(copied)
    return element


def config_element(config: etree._Element) -> etree._Element:
    """A copy of `config` rooted in <nc:config> (wrapped if it is a data node)."""
    copied = _copy(config)
    if copied.tag == qn(NC, "config"):
        return copied
    element = etree.Element(qn(NC, "config"), nsmap=_NC_PREFIX)
    element.append(copied)
    return element


def _copy(element: etree._Element) -> etree._Element:
    copied = deepcopy(element)
    copied.tail = None
    return copied
