"""Where the readers get their data: anything with `get(filter) -> <data>`.

`NetconfConnection.get` fits as it is; a RESTCONF client plugs in by
implementing the same method: the filter is one subtree root (e.g.
`<crypto-oper-data>` with the children wanted, list entries selected by
key), the answer one NETCONF-style <data> element holding that root. Filters are built here so each reader asks for exactly
the subtree it parses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from lxml import etree

from nornir_flexvpn.namespaces import (
    CRYPTO_OPER,
    CRYPTO_PKI_OPER,
    INTERFACES_OPER,
    NATIVE,
    TUNNEL,
    qn,
)


class OperSource(Protocol):
    """One retrieval of configuration and state, restricted by a subtree filter."""

    def get(self, filter: etree._Element) -> etree._Element: ...


def _default(namespace: str) -> Any:
    """{None: namespace} (lxml's stubs reject the None key)."""
    return {None: namespace}


def _sub(parent: etree._Element, ns: str, name: str, value: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, qn(ns, name))
    if value is not None:
        element.text = value
    return element


# Parts of crypto-oper-data the checks read; each release's data has a subset.
CRYPTO_PARTS = (
    "crypto-ipsec-ident",
    "crypto-ikev2-sa",
    "crypto-ikev2-stats-resp",
    "crypto-ikev2-sess-detail",
)


def crypto_filter(parts: Iterable[str] = CRYPTO_PARTS) -> etree._Element:
    root = etree.Element(qn(CRYPTO_OPER, "crypto-oper-data"), nsmap=_default(CRYPTO_OPER))
    for part in parts:
        _sub(root, CRYPTO_OPER, part)
    return root


def pki_filter(trustpoints: Iterable[str]) -> etree._Element:
    root = etree.Element(
        qn(CRYPTO_PKI_OPER, "crypto-pki-oper-data"), nsmap=_default(CRYPTO_PKI_OPER)
    )
    for label in trustpoints:
        _sub(_sub(root, CRYPTO_PKI_OPER, "crypto-pki-bundle"), CRYPTO_PKI_OPER, "label", label)
    return root


def interfaces_filter(names: Iterable[str]) -> etree._Element:
    root = etree.Element(qn(INTERFACES_OPER, "interfaces"), nsmap=_default(INTERFACES_OPER))
    for name in names:
        _sub(_sub(root, INTERFACES_OPER, "interface"), INTERFACES_OPER, "name", name)
    return root


def config_filter(pools: Iterable[str], templates: Iterable[int]) -> etree._Element:
    """The running lines the checks compare with state: pools and Virtual-Templates."""
    native = etree.Element(qn(NATIVE, "native"), nsmap=_default(NATIVE))
    pool_names = list(pools)
    if pool_names:
        local = _sub(_sub(native, NATIVE, "ip"), NATIVE, "local")
        for name in pool_names:
            _sub(_sub(local, NATIVE, "pool"), NATIVE, "id", name)
    numbers = list(templates)
    if numbers:
        interface = _sub(native, NATIVE, "interface")
        for number in numbers:
            vt = _sub(interface, NATIVE, "Virtual-Template")
            _sub(vt, NATIVE, "name", str(number))
            _sub(vt, NATIVE, "ip")
            _sub(vt, TUNNEL, "tunnel")
            _sub(vt, NATIVE, "shutdown")
    return native


__all__ = [
    "CRYPTO_PARTS",
    "OperSource",
    "config_filter",
    "crypto_filter",
    "interfaces_filter",
    "pki_filter",
]
