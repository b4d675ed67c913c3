"""Keep secrets out of the lab's rpc-errors.

The models' messages quote offending values ('Unsatisfied pattern - "..."'),
and a refused CLI line is echoed back; when the value is a password, secret
or key, the error must not carry it (the project's rule for every output).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from nornir_flexvpn.lab.replies import LabRpcError

SECRET_LEAVES = frozenset(
    {"password", "secret", "passphrase", "key-string", "pre-shared-key", "key", "community"}
)
MASK = "<removed>"
_CLI_SECRET = re.compile(
    r"\b(password|secret|passphrase|key-string|pre-shared-key|key)\b(\s+\d)?\s+\S.*$",
    re.IGNORECASE,
)


def secret_values(roots: Iterable[etree._Element]) -> set[str]:
    """Texts of every leaf named like a secret in the given data."""
    found: set[str] = set()
    for root in roots:
        for node in root.iter():
            if not isinstance(node.tag, str) or len(node):
                continue
            if etree.QName(node).localname in SECRET_LEAVES and node.text and node.text.strip():
                found.add(node.text.strip())
    return found


def _scrub(text: str, secrets: set[str]) -> str:
    for value in sorted(secrets, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def redact(error: LabRpcError, secrets: set[str]) -> LabRpcError:
    """The same error with any secret value masked in its message and path."""
    if not secrets:
        return error
    message = _scrub(error.message, secrets)
    path = _scrub(error.path, secrets) if error.path else error.path
    if message == error.message and path == error.path:
        return error
    return LabRpcError(
        message,
        tag=error.tag,
        error_type=error.error_type,
        path=path,
        info={k: _scrub(v, secrets) for k, v in error.info.items()} or None,
        app_tag=error.app_tag,
    )


def redact_cli_line(line: str) -> str:
    """A configuration line fit to echo: what follows a secret keyword is removed."""
    return _CLI_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2) or ''} {MASK}", line)
