"""Masking of secrets in anything shown to people or machines.

`ResolvedSecrets.redact` knows our own values; configuration read from a
device holds secrets we never resolved (another salt, another user), so
CLI-shaped text is also masked by pattern.
"""

from __future__ import annotations

import re
from typing import Protocol

from nornir_flexvpn.intent.secrets import REDACTED

# `password 0 X`, `secret 9 $9$...`, `password X`, `... password <pw>` in import lines
_CLI_SECRET = re.compile(r"\b(password|secret|key)(\s+\d{1,2})?\s+(\S+)")


class Redactor(Protocol):
    def redact(self, text: str) -> str: ...


def redact_cli(text: str, secrets: Redactor | None = None) -> str:
    if secrets is not None:
        text = secrets.redact(text)
    return _CLI_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2) or ''} {REDACTED}", text)
