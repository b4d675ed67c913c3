"""rpc-error construction for the lab device, with the RFC 6241 error-tags.

Every error the device raises goes through here so that tags, types and
error-info keys are spelled once. `from_model_issue` maps a libyang verdict
to the tag the RFCs give it (RFC 7950 §15, RFC 6241 appendix A).
"""

from __future__ import annotations

import re
from typing import Literal

from nornir_flexvpn.lab.contract import RpcErrorReply
from nornir_flexvpn.lab.models import ModelIssue

ErrorType = Literal["transport", "rpc", "protocol", "application"]
ErrorTag = Literal[
    "in-use",
    "invalid-value",
    "too-big",
    "missing-attribute",
    "bad-attribute",
    "unknown-attribute",
    "missing-element",
    "bad-element",
    "unknown-element",
    "unknown-namespace",
    "access-denied",
    "lock-denied",
    "resource-denied",
    "rollback-failed",
    "data-exists",
    "data-missing",
    "operation-not-supported",
    "operation-failed",
    "malformed-message",
]


class LabRpcError(RpcErrorReply):
    """An rpc-error that may carry an error-app-tag (RFC 7950 §15: must-violation,
    instance-required, ...); transports that know `app_tag` serialise it."""

    def __init__(
        self,
        message: str,
        *,
        tag: str,
        error_type: str,
        path: str | None = None,
        info: dict[str, str] | None = None,
        app_tag: str | None = None,
    ) -> None:
        super().__init__(message, tag=tag, error_type=error_type, path=path, info=info)
        self.app_tag = app_tag


def rpc_error(
    message: str,
    tag: ErrorTag,
    *,
    error_type: ErrorType = "application",
    path: str | None = None,
    info: dict[str, str] | None = None,
    app_tag: str | None = None,
) -> LabRpcError:
    return LabRpcError(
        message, tag=tag, error_type=error_type, path=path, info=info, app_tag=app_tag
    )


def missing_element(
    name: str, *, path: str | None = None, error_type: ErrorType = "protocol"
) -> LabRpcError:
    return rpc_error(
        f"missing element <{name}>",
        "missing-element",
        error_type=error_type,
        path=path,
        info={"bad-element": name},
    )


def bad_element(name: str, why: str, *, error_type: ErrorType = "protocol") -> LabRpcError:
    return rpc_error(
        f"<{name}>: {why}", "bad-element", error_type=error_type, info={"bad-element": name}
    )


def unknown_element(
    name: str,
    *,
    path: str | None = None,
    message: str | None = None,
    error_type: ErrorType = "application",
) -> LabRpcError:
    return rpc_error(
        message or f"unknown element <{name}>",
        "unknown-element",
        error_type=error_type,
        path=path,
        info={"bad-element": name},
    )


def invalid_value(
    message: str, *, path: str | None = None, error_type: ErrorType = "protocol"
) -> LabRpcError:
    return rpc_error(message, "invalid-value", error_type=error_type, path=path)


def operation_not_supported(what: str) -> LabRpcError:
    return rpc_error(
        f"{what} is not supported by this device", "operation-not-supported", error_type="protocol"
    )


_LOCATION = re.compile(r'Data location "([^"]+)"')
_SCHEMA_LOCATION = re.compile(r'Schema location "([^"]+)"')


def issue_path(issue: ModelIssue) -> str | None:
    for pattern in (_LOCATION, _SCHEMA_LOCATION):
        found = pattern.search(issue.path) or pattern.search(issue.message)
        if found:
            return found.group(1)
    return issue.path or None


def from_model_issue(issue: ModelIssue) -> LabRpcError:
    """The rpc-error a model violation becomes, with the model's own message."""
    message = issue.message
    path = issue_path(issue)
    app_tag = issue.apptag or None
    tag: ErrorTag
    lowered = message.lower()
    if issue.apptag == "instance-required" or "required instance" in lowered:
        tag = "data-missing"
        app_tag = "instance-required"
    elif issue.apptag == "must-violation":
        tag = "operation-failed"
    elif "mandatory" in lowered or issue.apptag == "missing-choice":
        tag = "data-missing"
    elif "not found as a child" in lowered or "when condition" in lowered:
        tag = "unknown-element"
    elif "unknown xml prefix" in lowered or "namespace" in lowered:
        tag = "unknown-namespace"
    elif "invalid" in lowered or "unsatisfied" in lowered or "does not satisfy" in lowered:
        tag = "invalid-value"
    elif "duplicate" in lowered or "unique" in lowered:
        tag = "operation-failed"
        app_tag = app_tag or "data-not-unique"
    elif "too many" in lowered:
        tag = "operation-failed"
        app_tag = app_tag or "too-many-elements"
    elif "too few" in lowered:
        tag = "operation-failed"
        app_tag = app_tag or "too-few-elements"
    else:
        tag = "operation-failed"
    return rpc_error(message, tag, error_type="application", path=path, app_tag=app_tag)
