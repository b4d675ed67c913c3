"""One exception tree, rooted in FlexVpnError, one subclass per phase.

Every error says where it comes from: a YAML/intent field path, a YANG data
path, or the device's rpc-error (tag, path, message). Messages never carry
secret values: callers pass names of secrets, not their contents.
"""

from __future__ import annotations

from dataclasses import dataclass


class FlexVpnError(Exception):
    """Root of every error this package raises on purpose."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


# --- intent -----------------------------------------------------------------
class IntentError(FlexVpnError):
    """Malformed inventory/intent: unknown key, wrong type, bad YAML. `path` is the YAML path."""


class SecretError(IntentError):
    """A secret reference cannot be resolved (the message names the reference, never a value)."""


@dataclass(frozen=True)
class LintFinding:
    """One rule's verdict on one field of the intent."""

    rule: str
    severity: str  # "error" | "warning"
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.message} [{self.rule}]"


class LintError(IntentError):
    """The intent breaks one or more of the document's rules."""

    def __init__(self, findings: list[LintFinding]) -> None:
        self.findings = findings
        errors = [f for f in findings if f.severity == "error"]
        first = errors[0] if errors else findings[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first.message}{more}", path=first.path)


# --- payload / schema ---------------------------------------------------------
class PayloadError(FlexVpnError):
    """A builder cannot express the intent for the target release."""


@dataclass(frozen=True)
class YangIssue:
    """One libyang complaint: the data path and the model's message."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.path or '/'}: {self.message}{where}"


class SchemaError(FlexVpnError):
    """The models cannot be loaded (missing directory, unknown module, unrepairable text)."""


class YangValidationError(SchemaError):
    """Data does not validate against the release's models."""

    def __init__(self, issues: list[YangIssue], *, release: str | None = None) -> None:
        self.issues = issues
        self.release = release
        first = issues[0] if issues else YangIssue("", "invalid data")
        more = f" (+{len(issues) - 1} more)" if len(issues) > 1 else ""
        prefix = f"[{release}] " if release else ""
        super().__init__(f"{prefix}{first.message}{more}", path=first.path or None)


# --- device / transport ---------------------------------------------------------
class DeviceError(FlexVpnError):
    """Anything that went wrong talking to a headend."""


class ConnectError(DeviceError):
    """Could not open the session (refused, timeout, auth)."""


class HostKeyError(ConnectError):
    """The headend's SSH host key is unknown or does not match known_hosts."""


class RpcError(DeviceError):
    """A NETCONF rpc-error, with the device's own fields kept."""

    def __init__(
        self,
        message: str,
        *,
        tag: str = "operation-failed",
        error_type: str = "application",
        path: str | None = None,
        info: dict[str, str] | None = None,
    ) -> None:
        self.tag = tag
        self.error_type = error_type
        self.info = info or {}
        super().__init__(f"{tag}: {message}", path=path)
        self.message = message


class LockError(RpcError):
    """lock-denied / in-use after the retry budget."""


class EditError(RpcError):
    """edit-config refused."""


class ValidateError(RpcError):
    """validate refused the candidate."""


class CommitError(RpcError):
    """commit refused or its outcome could not be established."""


class RpcTimeoutError(DeviceError):
    """No reply in time; the outcome is unknown until the device is read."""


class SessionClosedError(DeviceError):
    """The NETCONF session ended (peer closed, transport failed); a pending RPC is in doubt."""


class CheckError(FlexVpnError):
    """A post-check failed (the commit gate)."""


class RollbackError(FlexVpnError):
    """Rolling back failed: the headend may need a human."""


class RefusedError(FlexVpnError):
    """The operation was refused before touching the device (policy, capability, safety)."""


class LabError(FlexVpnError):
    """The simulated headend could not start or was driven wrongly."""


class IntentIssuesError(IntentError):
    """Several fields of one host's intent are wrong; `issues` keeps each (path, message)."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        self.issues = issues
        first_path, first_message = issues[0]
        rest = "".join(f"\n  {p}: {m}" for p, m in issues[1:])
        super().__init__(f"{first_message}{rest}", path=first_path)


# Appended by the lab state helper (bootflash, PKI, simulated clients).
class BootflashError(LabError):
    """A lab bootflash operation failed (no such file, bootflash full); `path` is the file URL."""


class ClientRejected(LabError):
    """A simulated AnyConnect client was refused; `reason` is what the headend would log."""

    def __init__(self, reason: str, *, path: str | None = None) -> None:
        self.reason = reason
        super().__init__(reason, path=path)


# Appended by the AnyConnect profile / PKI delivery helper.
class TransferError(DeviceError):
    """A file could not be delivered to the headend's bootflash (or its checksum differs);
    `path` is the device URL."""


class PkiError(DeviceError):
    """A PKCS #12 bundle is unusable or its import failed; `path` names the trustpoint.
    Messages never carry the passphrase."""


# Appended by the post-checks helper (issue 6).
class OperReplyError(DeviceError):
    """An operational-data reply does not have the shape the models promise; `path` is
    the YANG data path of the offending node."""


class CliChannelError(DeviceError):
    """The CLI channel (NAPALM/SSH) could not connect, or the device refused a line;
    the message quotes the device's answer with secrets masked."""


# Appended by the RESTCONF transport (issue 10).
class TlsError(ConnectError):
    """The server's TLS certificate is not trusted (or TLS failed) before any credential was sent."""
