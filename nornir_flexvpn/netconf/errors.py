"""The boundary where ncclient's and paramiko's exceptions become FlexVpnErrors.

Nothing from ncclient leaves `nornir_flexvpn.netconf`: callers catch the
project's tree (errors.py). Translations drop the original exception
(`from None` at the raise site) because ncclient's texts can carry message
buffers (SessionCloseError's IN_BUFFER, framing errors) and so payload
secrets; the type name is kept for diagnosis.
"""

from __future__ import annotations

import socket
from typing import Final

import paramiko
from ncclient.operations.errors import MissingCapabilityError, OperationError, TimeoutExpiredError
from ncclient.operations.rpc import RPCError as NcRpcError
from ncclient.transport.errors import (
    AuthenticationError,
    NetconfFramingError,
    SessionCloseError,
    SessionError,
    SSHError,
    TransportError,
)

from nornir_flexvpn.errors import (
    ConnectError,
    DeviceError,
    FlexVpnError,
    RefusedError,
    RpcError,
    RpcTimeoutError,
    SessionClosedError,
)

MALFORMED_MESSAGE: Final = "malformed-message"


class MalformedReplyError(RpcError):
    """The peer's message is not well-formed XML, has a DOCTYPE, or is not an <rpc-reply>."""

    def __init__(self, message: str) -> None:
        super().__init__(message, tag=MALFORMED_MESSAGE, error_type="rpc")


def translate_rpc_failure(
    exc: BaseException, *, operation: str, host: str, timeout: float | None
) -> FlexVpnError:
    """What an exception raised while an RPC was in flight means for the caller."""
    if isinstance(exc, FlexVpnError):
        return exc
    if isinstance(exc, TimeoutExpiredError):
        waited = f" within {timeout:g}s" if timeout is not None else ""
        return RpcTimeoutError(
            f"no reply to <{operation}> from {host}{waited}; its outcome is unknown "
            "until the device is read again"
        )
    if isinstance(exc, MissingCapabilityError):
        return RefusedError(
            f"<{operation}> not sent: {host} does not advertise the capability it needs "
            f"({_capability_named(exc)})",
            path=f"capabilities/{operation}",
        )
    if isinstance(exc, NcRpcError):
        # Only reachable if someone switches raise_mode on; kept faithful anyway.
        return RpcError(
            exc.message or f"<{operation}> failed",
            tag=exc.tag or "operation-failed",
            error_type=exc.type or "application",
            path=exc.path,
        )
    if isinstance(exc, SessionCloseError | NetconfFramingError | TransportError | SessionError):
        return SessionClosedError(
            f"session to {host} ended during <{operation}> ({type(exc).__name__}); "
            "its outcome is unknown"
        )
    if isinstance(exc, OperationError):
        return RefusedError(f"<{operation}> not sent: {exc}", path=f"rpc/{operation}")
    if isinstance(exc, OSError | EOFError | paramiko.SSHException):
        return SessionClosedError(
            f"session to {host} failed during <{operation}> ({type(exc).__name__}); "
            "its outcome is unknown"
        )
    return DeviceError(f"<{operation}> to {host} failed unexpectedly ({type(exc).__name__})")


def translate_connect_failure(
    exc: BaseException, *, host: str, port: int, user: str
) -> FlexVpnError:
    """What an exception raised while opening the session means (never naming secrets)."""
    where = f"{host}:{port}"
    if isinstance(exc, FlexVpnError):
        return exc
    if isinstance(exc, AuthenticationError | paramiko.AuthenticationException):
        return ConnectError(f"authentication as {user!r} refused by {where}", path="username")
    if isinstance(exc, socket.gaierror):
        return ConnectError(f"cannot resolve {host!r}: {exc.strerror}", path="hostname")
    if isinstance(exc, TimeoutError):
        return ConnectError(f"timed out connecting to {where}")
    if isinstance(exc, ConnectionRefusedError):
        return ConnectError(f"{where} refused the connection (is NETCONF enabled on that port?)")
    if isinstance(exc, SessionError):
        return ConnectError(f"{where} did not complete the NETCONF <hello> exchange ({exc})")
    if isinstance(exc, SSHError | paramiko.SSHException):
        return ConnectError(f"SSH to {where} failed: {_first_line(exc)}")
    if isinstance(exc, TransportError | OSError | EOFError):
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return ConnectError(f"connection to {where} failed: {detail}")
    return ConnectError(f"connection to {where} failed unexpectedly ({type(exc).__name__})")


def _capability_named(exc: MissingCapabilityError) -> str:
    text = str(exc)
    start, end = text.find("["), text.rfind("]")
    return text[start + 1 : end] if 0 <= start < end else text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
