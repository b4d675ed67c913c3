"""Stand-in secrets for output that must not carry real ones (render, goldens, validate)."""

from __future__ import annotations

from typing import Final

# The same mask intent.secrets.ResolvedSecrets.redact() writes.
MASK: Final = "********"


class PlaceholderSecrets:
    """Every password and type-9 hash reads as the mask: nothing is resolved, nothing leaks."""

    def user_password(self, name: str) -> str:
        del name
        return MASK

    def user_secret9(self, name: str) -> str:
        del name
        return MASK

    def __repr__(self) -> str:
        return "PlaceholderSecrets()"
