"""The release's YANG models: repaired on load, compiled once, used to validate data.

`get_context(release)` gives the shared libyang context (hold `context_lock`
while parsing with it); `validate_config` / `ensure_valid_config` /
`validate_oper` / `validate_rpc` check XML against the models and name the
data path of each complaint.
"""

from __future__ import annotations

from nornir_flexvpn.schema.context import (
    HEADEND_MODULES,
    context_lock,
    get_context,
    load_modules,
    locked_context,
    module_files,
)
from nornir_flexvpn.schema.validate import (
    ensure_valid_config,
    ensure_valid_oper,
    parse_config,
    validate_config,
    validate_oper,
    validate_reply,
    validate_rpc,
)

__all__ = [
    "HEADEND_MODULES",
    "context_lock",
    "ensure_valid_config",
    "ensure_valid_oper",
    "get_context",
    "load_modules",
    "locked_context",
    "module_files",
    "parse_config",
    "validate_config",
    "validate_oper",
    "validate_reply",
    "validate_rpc",
]
