"""NETCONF over SSH for one lab headend (RFC 6242 on top of asyncssh).

The transport owns what a real headend's SSH daemon and NETCONF agent own:
authentication, the `netconf` subsystem, hellos and session-ids, framing,
message-ids and the <rpc-reply> envelope. Everything inside the operation is
the device's (`lab.contract.DeviceModel`). The device runs in the event loop
thread; a session handles its messages strictly in arrival order.

The same SSH server offers SFTP and SCP into the device's bootflash (`lab.sftp`)
and applies the faults scripted on the headend (`lab.faults`): latency and slow
commits are awaited on the loop, never slept, so other headends keep serving.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import traceback
from collections import deque
from dataclasses import dataclass, field

import asyncssh
from asyncssh.stream import SSHServerStreamSession

from nornir_flexvpn.errors import LabError, RpcError
from nornir_flexvpn.lab import messages
from nornir_flexvpn.lab.contract import DeviceModel, SessionInfo
from nornir_flexvpn.lab.faults import FaultPlan
from nornir_flexvpn.lab.framing import (
    DEFAULT_MAX_MESSAGE,
    FrameDecoder,
    Framing,
    FramingError,
    encode,
)
from nornir_flexvpn.lab.identity import BASE_11
from nornir_flexvpn.lab.sftp import bootflash_of, sftp_factory

log = logging.getLogger(__name__)

DEFAULT_HELLO_TIMEOUT = 60.0


@dataclass
class Credentials:
    """Who may log in to a headend. The password never shows in reprs or logs."""

    username: str
    password: str = field(repr=False)
    authorized_keys: list[str] = field(default_factory=list)  # OpenSSH public key lines

    def password_ok(self, username: str, password: str) -> bool:
        same_user = hmac.compare_digest(username.encode(), self.username.encode())
        same_pw = hmac.compare_digest(password.encode(), self.password.encode())
        return same_user and same_pw

    def key_ok(self, username: str, key: asyncssh.SSHKey) -> bool:
        if username != self.username:
            return False
        offered = key.public_data
        for line in self.authorized_keys:
            try:
                if asyncssh.import_public_key(line).public_data == offered:
                    return True
            except asyncssh.KeyImportError:
                log.warning("ignoring an unreadable authorized key")
        return False


@dataclass
class TransportOptions:
    max_message: int = DEFAULT_MAX_MESSAGE
    hello_timeout: float = DEFAULT_HELLO_TIMEOUT


class NetconfEndpoint:
    """One headend's listener: its device, who may log in, and its live sessions."""

    def __init__(
        self,
        device: DeviceModel,
        credentials: Credentials,
        host_key: asyncssh.SSHKey,
        options: TransportOptions | None = None,
    ) -> None:
        self.device = device
        self.credentials = credentials
        self.host_key = host_key
        self.options = options or TransportOptions()
        self.sessions: dict[int, NetconfSession] = {}
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self._server: asyncssh.SSHAcceptor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._address: tuple[str, int] = ("127.0.0.1", 0)
        self._booting: asyncio.Task[None] | None = None
        self._closed = False
        device.set_session_killer(self.kill)
        self.faults = FaultPlan(device, self.kill, on_reboot=self.reboot)
        # Tests script faults through the device too (`headend.device.faults`).
        setattr(device, "faults", self.faults)  # noqa: B010

    @property
    def listening(self) -> bool:
        """False while stopped or rebooting with downtime."""
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise LabError("endpoint is not listening")
        return int(self._server.get_port())

    async def listen(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._loop = asyncio.get_running_loop()
        self._closed = False
        try:
            self._server = await asyncssh.create_server(
                lambda: _SshServer(self),
                host,
                port,
                server_host_keys=[self.host_key],
                encoding=None,
                allow_pty=True,  # the IOS CLI (lab.cli_shell) is a terminal session
                agent_forwarding=False,
                x11_forwarding=False,
                line_editor=False,
                login_timeout=30,
            )
        except OSError as exc:
            raise LabError(f"cannot listen on {host}:{port}: {exc}", path="port") from exc
        self._address = (host, self.port)
        return self.port

    def reboot(self, down: float = 0.0) -> None:
        """A reload as the network sees it: every connection drops (NETCONF, SFTP, ones
        still logging in); with `down` > 0 the port refuses connections that long.
        Thread-safe."""
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._start_reboot(down)
        else:
            loop.call_soon_threadsafe(self._start_reboot, down)

    def _start_reboot(self, down: float) -> None:
        for conn in list(self.connections):
            conn.abort()
        if down > 0 and self._server is not None and self._booting is None:
            self._booting = asyncio.get_running_loop().create_task(self._stay_down(down))

    async def _stay_down(self, seconds: float) -> None:
        host, port = self._address
        try:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()
                self._server = None
            await asyncio.sleep(seconds)
            if not self._closed:
                await self.listen(host, port)
        finally:
            self._booting = None

    async def close(self) -> None:
        self._closed = True
        if self._booting is not None:
            self._booting.cancel()
        for session in list(self.sessions.values()):
            session.abort()
        for conn in list(self.connections):  # also those still authenticating
            conn.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def kill(self, session_id: int) -> bool:
        """`KillSession` for the device: drop that session; thread-safe."""
        session = self.sessions.get(session_id)
        if session is None:
            return False
        loop = self._loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is not None and running is not loop:
            loop.call_soon_threadsafe(session.abort)
        else:
            session.abort()
        return True


class _SshServer(asyncssh.SSHServer):
    def __init__(self, endpoint: NetconfEndpoint) -> None:
        self._endpoint = endpoint
        self._conn: asyncssh.SSHServerConnection | None = None
        self._username = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._endpoint.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._endpoint.connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        self._username = username
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        ok = self._endpoint.credentials.password_ok(username, password)
        if not ok:
            log.info("password rejected for user %r", username)
        return ok

    def public_key_auth_supported(self) -> bool:
        return bool(self._endpoint.credentials.authorized_keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return self._endpoint.credentials.key_ok(username, key)

    def session_requested(self) -> ChannelSession:
        assert self._conn is not None  # connection_made always runs first
        peer = self._conn.get_extra_info("peername") or ("127.0.0.1", 0)
        netconf = NetconfSession(self._endpoint, self._conn, self._username, str(peer[0]))
        return ChannelSession(self._endpoint, netconf)


class ChannelSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel: NETCONF (subsystem `netconf`), or files (subsystem
    `sftp`, exec `scp ...`) when the device has a bootflash. What it is becomes
    known only at the subsystem/exec request, so this forwards to the chosen one."""

    def __init__(self, endpoint: NetconfEndpoint, netconf: NetconfSession) -> None:
        self._endpoint = endpoint
        self._netconf = netconf
        self._target: asyncssh.SSHServerSession[bytes] = netconf
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan
        self._netconf.connection_made(chan)

    def subsystem_requested(self, subsystem: str) -> bool:
        if subsystem == "sftp":
            return self._serve_files()
        return self._netconf.subsystem_requested(subsystem)

    def exec_requested(self, command: str) -> bool:
        if command.startswith("scp "):
            return self._serve_files()
        return self._serve_cli(command)

    def shell_requested(self) -> bool:
        return self._serve_cli(None)

    def _serve_cli(self, command: str | None) -> bool:
        from nornir_flexvpn.lab import cli_shell

        device = self._endpoint.device
        if self._chan is None or not cli_shell.lab_has_cli(device):
            return False
        shell = cli_shell.IosShellSession(device, self._netconf.username)
        shell.connection_made(self._chan)
        self._target = shell
        return shell.exec_requested(command) if command is not None else shell.shell_requested()

    def _serve_files(self) -> bool:
        bootflash = bootflash_of(self._endpoint.device)
        if bootflash is None or self._chan is None:
            return False
        files: SSHServerStreamSession[bytes] = SSHServerStreamSession(
            None, sftp_factory(bootflash), 3, allow_scp=True
        )
        files.connection_made(self._chan)
        self._target = files
        return True

    def session_started(self) -> None:
        self._target.session_started()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._target.data_received(data, datatype)

    def eof_received(self) -> bool:
        return bool(self._target.eof_received())

    def pause_writing(self) -> None:
        self._target.pause_writing()

    def resume_writing(self) -> None:
        self._target.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._target.connection_lost(exc)


class NetconfSession(asyncssh.SSHServerSession[bytes]):
    """One NETCONF session on one SSH channel."""

    def __init__(
        self,
        endpoint: NetconfEndpoint,
        conn: asyncssh.SSHServerConnection,
        username: str,
        peer: str,
    ) -> None:
        self._endpoint = endpoint
        self._conn = conn
        self._username = username
        self._peer = peer
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._decoder = FrameDecoder(Framing.EOM, max_message=endpoint.options.max_message)
        self._framing = Framing.EOM
        self._info: SessionInfo | None = None
        self._hello_seen = False
        self._closing = False
        self._hello_timer: asyncio.TimerHandle | None = None
        # Messages wait here while a fault holds the session (latency, slow commit).
        self._pending: deque[bytes] = deque()
        self._worker: asyncio.Task[None] | None = None

    @property
    def info(self) -> SessionInfo | None:
        return self._info

    @property
    def username(self) -> str:
        return self._username

    # --- asyncssh callbacks -------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def subsystem_requested(self, subsystem: str) -> bool:
        return subsystem == "netconf"

    def shell_requested(self) -> bool:
        return False

    def exec_requested(self, command: str) -> bool:
        return False

    def session_started(self) -> None:
        device = self._endpoint.device
        try:
            self._info = device.open_session(self._username, self._peer)
        except Exception as exc:
            log.error("device refused a session: %s", _where(exc))
            self.abort()
            return
        self._endpoint.sessions[self._info.session_id] = self
        hello = messages.server_hello(device.capabilities(), self._info.session_id)
        self._send(hello)
        loop = asyncio.get_running_loop()
        self._hello_timer = loop.call_later(
            self._endpoint.options.hello_timeout, self._hello_timed_out
        )

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self._closing:
            return
        self._decoder.feed(data)
        try:
            while not self._closing:
                message = self._decoder.next_message()
                if message is None:
                    break
                if self._worker is not None or self._endpoint.faults.active:
                    self._pending.append(message)
                    self._start_worker()
                else:
                    self._handle(message)
        except FramingError as exc:
            # RFC 6242 4.2: on a framing error the session is terminated.
            log.info("session %s: %s; closing", self._sid, exc.message)
            self.abort()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._hello_timer is not None:
            self._hello_timer.cancel()
        if self._worker is not None:
            self._worker.cancel()
        self._pending.clear()
        if self._info is not None:
            self._endpoint.sessions.pop(self._info.session_id, None)
            try:
                self._endpoint.device.close_session(self._info.session_id)
            except Exception as exc:
                log.error("device failed to close session %s: %s", self._sid, _where(exc))
        # A NETCONF session is the whole SSH connection on IOS-XE.
        self._conn.close()

    # --- NETCONF ------------------------------------------------------------
    @property
    def _sid(self) -> str:
        return str(self._info.session_id) if self._info else "?"

    def _handle(self, message: bytes) -> None:
        if not self._hello_seen:
            self._receive_hello(message)
            return
        assert self._info is not None
        try:
            rpc = messages.parse_rpc(message, base11=self._info.base11)
        except messages.RpcRejected as rejected:
            self._send(rejected.reply)
            return
        reply, ok = self._execute(rpc)
        self._send(reply)
        if rpc.is_close_session and ok:
            self.close()

    def _start_worker(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        """Handle queued messages in order, with the faults scripted on the headend."""
        try:
            while self._pending and not self._closing:
                await self._handle_with_faults(self._pending.popleft())
        except Exception as exc:
            log.error("session %s: fault handling failed: %s", self._sid, _where(exc))
            self.abort()
        finally:
            self._worker = None

    async def _handle_with_faults(self, message: bytes) -> None:
        if not self._hello_seen:
            self._receive_hello(message)
            return
        assert self._info is not None
        try:
            rpc = messages.parse_rpc(message, base11=self._info.base11)
        except messages.RpcRejected as rejected:
            self._send(rejected.reply)
            return
        action = self._endpoint.faults.on_rpc(rpc.operation)
        if action.delay > 0:
            await asyncio.sleep(action.delay)
            if self._closing:
                return
        if action.drop == "before":
            log.info("session %s: fault: dropped before <%s>", self._sid, rpc.name)
            self.abort()
            return
        if action.error is not None:
            self._send(messages.error_reply(rpc.element, messages.errors_of(action.error)))
            return
        reply, ok = self._execute(rpc)
        if action.drop == "after":
            log.info("session %s: fault: dropped after <%s>", self._sid, rpc.name)
            self.abort()
            return
        self._send(reply)
        if rpc.is_close_session and ok:
            self.close()

    def _execute(self, rpc: messages.Rpc) -> tuple[bytes, bool]:
        assert self._info is not None
        try:
            body = self._endpoint.device.rpc(self._info, rpc.operation)
        except RpcError as exc:
            return messages.error_reply(rpc.element, messages.errors_of(exc)), False
        except Exception as exc:
            # A bug in the device must cost one rpc-error, never the server.
            log.error("device failed on <%s> in session %s: %s", rpc.name, self._sid, _where(exc))
            err = RpcError(
                f"internal error in <{rpc.name}>: {type(exc).__name__}",
                tag="operation-failed",
                error_type="application",
            )
            return messages.error_reply(rpc.element, [err]), False
        return messages.ok_reply(rpc.element, body), True

    def _receive_hello(self, message: bytes) -> None:
        assert self._info is not None
        try:
            hello = messages.parse_client_hello(message)
        except messages.HelloError as exc:
            log.info("session %s: %s; closing", self._sid, exc.message)
            self.abort()
            return
        self._hello_seen = True
        if self._hello_timer is not None:
            self._hello_timer.cancel()
        ours = self._endpoint.device.capabilities()
        self._info.base11 = hello.base11 and BASE_11 in ours
        if self._info.base11:
            self._framing = Framing.CHUNKED
            self._decoder.switch(Framing.CHUNKED)

    def _hello_timed_out(self) -> None:
        if not self._hello_seen:
            log.info("session %s: no client hello in time; closing", self._sid)
            self.abort()

    def _send(self, message: bytes) -> None:
        if self._chan is not None and not self._closing:
            self._chan.write(encode(message, self._framing))

    def close(self) -> None:
        """Close after what was written has been sent (close-session)."""
        self._closing = True
        if self._chan is not None:
            self._chan.close()

    def abort(self) -> None:
        """Drop the session now (kill-session, framing error, bad hello)."""
        self._closing = True
        if self._chan is not None:
            self._chan.close()
        self._conn.abort()


def _where(exc: BaseException) -> str:
    """Exception type and innermost frame: enough to find a device bug, while the
    message (which may quote a secret from the rpc) stays out of the log."""
    frames = traceback.extract_tb(exc.__traceback__)
    at = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{at}"
