"""JSON Schema of the intent, for editors (YAML language servers) and docs."""

from __future__ import annotations

import json
from typing import Any

from nornir_flexvpn.intent.models import FlexVpnIntent

SCHEMA_ID = "https://nornir-flexvpn.invalid/schema/flexvpn-intent.json"

# What the SecretRef before-validator accepts besides the mapping form.
_SECRET_SHORTHAND: dict[str, Any] = {
    "type": "string",
    "pattern": "^(env|file):\\S.*$",
    "description": "Shorthand: 'env:NAME' (environment variable) or 'file:PATH' "
    "(relative to the inventory directory).",
}


def intent_json_schema() -> dict[str, Any]:
    """The schema of what goes under `flexvpn:` in the inventory."""
    schema = FlexVpnIntent.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    defs = schema.get("$defs", {})
    if "SecretRef" in defs:
        mapping = defs["SecretRef"]
        defs["SecretRef"] = {
            "title": mapping.get("title", "SecretRef"),
            "description": mapping.get("description", ""),
            "anyOf": [{k: v for k, v in mapping.items() if k != "description"}, _SECRET_SHORTHAND],
        }
    return schema


def intent_json_schema_text() -> str:
    return json.dumps(intent_json_schema(), indent=2, sort_keys=True) + "\n"
