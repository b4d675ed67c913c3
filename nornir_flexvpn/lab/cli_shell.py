"""An IOS-like CLI on the lab headend's SSH server (shell and exec channels).

NAPALM's `ios` driver (netmiko `cisco_ios`) asks for a pty and a shell,
then types commands and waits for the prompt (`<hostname>#`,
`<hostname>(config)#`). This session echoes what it receives as a terminal
would, hands each line to `lab.cli_exec.IosCli` and writes the output and
the next prompt with IOS's CRLF line ends. An `exec` request runs one command
and exits. Files reach bootflash over SCP/SFTP on the same server
(`lab.sftp`); the shell reads and writes the same device the NETCONF side
sees, in the transport's loop thread, under the device lock.
"""

from __future__ import annotations

import logging

import asyncssh

from nornir_flexvpn.lab.cli_exec import IosCli, echo_of
from nornir_flexvpn.lab.cli_show import hostname

log = logging.getLogger(__name__)

_CTRL_C = "\x03"
_CTRL_Z = "\x1a"
_ERASE = ("\x08", "\x7f")


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def lab_has_cli(device: object) -> bool:
    """Only the full lab device (datastores, bootflash) has a CLI; transport stubs do not."""
    return all(hasattr(device, a) for a in ("cli_overlay", "bootflash", "snapshot", "lock"))


class IosShellSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel running the lab's IOS CLI."""

    def __init__(self, device: object, username: str) -> None:
        from nornir_flexvpn.lab.device import LabDevice

        if not isinstance(device, LabDevice):
            raise TypeError("the lab CLI needs a LabDevice")
        self._device = device
        self._cli = IosCli(device, username)
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._buffer = ""
        self._last_cr = False
        self._exec: str | None = None

    # --- asyncssh callbacks ---------------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._exec = command
        return True

    def session_started(self) -> None:
        if self._exec is not None:
            output = self._run(self._exec)
            self._write(output)
            self._exit()
            return
        with self._device.lock:
            name = hostname(self._device)
        self._write(f"\n{name}#")

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self._exec is not None:
            return
        text = data.decode("utf-8", errors="replace")
        echo: list[str] = []
        for char in text:
            if char in "\r\n":
                if char == "\n" and self._last_cr:
                    self._last_cr = False
                    continue
                self._last_cr = char == "\r"
                line, self._buffer = self._buffer, ""
                self._write("".join(echo) + "\n")
                echo.clear()
                output = self._run(line)
                if self._cli.closed:
                    self._write(output)
                    self._exit()
                    return
                self._write(output + self._cli.prompt())
                continue
            self._last_cr = False
            if char == "\x00":
                continue  # NAPALM's is_alive() keepalive
            if char in (_CTRL_C, _CTRL_Z):
                self._buffer = ""
                self._write("".join(echo) + "^" + chr(ord(char) + 64) + "\n")
                echo.clear()
                if char == _CTRL_Z:
                    self._run("end")
                self._write(self._cli.prompt())
                continue
            if char in _ERASE:
                if self._buffer:
                    self._buffer = self._buffer[:-1]
                    echo.append("\b \b")
                continue
            echo.append(echo_of(self._buffer, char))
            self._buffer += char
        if echo:
            self._write("".join(echo))

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._chan = None

    # --- helpers ----------------------------------------------------------------------
    def _run(self, line: str) -> str:
        try:
            return self._cli.run(line)
        except Exception as exc:
            # A lab bug costs one IOS-style error, never the server; the line may
            # quote a secret, so only the type is logged.
            log.error("lab CLI failed on a command: %s", type(exc).__name__)
            return "% Error: lab internal error\n"

    def _write(self, text: str) -> None:
        if self._chan is not None and text:
            self._chan.write(_crlf(text).encode("utf-8"))

    def _exit(self) -> None:
        if self._chan is not None:
            self._chan.exit(0)
