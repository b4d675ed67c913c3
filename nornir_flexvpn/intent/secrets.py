"""Resolving the intent's secret references, and Cisco type-9 hashes.

A `SecretRef` (see intent.models) is written in YAML as a mapping
(`{env: NAME, file: PATH, demo: true}`) or as the shorthand `env:NAME` /
`file:PATH`. Resolution order: the environment variable if it is set, else
the file (relative to the inventory directory, one trailing newline
stripped), else the document's demo value when `demo: true`, else
`SecretError`. Values live only inside `ResolvedSecrets`; its repr, and every
error raised here, name references and fields, never values.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from nornir_flexvpn.errors import SecretError
from nornir_flexvpn.intent.models import FlexVpnIntent, SecretRef

# The source document's password for the user and the PKCS12 bundle.
DEMO_SECRET = "cisco123"
REDACTED = "********"

SecretSource = Literal["env", "file", "demo"]

# Cisco's base64 alphabet (crypt(3) order), used for type-8/9 salts and hashes.
CISCO64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_STD64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_CISCO64 = str.maketrans(_STD64, CISCO64)
TYPE9_SALT_LENGTH = 14
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_DKLEN = 16384, 1, 1, 32


def describe_ref(ref: SecretRef) -> str:
    """How a reference reads in messages: `env:NAME`, `file:PATH`, `demo`."""
    parts = [f"env:{ref.env}" if ref.env else "", f"file:{ref.file}" if ref.file else ""]
    parts.append("demo" if ref.demo else "")
    return " / ".join(p for p in parts if p)


def resolve_ref(
    ref: SecretRef,
    *,
    field: str,
    base_dir: Path,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, SecretSource]:
    """The secret's value and where it came from; `field` names it in errors."""
    env = os.environ if environ is None else environ
    if ref.env and env.get(ref.env):
        return env[ref.env], "env"
    if ref.file:
        path = Path(ref.file).expanduser()
        path = path if path.is_absolute() else base_dir / path
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise SecretError(
                    f"cannot read secret file {path} ({type(exc).__name__})", path=field
                ) from None
            value = text[:-1] if text.endswith("\n") else text
            if value:
                return value, "file"
    if ref.demo:
        return DEMO_SECRET, "demo"
    raise SecretError(
        f"secret {describe_ref(ref)} is not set (no environment variable, no file"
        f"{'' if ref.demo else ', and demo fallback not allowed'})",
        path=field,
    )


# --- Cisco type 9 (scrypt) --------------------------------------------------------
def _cisco64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=").translate(_TO_CISCO64)


def _type9_key(password: str, salt: str) -> str:
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt.encode("utf-8"),
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        dklen=_SCRYPT_DKLEN,
    )
    return _cisco64(key)


def new_type9_salt() -> str:
    return "".join(secrets.choice(CISCO64) for _ in range(TYPE9_SALT_LENGTH))


def secret9(password: str, salt: str | None = None) -> str:
    """`$9$<salt>$<hash>`: what `username U algorithm-type scrypt secret P` stores."""
    salt = new_type9_salt() if salt is None else salt
    if len(salt) != TYPE9_SALT_LENGTH or "$" in salt:
        raise ValueError(f"a type-9 salt is {TYPE9_SALT_LENGTH} characters without '$'")
    return f"$9${salt}${_type9_key(password, salt)}"


def verify_secret9(password: str, hashed: str) -> bool:
    """Whether `hashed` (as a device shows it) is the type-9 hash of `password`.

    The salt is taken as the device wrote it: devices' salts are not always
    drawn from the Cisco64 alphabet.
    """
    if not hashed.startswith("$9$"):
        return False
    salt, sep, key = hashed[3:].rpartition("$")
    if not sep or len(salt) != TYPE9_SALT_LENGTH:
        return False
    return hmac.compare_digest(_type9_key(password, salt), key)


# --- resolution of one intent -----------------------------------------------------------
@dataclass(frozen=True)
class _Resolved:
    path: str
    value: str = field(repr=False)
    source: SecretSource = "env"


class ResolvedSecrets:
    """The resolved secrets of one intent. Values only come out through the methods."""

    def __init__(
        self,
        users: dict[str, _Resolved],
        trustpoint: _Resolved | None,
        salt_source: Callable[[], str],
    ) -> None:
        self._users = users
        self._trustpoint = trustpoint
        self._salt_source = salt_source
        self._hashes: dict[str, str] = {}

    def user_password(self, name: str) -> str:
        try:
            return self._users[name].value
        except KeyError:
            raise SecretError(f"no local user {name!r} in the intent", path="aaa.users") from None

    def user_secret9(self, name: str) -> str:
        """The user's type-9 hash; computed once per instance so renders are stable."""
        if name not in self._hashes:
            self._hashes[name] = secret9(self.user_password(name), self._salt_source())
        return self._hashes[name]

    def trustpoint_passphrase(self) -> str:
        if self._trustpoint is None:
            raise SecretError("the intent has no trustpoint", path="trustpoint")
        return self._trustpoint.value

    def sources(self) -> dict[str, SecretSource]:
        """Field path -> where its value came from (env, file, demo); no values."""
        found = {r.path: r.source for r in self._users.values()}
        if self._trustpoint is not None:
            found[self._trustpoint.path] = self._trustpoint.source
        return found

    def redact(self, text: str) -> str:
        """`text` with every resolved secret and derived hash replaced by ********."""
        known = [r.value for r in self._users.values()]
        if self._trustpoint is not None:
            known.append(self._trustpoint.value)
        known.extend(self._hashes.values())
        # Longest first, so a secret containing another is replaced whole.
        for value in sorted({v for v in known if v}, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return text

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}<{v}>" for k, v in sorted(self.sources().items()))
        return f"ResolvedSecrets({fields})"

    __str__ = __repr__


def resolve_secrets(
    intent: FlexVpnIntent,
    *,
    base_dir: Path,
    salt_source: Callable[[], str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ResolvedSecrets:
    """Resolve every secret the intent references; the first missing one raises SecretError.

    `salt_source` gives type-9 salts (default: random); tests and goldens pass a
    fixed one to get reproducible hashes.
    """
    users: dict[str, _Resolved] = {}
    for index, user in enumerate(intent.aaa.users):
        where = f"aaa.users[{index}].password"
        value, source = resolve_ref(user.password, field=where, base_dir=base_dir, environ=environ)
        users[user.name] = _Resolved(where, value, source)
    trustpoint = None
    if intent.trustpoint is not None:
        where = "trustpoint.passphrase"
        value, source = resolve_ref(
            intent.trustpoint.passphrase, field=where, base_dir=base_dir, environ=environ
        )
        trustpoint = _Resolved(where, value, source)
    return ResolvedSecrets(users, trustpoint, salt_source or new_type9_salt)
