"""The lab headend's IOS command interpreter (exec and configuration mode).

Enough IOS for NAPALM's `ios` driver (netmiko `cisco_ios`): `terminal
length/width`, `show version`, `show running-config [| include X]`, `show
archive`, `dir`, `verify /md5`, `copy` between bootflash, running-config and
startup-config, `crypto pki import ... pkcs12` (16.9 has no RPC for it), `configure terminal` (line by line, applied as IOS applies
them: a refused line is reported and the others stay), `configure replace`
of a file this lab wrote from running-config, `write memory`. Configuration
lines go through `lab.cli_config` into the same device the NETCONF side
sees, under the device lock. Everything else gets IOS's `% Invalid input`.

Pure of SSH: `lab.cli_shell` feeds it lines and writes what it returns.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.errors import BootflashError, FlexVpnError, RpcError
from nornir_flexvpn.lab import cli_config, cli_show
from nornir_flexvpn.lab.cli_config import INVALID_INPUT, CliLineRejected
from nornir_flexvpn.lab.datastore import same

if TYPE_CHECKING:
    from nornir_flexvpn.lab.datastore import Snapshot
    from nornir_flexvpn.lab.device import LabDevice

CONFIG_BANNER = "Enter configuration commands, one per line.  End with CNTL/Z."
_RUNNING = ("running-config", "system:running-config", "system:/running-config")
_PKI_IMPORT = re.compile(r"^crypto pki import (\S+) pkcs12 (\S+) password (\S+)$", re.IGNORECASE)
# What precedes the passphrase while it is typed: the shell echoes `*` from there on.
_PKI_SECRET_PREFIX = re.compile(
    r"^\s*crypto\s+pki\s+import\s+\S+\s+pkcs12\s+\S+\s+password\s+", re.IGNORECASE
)
_REPLACE_KEYS = (
    "% You already have RSA keys named {tp}.\n"
    "% If you replace them, all router certs issued using these keys\n"
    "% will be removed.\n"
)
REPLACE_QUESTION = "% Do you really want to replace them? [yes/no]: "
_STARTUP = ("startup-config", "nvram:startup-config", "nvram:/startup-config")


@dataclass
class ShellFaults:
    """Faults scripted on a headend's CLI: lines matching `reject` are refused
    with `% Invalid input` as if the release did not know them."""

    reject: list[re.Pattern[str]] = field(default_factory=list)

    def reject_lines(self, pattern: str) -> None:
        self.reject.append(re.compile(pattern, re.IGNORECASE))

    def clear(self) -> None:
        self.reject.clear()


@dataclass
class ShellState:
    """Per-device state of the CLI beyond the datastores (global, like IOS)."""

    file_prompt_quiet: bool = False
    faults: ShellFaults = field(default_factory=ShellFaults)
    # Files written by `copy running-config bootflash:X`: what `configure replace` restores.
    saved: dict[str, tuple[bytes, Snapshot]] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)  # config lines accepted, in order


_STATE_LOCK = threading.Lock()


def shell_state(device: LabDevice) -> ShellState:
    """The device's CLI state (created on first use)."""
    with _STATE_LOCK:
        state = getattr(device, "cli_shell_state", None)
        if not isinstance(state, ShellState):
            state = ShellState()
            setattr(device, "cli_shell_state", state)  # noqa: B010
        return state


def echo_of(typed: str, char: str) -> str:
    """What the terminal echoes for `char` typed after `typed`: the lab masks a PKCS12
    passphrase so that no session log or captured output holds it."""
    if not char.isspace() and _PKI_SECRET_PREFIX.match(typed):
        return "*"
    return char


def _invalid(column: int = 0) -> str:
    """IOS points under the command it could not parse (the line is not repeated)."""
    return f"{' ' * column}^\n{INVALID_INPUT}\n"


class IosCli:
    """One CLI session: its mode and section, and the commands it runs."""

    def __init__(self, device: LabDevice, username: str) -> None:
        self.device = device
        self.username = username
        self.section: str | None = None
        self.mode = "exec"  # exec | config | a section's mode
        self.closed = False
        # A question the last command asked (`[yes/no]`), and what answering it runs.
        self._question: tuple[str, Callable[[str], str]] | None = None

    @property
    def state(self) -> ShellState:
        return shell_state(self.device)

    def prompt(self) -> str:
        if self._question is not None:
            return self._question[0]
        with self.device.lock:
            name = cli_show.hostname(self.device)
        if self.mode == "exec":
            return f"{name}#"
        return f"{name[:20]}({self.mode})#"

    # --- entry point ----------------------------------------------------------------
    def run(self, raw: str) -> str:
        """Execute one input line; return its output (lines end with \\n)."""
        if self._question is not None:
            _, answer = self._question
            self._question = None
            with self.device.lock:
                return answer(raw.strip())
        line = cli_config.fold(raw)
        if not line:
            return ""
        with self.device.lock:
            if self.mode == "exec":
                return self._exec(line)
            return self._config(line)

    # --- exec mode ------------------------------------------------------------------
    def _exec(self, line: str) -> str:
        words = line.split()
        first = words[0].lower()
        if first in ("exit", "logout", "quit"):
            self.closed = True
            return ""
        if first == "enable" or first == "disable":
            return ""
        if first == "terminal" and len(words) >= 2:
            return ""
        if re.fullmatch(r"conf(igure)?( t(erminal)?)?", line, re.I):
            self.mode = "config"
            return CONFIG_BANNER + "\n"
        if first.startswith("conf") and len(words) >= 3 and words[1].lower() == "replace":
            return self._configure_replace(words[2])
        if first in ("write", "wr") and (len(words) == 1 or words[1].lower().startswith("mem")):
            self._save()
            return "Building configuration...\n[OK]\n"
        if first == "show" or first == "sh":
            return self._show(line, words[1:])
        if first == "dir":
            return self._dir(words[1] if len(words) > 1 else cli_show.FILE_SYSTEM)
        if line.lower().startswith("verify /md5 ") and len(words) == 3:
            return self._md5(words[2])
        if first == "copy" and len(words) == 3:
            return self._copy(words[1], words[2])
        if first == "delete" and len(words) >= 2:
            return self._delete(words[-1])
        pki = _PKI_IMPORT.match(line)
        if pki:
            return self._pki_import(pki.group(1), pki.group(2), pki.group(3))
        return _invalid(len(self.prompt()))

    def _pki_import(self, trustpoint: str, url: str, passphrase: str) -> str:
        """Exec `crypto pki import <tp> pkcs12 <url> password <pw>` (the document's step 2,
        by hand on releases without the crypto RPC); the passphrase is never printed.
        A trustpoint that already holds keys is replaced only after `yes`, as on IOS."""
        if trustpoint in self.device.runtime.trustpoints:

            def answer(reply: str) -> str:
                if reply.lower() not in ("yes", "y"):
                    return "% Aborted. Nothing imported.\n"
                return self._pki_import_now(trustpoint, url, passphrase)

            self._question = (REPLACE_QUESTION, answer)
            return _REPLACE_KEYS.format(tp=trustpoint)
        return self._pki_import_now(trustpoint, url, passphrase)

    def _pki_import_now(self, trustpoint: str, url: str, passphrase: str) -> str:
        from nornir_flexvpn.lab.pki import import_pkcs12

        try:
            import_pkcs12(self.device, trustpoint, url, passphrase)
        except RpcError as exc:
            return exc.message.replace(passphrase, "*****") + "\n"
        return "% Importing pkcs12...\nCRYPTO_PKI: Imported PKCS12 file successfully.\n"

    def _show(self, line: str, args: list[str]) -> str:
        text, _, pipe = line.partition("|")
        words = text.split()[1:]
        if not words:
            return _invalid(len(self.prompt()) + len(line))
        what = words[0].lower()
        if "running-config".startswith(what) and len(what) >= 3:
            out = cli_show.show_config(self.running_text())
        elif "startup-config".startswith(what) and len(what) >= 3:
            out = self.startup_text()
        elif what == "version":
            out = cli_show.show_version(self.device)
        elif what == "archive":
            out = self._archive(words[1:])
        elif what == "crypto" and [w.lower() for w in words[1:2]] == ["pki"]:
            shown = self._crypto_pki(words[2:])
            if shown is None:
                return _invalid(len(self.prompt()) + len(text.rstrip()))
            out = shown
        else:
            return _invalid(len(self.prompt()) + line.lower().find(what))
        return _filter(out, pipe)

    def _crypto_pki(self, args: list[str]) -> str | None:
        """`show crypto pki certificates [verbose] [<tp>]` (`lab.pki_show`)."""
        from nornir_flexvpn.lab.pki_show import show_certificates

        if not args or not "certificates".startswith(args[0].lower()) or len(args[0]) < 4:
            return None
        return show_certificates(self.device, args[1:])

    def _archive(self, args: list[str]) -> str:
        if len(args) >= 3 and args[1].lower() == "incremental-diffs":
            # The lines of a file that running does not hold yet (NAPALM's compare_config).
            try:
                text = self.device.bootflash.read(args[2]).decode("utf-8", errors="replace")
            except BootflashError as exc:
                return exc.message + "\n"
            running = {cli_config.fold(x).lower() for x in self.running_text().splitlines()}
            wanted = [cli_config.fold(x) for x in text.splitlines()]
            missing = [x for x in wanted if x and x != "end" and x.lower() not in running]
            body = "\n".join(missing) if missing else "!No changes were found"
            return f"!List of Commands:\n{body}\nend\n"
        if args:
            return "No Rollback Confirmed Change pending\n"
        return "Archive feature not enabled\n"

    # --- configuration text -----------------------------------------------------------
    def running_text(self) -> str:
        snap = self.device.snapshot("running")
        return cli_show.config_text(snap, self.device, extra=self._globals())

    def startup_text(self) -> str:
        snap = self.device.snapshot("startup")
        return cli_show.config_text(snap, self.device, extra=self._globals())

    def _globals(self) -> list[str]:
        extra = [cli_show.SCP_LINE]
        if self.state.file_prompt_quiet:
            extra.append("file prompt quiet")
        return extra

    def _save(self) -> None:
        snap = self.device.snapshot("running")
        self.device._stores["startup"] = snap.roots
        self.device._startup_overlay = snap.cli_overlay

    # --- files ------------------------------------------------------------------------
    def _dir(self, url: str) -> str:
        if not url.lower().startswith(cli_show.FILE_SYSTEM):
            return f"%Error opening {url} (No such device)\n"
        name = url[len(cli_show.FILE_SYSTEM) :].strip("/")
        return cli_show.dir_listing(self.device.bootflash, name)

    def _md5(self, url: str) -> str:
        try:
            data = self.device.bootflash.read(url)
        except BootflashError as exc:
            return exc.message + "\n"
        return cli_show.md5_line(url, data)

    def _delete(self, url: str) -> str:
        try:
            self.device.bootflash.delete(url)
        except BootflashError as exc:
            return exc.message + "\n"
        return ""

    def _copy(self, source: str, target: str) -> str:
        src, dst = source.lower(), target.lower()
        try:
            if src in _RUNNING and dst in _STARTUP:
                self._save()
                return "Building configuration...\n[OK]\n"
            if src in _RUNNING:
                text = self.running_text().encode()
                self.device.bootflash.write(target, text)
                name = cli_show.FILE_SYSTEM + target.split(":", 1)[-1].lstrip("/")
                self.state.saved[name] = (text, self.device.snapshot("running"))
                return f"{len(text)} bytes copied in 0.021 secs\n"
            if src == "null:":
                self.device.bootflash.write(target, b"")
                return ""
            if dst in _RUNNING:
                data = self.device.bootflash.read(source)
                return self._merge_file(data.decode("utf-8", errors="replace"))
        except BootflashError as exc:
            return exc.message + "\n"
        return _invalid(len(self.prompt()) + 5)

    def _merge_file(self, text: str) -> str:
        """`copy <file> running-config`: each line as if typed in config mode."""
        saved_mode, saved_section = self.mode, self.section
        self.mode, self.section = "config", None
        out: list[str] = []
        count = 0
        for raw in text.splitlines():
            line = cli_config.fold(raw)
            if not line or line.startswith("!"):
                continue
            if line.lower() == "end":
                break
            reply = self._config(line)
            if reply:
                out.append(reply)
            count += 1
        self.mode, self.section = saved_mode, saved_section
        out.append(f"{len(text.encode())} bytes copied in 0.104 secs\n")
        return "".join(out)

    def _configure_replace(self, url: str) -> str:
        name = cli_show.FILE_SYSTEM + url.split(":", 1)[-1].lstrip("/")
        try:
            data = self.device.bootflash.read(url)
        except BootflashError as exc:
            return exc.message + "\n"
        saved = self.state.saved.get(name)
        if saved is None or saved[0] != data:
            # The lab cannot parse arbitrary configuration back into its models.
            return f"%Error: lab: {name} was not written from running-config here; not replaced\n"
        try:
            self.device.restore_running(saved[1])
        except FlexVpnError as exc:
            return f"%Error: {exc.message}\n"
        return "Total number of passes: 1\nRollback Done\n"

    # --- configuration mode -------------------------------------------------------------
    def _config(self, line: str) -> str:
        lower = line.lower()
        if lower == "end":
            self.mode, self.section = "exec", None
            return ""
        if lower == "exit":
            if self.section is None:
                self.mode = "exec"
            else:
                self.mode, self.section = "config", None
            return ""
        if lower.startswith("do "):
            return self._exec(line[3:].strip())
        for pattern in self.state.faults.reject:
            if pattern.search(line):
                return _invalid(len(self.prompt()))
        try:
            return self._config_line(line)
        except CliLineRejected as rejected:
            if rejected.message == INVALID_INPUT:
                return _invalid(len(self.prompt()))
            return rejected.message + "\n"

    def _config_line(self, line: str) -> str:
        lower = line.lower()
        if lower in ("file prompt quiet", "no file prompt quiet"):
            self.state.file_prompt_quiet = not lower.startswith("no ")
            self._leave_section()
            self.state.applied.append(line)
            return ""
        entered = cli_config.enter_section(self.device, line)
        if entered is not None:
            self.section, self.mode = entered
            return ""
        if self.section is None:
            raise CliLineRejected()
        overlay = {k: list(v) for k, v in self.device.cli_overlay.items()}
        modelled = cli_config.apply_in_section(self.device, overlay, self.section, line)
        if modelled is None:
            self.device.cli_overlay = overlay
        else:
            self._edit_running(modelled)
        self.state.applied.append(line)
        return ""

    def _edit_running(self, config: etree._Element) -> None:
        """A modelled line: merged into running as NETCONF would, validated first."""
        try:
            new = self.device._edit("running", config, "merge", full=True)
        except RpcError as exc:
            raise CliLineRejected(f"% {exc.message}") from None
        if not same(new, self.device._stores["running"]):
            self.device._set_running(new)

    def _leave_section(self) -> None:
        self.mode, self.section = "config", None


def _filter(output: str, pipe: str) -> str:
    """`| include X`, `| exclude X`, `| section X` (regular expressions, as on IOS)."""
    if not pipe.strip():
        return output
    verb, _, expr = pipe.strip().partition(" ")
    pattern = re.compile(expr.strip())
    lines = output.splitlines()
    if "include".startswith(verb.lower()):
        kept = [x for x in lines if pattern.search(x)]
    elif "exclude".startswith(verb.lower()):
        kept = [x for x in lines if not pattern.search(x)]
    elif "section".startswith(verb.lower()):
        kept = []
        inside = False
        for x in lines:
            if not x.startswith(" "):
                inside = bool(pattern.search(x))
            if inside:
                kept.append(x)
    else:
        return _invalid(0)
    return "\n".join(kept) + ("\n" if kept else "")
