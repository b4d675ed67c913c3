"""The source document's headend as inventory data (what goes under `flexvpn:`)."""

from __future__ import annotations

from typing import Any

from nornir_flexvpn.intent.models import FlexVpnIntent


def seed_intent_data() -> dict[str, Any]:
    """The document's headend as a plain YAML-able mapping.

    Secrets appear as references (`env` + `demo: true`), never as values, so
    `FlexVpnIntent(**seed_intent_data()) == FlexVpnIntent()`.
    """
    # exclude_none is safe: every field the seed leaves empty defaults to None.
    data: dict[str, Any] = FlexVpnIntent().model_dump(mode="json", exclude_none=True)
    return data
