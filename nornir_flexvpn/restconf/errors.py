"""RFC 8040 errors <-> the FlexVpnError tree.

A RESTCONF server answers an error with an HTTP status and an
`ietf-restconf:errors` body whose fields are NETCONF's (error-type,
error-tag, error-path, error-message, error-info): they map onto RpcError
exactly as a NETCONF rpc-error does, so callers handle both transports alike.
"""

from __future__ import annotations

import json
from typing import Any, Final, Literal

from nornir_flexvpn.errors import (
    ConnectError,
    EditError,
    LockError,
    RpcError,
)

Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

# RFC 8040 §7: error-tag -> status line.
STATUS_OF_TAG: Final[dict[str, int]] = {
    "in-use": 409,
    "invalid-value": 400,
    "too-big": 413,
    "missing-attribute": 400,
    "bad-attribute": 400,
    "unknown-attribute": 400,
    "bad-element": 400,
    "unknown-element": 400,
    "unknown-namespace": 400,
    "access-denied": 403,
    "lock-denied": 409,
    "resource-denied": 409,
    "rollback-failed": 500,
    "data-exists": 409,
    "data-missing": 409,
    "operation-not-supported": 405,
    "operation-failed": 500,
    "partial-operation": 500,
    "malformed-message": 400,
}
# A status without a parseable body still says something.
_TAG_OF_STATUS: Final[dict[int, str]] = {
    400: "malformed-message",
    401: "access-denied",
    403: "access-denied",
    404: "invalid-value",
    405: "operation-not-supported",
    409: "in-use",
    412: "operation-failed",
    413: "too-big",
    415: "invalid-value",
    500: "operation-failed",
    501: "operation-not-supported",
    503: "resource-denied",
}
_WRITES: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def errors_body(
    tag: str,
    message: str,
    *,
    error_type: str = "application",
    path: str | None = None,
    info: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An `ietf-restconf:errors` document with one error."""
    error: dict[str, Any] = {"error-type": error_type, "error-tag": tag}
    if path:
        error["error-path"] = path
    error["error-message"] = message
    if info:
        error["error-info"] = dict(info)
    return {"ietf-restconf:errors": {"error": [error]}}


def status_of(tag: str) -> int:
    return STATUS_OF_TAG.get(tag, 500)


def error_from_response(
    status: int, body: bytes, *, method: str, resource: str, host: str
) -> RpcError | ConnectError:
    """The exception for a non-2xx reply; RFC 8040 fields kept, plus the status."""
    if status == 401:
        return ConnectError(f"{host} refused the RESTCONF credentials (401 Unauthorized)")
    fields = _first_error(body)
    tag = str(fields.get("error-tag") or _TAG_OF_STATUS.get(status, "operation-failed"))
    message = str(fields.get("error-message") or f"HTTP {status} for {method} {resource}")
    raw_info = fields.get("error-info")
    info = {str(k): str(v) for k, v in raw_info.items()} if isinstance(raw_info, dict) else {}
    info["http-status"] = str(status)
    cls: type[RpcError] = RpcError
    if tag in ("lock-denied", "in-use"):
        cls = LockError
    elif method in _WRITES and not resource.startswith("operations/"):
        cls = EditError
    return cls(
        f"{message} ({method} /{resource} on {host})",
        tag=tag,
        error_type=str(fields.get("error-type") or "application"),
        path=str(fields["error-path"]) if fields.get("error-path") else None,
        info=info,
    )


def _first_error(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    errors = doc.get("ietf-restconf:errors") or doc.get("errors") or {}
    listed = errors.get("error") if isinstance(errors, dict) else None
    if isinstance(listed, list) and listed and isinstance(listed[0], dict):
        return listed[0]
    return {}
