"""Step 2 where NETCONF has no crypto RPC (16.9.1): the exec command over the CLI channel.

`CliPki` types `crypto pki import <tp> pkcs12 <url> password <pw>` on the
NAPALM channel's netmiko session and answers IOS's `[yes/no]` question (a
trustpoint that already holds keys is replaced only after `yes`), and reads
the trustpoint back with `show crypto pki certificates verbose <tp>` (16.9.1
has no crypto-pki-oper), parsed strictly into the same `OperTrustpoint`
the oper path gives.

The passphrase exists only in the one line written to the session: netmiko's
session log is detached and its DEBUG byte log silenced while it is typed,
and every piece of device output is scrubbed of it before it is parsed,
logged or put in an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from nornir_flexvpn.cli_channel.napalm_channel import NapalmCliChannel
from nornir_flexvpn.errors import FlexVpnError, PkiError
from nornir_flexvpn.intent.secrets import REDACTED
from nornir_flexvpn.pki.bundle import normalise_fingerprint
from nornir_flexvpn.pki.oper import OperCertificate, OperTrustpoint

log = logging.getLogger(__name__)

IMPORTED = "Imported PKCS12 file successfully"
QUESTION = re.compile(r"\[yes/no\]:?\s*$")
SHOW = "show crypto pki certificates verbose {tp}"
TIMEOUT = 60.0
# Certificate titles of `show crypto pki certificates`, and the usage each stands for.
_TITLES = {
    "Certificate": "general-purpose",
    "Router Self-Signed Certificate": "general-purpose",
    "CA Certificate": "ca",
}
# Characters the IOS command line cannot carry inside one word (`?` asks for help).
_UNTYPABLE = re.compile(r"[\s?]")


class ExecSession(Protocol):
    """The part of netmiko's `BaseConnection` the import uses."""

    base_prompt: str
    session_log: Any

    def send_command(self, command_string: str, **kwargs: Any) -> str: ...


SessionSource = Callable[[], ExecSession]


def _scrub(text: str, passphrase: str) -> str:
    return text.replace(passphrase, REDACTED) if passphrase else text


def _error_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith("%")]


@dataclass
class _Block:
    title: str
    fields: dict[str, str] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)


def _blocks(text: str, command: str) -> Iterator[_Block]:
    block: _Block | None = None
    section: str | None = None
    for number, raw in enumerate(text.replace("\r", "").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if not line.startswith(" "):
            if line not in _TITLES:
                raise PkiError(
                    f"cannot read `{command}`: line {number} is not a certificate title: "
                    f"{line[:60]!r}",
                    path="cli-channel",
                )
            if block is not None:
                yield block
            block, section = _Block(line), None
            continue
        if block is None:
            raise PkiError(
                f"cannot read `{command}`: line {number} comes before any certificate",
                path="cli-channel",
            )
        if line.startswith("    "):
            if section is not None:
                block.names.setdefault(section, []).append(line.strip())
            continue
        key, sep, value = line.strip().partition(":")
        if not sep:
            raise PkiError(
                f"cannot read `{command}`: line {number} is neither `Field: value` nor "
                f"part of one: {line.strip()[:60]!r}",
                path="cli-channel",
            )
        block.fields[key] = value.strip()
        section = key
    if block is not None:
        yield block


def _names(block: _Block, key: str) -> str:
    """An RDN list as IOS prints it (`Name:` is a summary line, not part of the name)."""
    return ",".join(x for x in block.names.get(key, []) if not x.startswith("Name:"))


def parse_certificates(text: str, label: str, *, command: str = "") -> OperTrustpoint | None:
    """`show crypto pki certificates verbose <label>` as an OperTrustpoint (None: the
    trustpoint holds no certificate). PkiError on anything that is not that output."""
    command = command or SHOW.format(tp=label)
    errors = _error_lines(text)
    if errors:
        raise PkiError(f"`{command}` failed on the device: {errors[0]}", path="cli-channel")
    certs: list[OperCertificate] = []
    identity = False
    for block in _blocks(text, command):
        where = f"`{command}` ({block.title})"
        associated = block.fields.get("Associated Trustpoints", "").split()
        if label not in associated:
            continue
        missing = [
            key
            for key in ("Certificate Serial Number (hex)", "Fingerprint MD5")
            if not block.fields.get(key)
        ]
        missing += [key for key in ("Subject", "Issuer") if not _names(block, key)]
        if missing:
            raise PkiError(f"{where} has no {', '.join(missing)}", path="cli-channel")
        md5 = normalise_fingerprint(block.fields["Fingerprint MD5"])
        if len(md5) != 32:
            raise PkiError(f"{where}: the MD5 fingerprint is not 16 bytes", path="cli-channel")
        usage = _TITLES[block.title]
        identity = identity or usage != "ca"
        certs.append(
            OperCertificate(
                subject=_names(block, "Subject"),
                issuer=_names(block, "Issuer"),
                serial=block.fields["Certificate Serial Number (hex)"].upper(),
                md5=md5,
                usage=usage,
            )
        )
    if not certs:
        return None
    return OperTrustpoint(label, identity, certs)


@contextmanager
def _quiet(session: ExecSession) -> Iterator[None]:
    """No netmiko session log and no netmiko DEBUG byte log while a secret is typed."""
    netmiko_log = logging.getLogger("netmiko")
    level = netmiko_log.level
    netmiko_log.setLevel(max(netmiko_log.getEffectiveLevel(), logging.INFO))
    saved = session.session_log
    session.session_log = None
    try:
        yield
    finally:
        session.session_log = saved
        netmiko_log.setLevel(level)


class CliPki:
    """`importer.PkiCli` over a netmiko exec session (opened on first use)."""

    def __init__(self, host: str, session: SessionSource, *, timeout: float = TIMEOUT) -> None:
        self.host = host
        self._session = session
        self.timeout = timeout

    @classmethod
    def over(cls, channel: NapalmCliChannel) -> CliPki:
        return cls(channel.host, lambda: cast(ExecSession, channel.exec_session()))

    def __repr__(self) -> str:
        return f"CliPki(host={self.host!r})"

    def read_trustpoint(self, label: str) -> OperTrustpoint | None:
        command = SHOW.format(tp=label)
        try:
            output = self._session().send_command(command, read_timeout=self.timeout)
        except FlexVpnError:
            raise
        except Exception as exc:
            raise PkiError(
                f"{self.host}: `{command}` over the CLI channel failed ({type(exc).__name__})",
                path="cli-channel",
            ) from None
        return parse_certificates(output, label, command=command)

    def run_import(self, trustpoint: str, url: str, passphrase: str) -> None:
        """The exec command; `yes` to replacing existing keys; PkiError unless IOS says
        the file was imported. The device's words reach errors scrubbed of the passphrase."""
        where = f"trustpoint[{trustpoint}]"
        if not passphrase or _UNTYPABLE.search(passphrase):
            raise PkiError(
                "trustpoint.passphrase is empty or holds whitespace or '?', which the IOS "
                "command line cannot carry in `crypto pki import ... password`",
                path=f"{where}.passphrase",
            )
        session = self._session()
        prompt = re.escape(session.base_prompt) + r"[^\n]*#\s*$"
        expect = rf"{QUESTION.pattern}|{prompt}"
        shown = f"crypto pki import {trustpoint} pkcs12 {url} password {REDACTED}"
        try:
            with _quiet(session):
                output = session.send_command(
                    f"crypto pki import {trustpoint} pkcs12 {url} password {passphrase}",
                    expect_string=expect,
                    cmd_verify=False,  # IOS may echo the line differently (masked)
                    strip_prompt=False,
                    strip_command=False,
                    read_timeout=self.timeout,
                )
                output = _scrub(output, passphrase)
                if QUESTION.search(output):
                    log.info(
                        "%s: trustpoint %s holds keys already: replacing", self.host, trustpoint
                    )
                    output += session.send_command(
                        "yes",
                        expect_string=prompt,
                        cmd_verify=False,
                        strip_prompt=False,
                        strip_command=False,
                        read_timeout=self.timeout,
                    )
        except FlexVpnError:
            raise
        except Exception as exc:
            raise PkiError(
                f"{self.host}: `{shown}` over the CLI channel failed ({type(exc).__name__})",
                path=where,
            ) from None
        output = _scrub(output, passphrase)
        errors = _error_lines(output)
        failures = [e for e in errors if not _informational(e)]
        if failures or IMPORTED not in output:
            said = failures[0] if failures else (errors[-1] if errors else "no confirmation")
            raise PkiError(f"{self.host}: `{shown}` failed: {said}", path=where)
        log.info("%s: trustpoint %s imported over the CLI channel", self.host, trustpoint)


def _informational(line: str) -> bool:
    """IOS's progress and key-replacement notices are `%` lines too."""
    text = line.lstrip("% ").lower()
    if "fail" in text or "error" in text:
        return False
    return text.startswith(
        ("importing pkcs12", "you already have", "if you replace", "will be", "do you really")
    )
