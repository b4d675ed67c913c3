"""Nornir task: render the host's payload (no device access)."""

from __future__ import annotations

from typing import Literal

from lxml import etree
from nornir.core.task import Result, Task

from nornir_flexvpn.deploy.redaction import redact_cli
from nornir_flexvpn.intent.lint import ensure_clean
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.render_cli import render_cli
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import ensure_valid_config
from nornir_flexvpn.tasks._host import host_intent, host_secrets


def render_payload(
    task: Task,
    release: Release | None = None,
    fmt: Literal["xml", "cli"] = "xml",
    show_secrets: bool = False,
) -> Result:
    """Lint, build and validate the host's payload; `result` is the text
    (secrets masked unless `show_secrets`), `changed` is always False."""
    host = host_intent(task)
    target = release or host.release
    ensure_clean(host.intent, target)
    secrets = host_secrets(task, host)
    payload = build_payload(host.intent, target, secrets)
    ensure_valid_config(target, payload.config)
    if fmt == "cli":
        text = render_cli(payload.config, target, payload.cli)
    else:
        text = etree.tostring(payload.config, pretty_print=True, encoding="unicode")
    if not show_secrets:
        text = redact_cli(text, secrets) if fmt == "cli" else secrets.redact(text)
    return Result(host=task.host, result=text, changed=False)
