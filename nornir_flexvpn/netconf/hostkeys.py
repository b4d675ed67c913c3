"""Host key verification against one known_hosts file, with OpenSSH's lookup rules.

ncclient's own check is looser than OpenSSH (it accepts a bare `host` entry
for any port, always reads ~/.ssh/known_hosts) and its `iosxe` device handler
accepts every unknown key. The connection therefore asks ncclient for no
check at all and runs this one between key exchange and authentication, so a
password is never sent to a server whose key we do not know.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import paramiko

from nornir_flexvpn.errors import HostKeyError

DEFAULT_KNOWN_HOSTS = Path("~/.ssh/known_hosts")


def known_hosts_name(host: str, port: int) -> str:
    """The name a known_hosts line uses for that endpoint (`[host]:port` unless port 22)."""
    return host if port == 22 else f"[{host}]:{port}"


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's form: `SHA256:<base64 without padding>`."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class KnownHostKeys:
    """The keys a known_hosts file holds for one endpoint."""

    path: Path
    host: str
    port: int
    keys: tuple[paramiko.PKey, ...]

    @classmethod
    def load(cls, path: Path, host: str, port: int) -> KnownHostKeys:
        path = path.expanduser()
        if not path.is_file():
            raise HostKeyError(
                f"cannot verify the host key of {host}:{port}: known_hosts file {path} "
                "does not exist",
                path="known_hosts",
            )
        store = paramiko.HostKeys()
        try:
            store.load(str(path))
        except (OSError, paramiko.SSHException, ValueError) as exc:
            raise HostKeyError(
                f"cannot read known_hosts file {path}: {exc}", path="known_hosts"
            ) from None
        found = store.lookup(known_hosts_name(host, port))
        keys = tuple(found.values()) if found else ()
        return cls(path=path, host=host, port=port, keys=keys)

    @property
    def key_types(self) -> list[str]:
        """Algorithms to offer first, so the server presents the key we hold."""
        return list(dict.fromkeys(k.get_name() for k in self.keys))

    def verify(self, offered: paramiko.PKey) -> None:
        """Raise HostKeyError unless `offered` is one of the recorded keys."""
        name = known_hosts_name(self.host, self.port)
        for key in self.keys:
            if key.get_name() == offered.get_name() and key.asbytes() == offered.asbytes():
                return
        seen = f"{offered.get_name()} {fingerprint(offered)}"
        if not self.keys:
            raise HostKeyError(
                f"host key of {self.host}:{self.port} ({seen}) is unknown: no entry for "
                f"{name!r} in {self.path}",
                path="known_hosts",
            )
        recorded = ", ".join(f"{k.get_name()} {fingerprint(k)}" for k in self.keys)
        raise HostKeyError(
            f"HOST KEY MISMATCH for {self.host}:{self.port}: it offered {seen}, but {self.path} "
            f"records {recorded} for {name!r} (possible man-in-the-middle; connection refused)",
            path="known_hosts",
        )

    def no_shared_type(self) -> HostKeyError:
        """The server offered no key of a type recorded for it (key exchange refused)."""
        return HostKeyError(
            f"HOST KEY MISMATCH for {self.host}:{self.port}: it offers no key of the type(s) "
            f"{', '.join(self.key_types)} that {self.path} records for "
            f"{known_hosts_name(self.host, self.port)!r} (re-keyed device or man-in-the-middle; "
            "connection refused)",
            path="known_hosts",
        )
