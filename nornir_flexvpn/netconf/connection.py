"""One NETCONF-over-SSH session to a headend, with typed operations.

Built on ncclient's Manager (its RPC classes, capability checks and framing)
over `FastSSHSession`. What this layer adds:
- host keys verified against one known_hosts file by default, before any
  credential is sent (the iosxe device handler, which accepts any key, is
  never used); `verify_host_key=False` works and logs a warning;
- one deadline for the whole connect (TCP, SSH, auth, hello) and one per RPC;
- no SSH agent or ~/.ssh keys unless asked;
- replies parsed strictly, rpc-errors and every ncclient exception turned
  into the project's FlexVpnError tree with tag, type, path and message kept;
- callers' elements are copied, never moved into the request.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from lxml import etree
from ncclient import manager as nc_manager
from ncclient.operations import RaiseMode

from nornir_flexvpn.errors import (
    CommitError,
    ConnectError,
    EditError,
    IntentError,
    LockError,
    RpcError,
    SessionClosedError,
    ValidateError,
)
from nornir_flexvpn.namespaces import NC, NC_MONITORING, YANG_LIBRARY, qn
from nornir_flexvpn.netconf.capabilities import DeviceCapabilities
from nornir_flexvpn.netconf.errors import (
    MalformedReplyError,
    translate_connect_failure,
    translate_rpc_failure,
)
from nornir_flexvpn.netconf.fast_session import FastSSHSession
from nornir_flexvpn.netconf.hostkeys import DEFAULT_KNOWN_HOSTS, KnownHostKeys
from nornir_flexvpn.netconf.options import (
    Datastore,
    DefaultOperation,
    ErrorOption,
    Filter,
    Operation,
    TestOption,
    WithDefaultsMode,
    config_element,
    filter_element,
)
from nornir_flexvpn.netconf.replies import data_of, parse_message, raise_for_errors

log = logging.getLogger(__name__)

NETCONF_PORT: Final = 830
# close-session is a courtesy; a dead peer must not hold up shutdown.
CLOSE_TIMEOUT: Final = 5.0
# RFC 6241: lock-denied when another session holds the lock, in-use when the
# candidate has uncommitted changes of another session.
_LOCK_BUSY: Final = frozenset({"lock-denied", "in-use"})


@dataclass(frozen=True)
class ConnectionParams:
    """Where and how to connect. `password` never appears in repr or messages."""

    host: str
    username: str
    password: str | None = field(default=None, repr=False)
    port: int = NETCONF_PORT
    key_filename: Path | None = None
    known_hosts: Path | None = None  # None: ~/.ssh/known_hosts
    verify_host_key: bool = True
    connect_timeout: float = 15.0
    rpc_timeout: float = 60.0
    keepalive: int | None = 30  # seconds between SSH keepalives; None: off
    allow_agent: bool = False
    look_for_keys: bool = False

    def __post_init__(self) -> None:
        if not self.host:
            raise IntentError("no host to connect to", path="hostname")
        if not self.username:
            raise IntentError(f"no username for {self.host}", path="username")
        if not 0 < self.port < 65536:
            raise IntentError(f"port {self.port} is not a TCP port", path="port")
        for name in ("connect_timeout", "rpc_timeout"):
            if not getattr(self, name) > 0:
                raise IntentError(f"{name} must be > 0 seconds", path=name)
        if self.keepalive is not None and self.keepalive < 0:
            raise IntentError("keepalive must be >= 0 seconds", path="keepalive")
        has_credential = self.password is not None or self.key_filename is not None
        if not (has_credential or self.allow_agent or self.look_for_keys):
            raise IntentError(
                f"no credential for {self.username}@{self.host}: give a password, "
                "a key_filename, or allow the agent / ~/.ssh keys",
                path="password",
            )

    @property
    def known_hosts_path(self) -> Path:
        return (self.known_hosts or DEFAULT_KNOWN_HOSTS).expanduser()


class NetconfConnection:
    """An open NETCONF session; use `NetconfConnection.open(params)` or `connect(params)`."""

    def __init__(self, params: ConnectionParams, manager: Any, session: FastSSHSession) -> None:
        self.params = params
        self._manager: Any | None = manager
        self._session = session
        self.capabilities = DeviceCapabilities.parse(
            str(uri) for uri in session.server_capabilities
        )
        self.session_id: str = str(session.id)
        self._lost = False

    # --- life cycle ---------------------------------------------------------------
    @classmethod
    def open(cls, params: ConnectionParams) -> NetconfConnection:
        """Connect, verify the host key, authenticate and exchange <hello>s."""
        host_keys: KnownHostKeys | None = None
        if params.verify_host_key:
            host_keys = KnownHostKeys.load(params.known_hosts_path, params.host, params.port)
        else:
            log.warning(
                "host key verification is OFF for %s:%s (verify_host_key=False): "
                "the server's identity is not checked",
                params.host,
                params.port,
            )
        where = (params.host, params.port)
        try:
            sock = socket.create_connection(where, timeout=params.connect_timeout)
        except OSError as exc:
            raise translate_connect_failure(
                exc, host=params.host, port=params.port, user=params.username
            ) from None
        expired = threading.Event()

        def abort() -> None:
            expired.set()
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        # paramiko's banner/auth timeouts are separate and long: one watchdog
        # bounds the whole handshake instead.
        watchdog = threading.Timer(params.connect_timeout, abort)
        watchdog.daemon = True
        handler = nc_manager.make_device_handler({"name": "default"})
        session = FastSSHSession(handler, host_keys)
        watchdog.start()
        try:
            session.connect(
                host=params.host,
                port=params.port,
                sock=sock,
                timeout=params.connect_timeout,
                username=params.username,
                password=params.password,
                key_filename=str(params.key_filename) if params.key_filename else None,
                allow_agent=params.allow_agent,
                look_for_keys=params.look_for_keys,
                hostkey_verify=False,  # FastSSHSession verifies, with OpenSSH's rules
                keepalive=params.keepalive or None,
                ssh_config=None,
            )
        except Exception as exc:
            _drop(session, sock)
            if host_keys is not None and host_keys.keys and _no_host_key_type(exc):
                raise host_keys.no_shared_type() from None
            if expired.is_set():
                raise ConnectError(
                    f"timed out after {params.connect_timeout:g}s connecting to "
                    f"{params.host}:{params.port}"
                ) from None
            raise translate_connect_failure(
                exc, host=params.host, port=params.port, user=params.username
            ) from None
        finally:
            watchdog.cancel()
        manager = nc_manager.Manager(
            session, handler, timeout=params.rpc_timeout, raise_mode=RaiseMode.NONE
        )
        log.debug("NETCONF session %s to %s:%s open", session.id, params.host, params.port)
        return cls(params, manager, session)

    def close(self) -> None:
        """Send <close-session> (briefly) and drop the transport. Idempotent."""
        manager, self._manager = self._manager, None
        if manager is None:
            return
        try:
            if self._session.connected:
                manager.timeout = min(self.params.rpc_timeout, CLOSE_TIMEOUT)
                manager.close_session()
        except Exception as exc:  # the peer may be gone; closing must still succeed
            log.debug("close-session to %s failed (%s)", self.host, type(exc).__name__)
        finally:
            _drop(self._session, None)

    def __enter__(self) -> NetconfConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self.connected else "closed"
        return (
            f"NetconfConnection({self.params.username}@{self.host}:{self.params.port}, "
            f"session={self.session_id}, {state})"
        )

    @property
    def host(self) -> str:
        return self.params.host

    def ssh_transport(self) -> Any:
        """The authenticated paramiko Transport under this session (for SFTP on the same
        connection: same credentials, host key already verified)."""
        self._live()
        return self._session._transport

    @property
    def connected(self) -> bool:
        return self._manager is not None and not self._lost and bool(self._session.connected)

    @property
    def rpc_timeout(self) -> float:
        return float(self._live().timeout)

    @rpc_timeout.setter
    def rpc_timeout(self, seconds: float) -> None:
        if not seconds > 0:
            raise IntentError("rpc_timeout must be > 0 seconds", path="rpc_timeout")
        self._live().timeout = seconds

    # --- retrieval ----------------------------------------------------------------
    def get_config(
        self,
        source: Datastore = "running",
        filter: Filter | None = None,
        with_defaults: WithDefaultsMode | None = None,
    ) -> etree._Element:
        """The <data> element of <get-config> from `source`."""
        spec = filter_element(filter) if filter is not None else None
        reply = self._rpc(
            "get-config",
            lambda m: m.get_config(source=source, filter=spec, with_defaults=with_defaults),
        )
        return data_of(reply, "get-config")

    def get(
        self, filter: Filter | None = None, with_defaults: WithDefaultsMode | None = None
    ) -> etree._Element:
        """The <data> element of <get> (configuration and state)."""
        spec = filter_element(filter) if filter is not None else None
        reply = self._rpc("get", lambda m: m.get(filter=spec, with_defaults=with_defaults))
        return data_of(reply, "get")

    def get_schema(self, identifier: str, version: str | None = None, fmt: str = "yang") -> str:
        """A module's source text (ietf-netconf-monitoring <get-schema>)."""
        reply = self._rpc(
            "get-schema",
            lambda m: m.get_schema(identifier, version=version, format=fmt),
        )
        data = reply.find(qn(NC_MONITORING, "data"))
        if data is None:
            data = reply.find(qn(NC, "data"))
        if data is None:
            raise MalformedReplyError(f"reply to <get-schema> for {identifier!r} has no <data>")
        return "".join(str(t) for t in data.itertext())

    def load_yang_library(self) -> DeviceCapabilities:
        """Merge the device's ietf-yang-library module list into `capabilities`.

        IOS-XE from 17.12 lists its Cisco-IOS-XE modules only there, so
        feature flags (cli_rpc, crypto_oper, ...) and the release guess need it.
        """
        data = self.get(filter=etree.Element(qn(YANG_LIBRARY, "modules-state")))
        self.capabilities = self.capabilities.with_yang_library(data)
        return self.capabilities

    # --- configuration ------------------------------------------------------------
    def edit_config(
        self,
        target: Datastore,
        config: etree._Element,
        default_operation: DefaultOperation | None = None,
        test_option: TestOption | None = None,
        error_option: ErrorOption | None = None,
    ) -> None:
        """<edit-config>; `config` is an <nc:config> or one data node (wrapped)."""
        payload = config_element(config)
        self._rpc(
            "edit-config",
            lambda m: m.edit_config(
                config=payload,
                target=target,
                default_operation=default_operation,
                test_option=test_option,
                error_option=error_option,
            ),
            EditError,
        )

    def lock(self, target: Datastore, *, attempts: int = 1, backoff: float = 0.5) -> None:
        """<lock>; retried while another session holds it (lock-denied / in-use).

        Waits `backoff`, doubling, between `attempts`; the LockError after the
        last one keeps the device's fields (error-info names the holder).
        """
        if attempts < 1:
            raise IntentError("lock attempts must be >= 1", path="lock.attempts")
        delay = backoff
        for attempt in range(1, attempts + 1):
            try:
                self._rpc("lock", lambda m: m.lock(target=target), LockError)
                return
            except LockError as exc:
                if exc.tag not in _LOCK_BUSY or attempt == attempts:
                    if attempt == 1:
                        raise
                    raise LockError(
                        f"{exc.message} (after {attempt} attempts)",
                        tag=exc.tag,
                        error_type=exc.error_type,
                        path=exc.path,
                        info=exc.info,
                    ) from None
                log.info("%s on %s is busy (%s); retrying in %.2fs", target, self.host, exc, delay)
                time.sleep(delay)
                delay *= 2

    def unlock(self, target: Datastore) -> None:
        self._rpc("unlock", lambda m: m.unlock(target=target))

    @contextmanager
    def locked(self, target: Datastore) -> Iterator[None]:
        """Hold the lock on `target` for the block; unlock even if the block fails."""
        self.lock(target)
        try:
            yield
        except BaseException:
            try:
                self.unlock(target)
            except RpcError as exc:  # the block's error matters more
                log.warning("unlock of %s on %s failed: %s", target, self.host, exc)
            raise
        self.unlock(target)

    def discard_changes(self) -> None:
        self._rpc("discard-changes", lambda m: m.discard_changes())

    def validate(self, source: Datastore = "candidate") -> None:
        self._rpc("validate", lambda m: m.validate(source=source), ValidateError)

    def commit(
        self,
        confirmed: bool = False,
        timeout: int | None = None,
        persist: str | None = None,
        persist_id: str | None = None,
    ) -> None:
        """<commit>; `confirmed` needs :confirmed-commit (IOS-XE does not advertise it)."""
        if timeout is not None and not confirmed:
            raise IntentError("a confirm timeout needs confirmed=True", path="commit.timeout")
        self._rpc(
            "commit",
            lambda m: m.commit(
                confirmed=confirmed,
                timeout=str(timeout) if timeout is not None else None,
                persist=persist,
                persist_id=persist_id,
            ),
            CommitError,
        )

    def cancel_commit(self, persist_id: str | None = None) -> None:
        self._rpc("cancel-commit", lambda m: m.cancel_commit(persist_id=persist_id), CommitError)

    # --- anything else --------------------------------------------------------------
    def dispatch(
        self, rpc: etree._Element, error_class: type[RpcError] = RpcError
    ) -> etree._Element:
        """Send one operation element (e.g. cisco-ia <checkpoint>); returns the <rpc-reply>."""
        operation = deepcopy(rpc)
        operation.tail = None
        return self._rpc("rpc", lambda m: m.dispatch(operation), error_class)

    # --- internals ------------------------------------------------------------------
    def _live(self) -> Any:
        if self._manager is None or self._lost:
            raise SessionClosedError(f"the NETCONF session to {self.host} is closed")
        return self._manager

    def _rpc(
        self,
        operation: Operation,
        call: Callable[[Any], Any],
        error_class: type[RpcError] = RpcError,
    ) -> etree._Element:
        manager = self._live()
        try:
            reply = call(manager)
        except Exception as exc:
            error = translate_rpc_failure(
                exc, operation=operation, host=self.host, timeout=manager.timeout
            )
            if isinstance(error, SessionClosedError):
                # ncclient notices a dead transport only later; callers that
                # ask `connected` right after this error must hear False.
                self._lost = True
            raise error from None
        root = parse_message(reply.xml)
        raise_for_errors(root, operation, error_class)
        return root


def connect(params: ConnectionParams) -> NetconfConnection:
    """Shorthand for `NetconfConnection.open(params)`."""
    return NetconfConnection.open(params)


def _no_host_key_type(exc: BaseException) -> bool:
    # paramiko.IncompatiblePeer, wrapped by ncclient into SSHError("Negotiation failed: ...").
    return "no acceptable host key" in str(exc)


def _drop(session: FastSSHSession, sock: socket.socket | None) -> None:
    """Close whatever part of the session exists, ignoring the state it is in."""
    if session.transport is not None:
        with suppress(Exception):
            session.close()
    if sock is not None:
        with suppress(OSError):
            sock.close()
