"""The one thing the builders need from resolved secrets (see intent.secrets)."""

from __future__ import annotations

from typing import Protocol


class UserSecrets(Protocol):
    """`intent.secrets.ResolvedSecrets` satisfies this; tests may pass any object that does."""

    def user_password(self, name: str) -> str: ...

    def user_secret9(self, name: str) -> str: ...
