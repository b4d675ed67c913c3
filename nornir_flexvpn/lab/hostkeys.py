"""SSH host keys of lab headends, kept on disk so a restarted lab keeps its identity.

A client that verifies host keys (the project's default) must be able to
trust the lab: every headend's key is written to a known_hosts file as
`[127.0.0.1]:port <type> <base64>`, plus an ssh_config that points
paramiko-based clients (ncclient) at that file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import asyncssh

from nornir_flexvpn.errors import LabError

KeyAlgorithm = Literal["ssh-ed25519", "ssh-rsa"]
_FILE_NAMES: dict[KeyAlgorithm, str] = {
    "ssh-ed25519": "ssh_host_ed25519_key",
    "ssh-rsa": "ssh_host_rsa_key",
}


@dataclass(frozen=True)
class KnownHost:
    host: str
    port: int
    public_key: str  # OpenSSH form "<type> <base64>"

    def line(self) -> str:
        where = self.host if self.port == 22 else f"[{self.host}]:{self.port}"
        return f"{where} {self.public_key}"


def load_or_create_host_key(
    key_dir: Path, algorithm: KeyAlgorithm = "ssh-ed25519"
) -> asyncssh.SSHKey:
    """The host key stored in `key_dir`, generated (mode 0600) on first use."""
    path = key_dir / _FILE_NAMES[algorithm]
    if path.exists():
        try:
            return asyncssh.read_private_key(str(path))
        except (OSError, asyncssh.KeyImportError) as exc:
            raise LabError(f"cannot read host key {path}: {exc}", path=str(path)) from exc
    key_dir.mkdir(parents=True, exist_ok=True)
    key = (
        asyncssh.generate_private_key("ssh-rsa", key_size=2048)
        if algorithm == "ssh-rsa"
        else asyncssh.generate_private_key(algorithm)
    )
    _write_private(path, key.export_private_key("openssh"))
    (key_dir / f"{path.name}.pub").write_bytes(key.export_public_key("openssh"))
    return key


def public_key_line(key: asyncssh.SSHKey) -> str:
    """`<type> <base64>` without a comment, as known_hosts wants it."""
    text = key.export_public_key("openssh").decode("ascii").split()
    return f"{text[0]} {text[1]}"


def write_known_hosts(path: Path, hosts: Iterable[KnownHost]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(h.line() + "\n" for h in hosts), encoding="ascii")
    tmp.replace(path)
    return path


def write_ssh_config(path: Path, known_hosts: Path, host: str = "127.0.0.1") -> Path:
    """An ssh_config for paramiko/ncclient (`ssh_config=` argument) naming our known_hosts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Host {host}\n    UserKnownHostsFile {known_hosts.resolve()}\n"
        "    StrictHostKeyChecking yes\n",
        encoding="ascii",
    )
    return path


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
