"""IOS-XE's own safety net: cisco-ia checkpoint / rollback / save-config.

IOS-XE advertises no :confirmed-commit, so the only device-side way back
after a commit is `checkpoint` (archive the running config) and `rollback`
to that archive. The checkpoint's result text names the archive URL.
"""

from __future__ import annotations

import re

from lxml import etree

from nornir_flexvpn.errors import RollbackError, RpcError
from nornir_flexvpn.namespaces import CISCO_IA, qn
from nornir_flexvpn.netconf.connection import NetconfConnection

# "Checkpoint successful: bootflash:/ia-checkpoint-1" (a URL: scheme, colon, path)
_URL = re.compile(r"\b([a-z][a-z0-9-]*:/?[^\s'\"]+)")


def _result(reply: etree._Element) -> str:
    found = reply.find(f".//{qn(CISCO_IA, 'result')}")
    return (found.text or "").strip() if found is not None else ""


def checkpoint(conn: NetconfConnection) -> str:
    """Archive the running configuration; returns the archive URL."""
    reply = conn.dispatch(etree.Element(qn(CISCO_IA, "checkpoint")))
    text = _result(reply)
    match = _URL.search(text)
    if match is None:
        raise RpcError(
            f"cisco-ia checkpoint on {conn.host} gave no archive URL (result: {text!r})",
            tag="operation-failed",
        )
    return match.group(1)


def rollback(conn: NetconfConnection, target_url: str) -> str:
    """Replace running by the archive at `target_url`, reverting on error."""
    op = etree.Element(qn(CISCO_IA, "rollback"))
    etree.SubElement(op, qn(CISCO_IA, "target-url")).text = target_url
    etree.SubElement(op, qn(CISCO_IA, "revert-on-error"))
    try:
        return _result(conn.dispatch(op))
    except RpcError as exc:
        raise RollbackError(
            f"rollback of {conn.host} to {target_url} failed: {exc.message}"
        ) from exc


def save_config(conn: NetconfConnection) -> str:
    """running -> startup (`write memory`)."""
    return _result(conn.dispatch(etree.Element(qn(CISCO_IA, "save-config"))))
