"""`NapalmCliChannel`: the transaction's CLI channel over NAPALM's `ios` driver.

`apply(items)` sends exactly the CLI items' lines in configuration mode
(netmiko `send_config_set` on the driver's session), one mode block per item,
and stops at the first line the device answers with an IOS `%` error. It does
not `write memory` (NAPALM's `commit_config` would): saving belongs to the
transaction, after its gate, so a rolled-back change never reaches startup.
`running()` is NAPALM's `get_config()["running"]`, for the planner and the
readback gate. The session opens on first use and `close()` ends it.

Every message is passed through `redact` before it leaves: the device echoes
lines back, and configuration text may hold secrets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from nornir_flexvpn.errors import CliChannelError, ConnectError, FlexVpnError, HostKeyError
from nornir_flexvpn.payload.types import CliItem

log = logging.getLogger(__name__)

# IOS reports a refused configuration line on a line of its own starting with `%`.
ERROR_PATTERN = r"^\s*%"
CHANNEL_NAME = "napalm"


class NetmikoSession(Protocol):
    def send_config_set(self, config_commands: list[str], **kwargs: Any) -> str: ...


class NapalmDriver(Protocol):
    """The part of NAPALM's `IOSDriver` the channel uses."""

    device: NetmikoSession | None

    def get_config(self, retrieve: str = "all", **kwargs: Any) -> dict[str, str]: ...

    def close(self) -> None: ...


Opener = Callable[[], NapalmDriver]


@dataclass(frozen=True)
class SentLine:
    """One CLI item sent over this channel, and why no model could carry it."""

    text: str
    reason: str
    channel: str = CHANNEL_NAME

    def describe(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"sent over the {self.channel} CLI channel: {self.text.replace(chr(10), ' / ')}{why}"


def config_commands(items: Sequence[CliItem]) -> list[str]:
    """The lines to type for `items`: each item's mode lines, its line, then back out."""
    commands: list[str] = []
    for item in items:
        commands.extend(item.parents)
        commands.append(item.line)
        commands.extend("exit" for _ in item.parents)
    return commands


class NapalmCliChannel:
    """A `netconf.transaction.CliChannel` through NAPALM; also the running-config reader."""

    name = CHANNEL_NAME

    def __init__(
        self,
        host: str,
        opener: Opener,
        *,
        closer: Callable[[NapalmDriver], None] | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self.host = host
        self._opener = opener
        self._closer = closer or (lambda driver: driver.close())
        self._redact = redact or (lambda text: text)
        self._driver: NapalmDriver | None = None
        self.sent: list[SentLine] = []

    def __repr__(self) -> str:
        return f"NapalmCliChannel(host={self.host!r}, open={self._driver is not None})"

    # --- CliChannel --------------------------------------------------------------------
    def apply(self, items: Sequence[CliItem]) -> None:
        if not items:
            return
        session = self._session()
        commands = config_commands(items)
        try:
            output = session.send_config_set(
                commands, error_pattern=ERROR_PATTERN, enter_config_mode=True
            )
        except FlexVpnError:
            raise
        except Exception as exc:
            raise CliChannelError(
                f"{self.host}: the CLI channel failed: {self._redact(_first_line(exc))}",
                path="cli-channel",
            ) from None
        refused = _refusal(output)
        if refused is not None:
            raise CliChannelError(
                f"{self.host}: the device refused a CLI line: {self._redact(refused)}",
                path="cli-channel",
            )
        self.sent.extend(SentLine(self._redact(i.text), i.reason) for i in items)

    # --- reader ------------------------------------------------------------------------
    def running(self) -> str:
        """The running configuration as `show running-config` prints it."""
        driver = self._open()
        try:
            return driver.get_config(retrieve="running")["running"]
        except Exception as exc:
            raise CliChannelError(
                f"{self.host}: cannot read the running configuration over the CLI channel: "
                f"{self._redact(_first_line(exc))}",
                path="cli-channel",
            ) from None

    def exec_session(self) -> NetmikoSession:
        """The open netmiko session, for exec-mode commands (`pki.cli_import`)."""
        return self._session()

    def close(self) -> None:
        driver, self._driver = self._driver, None
        if driver is None:
            return
        try:
            self._closer(driver)
        except Exception as exc:
            log.debug("closing the CLI channel to %s: %s", self.host, type(exc).__name__)

    # --- internals -----------------------------------------------------------------------
    def _open(self) -> NapalmDriver:
        if self._driver is None:
            # netmiko logs every byte it reads at DEBUG: running-config text, secrets included.
            netmiko_log = logging.getLogger("netmiko")
            netmiko_log.setLevel(max(netmiko_log.getEffectiveLevel(), logging.INFO))
            try:
                self._driver = self._opener()
            except FlexVpnError:
                raise
            except Exception as exc:
                raise _connect_error(self.host, exc, self._redact) from None
        return self._driver

    def _session(self) -> NetmikoSession:
        session = self._open().device
        if session is None:
            raise CliChannelError(f"{self.host}: the NAPALM driver has no open session")
        return session


def _refusal(output: str) -> str | None:
    """The command a `%` error answered, and the error (IOS prints the error after the echo)."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if re.match(ERROR_PATTERN, line):
            before = [x for x in lines[:index] if x.strip() and x.strip() != "^"]
            command = before[-1].split("#", 1)[-1].strip() if before else ""
            return f"`{command}`: {line.strip()}" if command else line.strip()
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _connect_error(host: str, exc: BaseException, redact: Callable[[str], str]) -> FlexVpnError:
    """netmiko/paramiko/NAPALM connect failures as the project's errors."""
    chain: list[BaseException] = []
    node: BaseException | None = exc
    while node is not None and node not in chain:
        chain.append(node)
        node = node.__cause__ or node.__context__
    for err in chain:
        name = type(err).__name__
        text = str(err)
        if name == "BadHostKeyException":
            return HostKeyError(
                f"HOST KEY MISMATCH for {host} on the CLI channel (possible man-in-the-middle; "
                "connection refused)",
                path="known_hosts",
            )
        if "known_hosts" in text or "not found in known" in text:
            return HostKeyError(
                f"host key of {host} is unknown on the CLI channel: {redact(text.splitlines()[0])}",
                path="known_hosts",
            )
        if "Authentication" in name or "Authentication" in text:
            return ConnectError(f"{host}: CLI channel authentication failed", path="username")
    return ConnectError(
        f"{host}: cannot open the CLI channel: {redact(_first_line(exc))}", path="cli-channel"
    )
