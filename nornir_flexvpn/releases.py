"""The IOS-XE releases the project supports, and where their models live."""

from __future__ import annotations

import os
from enum import Enum
from functools import total_ordering
from pathlib import Path

from nornir_flexvpn.errors import IntentError

# Found relative to the working directory on purpose: tests and CI run from the
# repository root with `../shared` beside it; users point FLEXVPN_YANG_DIR elsewhere.
DEFAULT_YANG_DIR = "../shared/yang"


@total_ordering
class Release(Enum):
    """A supported IOS-XE release; the value is the dotted name users write."""

    V16_9_1 = "16.9.1"
    V17_3_1 = "17.3.1"
    V17_9_1 = "17.9.1"
    V17_12_1 = "17.12.1"
    V17_15_1 = "17.15.1"
    V17_18_1 = "17.18.1"

    @property
    def dirname(self) -> str:
        """Folder name under the models directory (`17.15.1` -> `17151`)."""
        return self.value.replace(".", "")

    @property
    def version(self) -> tuple[int, int, int]:
        major, minor, patch = (int(p) for p in self.value.split("."))
        return major, minor, patch

    @property
    def default_platform(self) -> str:
        """The virtual router of that release (csr1k up to 17.3, c8000v after)."""
        return "csr1k" if self.version < (17, 9, 0) else "c8000v"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return self.version < other.version

    def at_least(self, dotted: str) -> bool:
        major, minor, patch = (int(p) for p in dotted.split("."))
        return self.version >= (major, minor, patch)

    @classmethod
    def parse(cls, text: str) -> Release:
        """Accept `17.15.1` (or the folder form `17151`); anything else names the choices."""
        for release in cls:
            if text in (release.value, release.dirname):
                return release
        choices = ", ".join(r.value for r in cls)
        raise IntentError(f"unknown release {text!r}; supported: {choices}", path="release")


DEFAULT_RELEASE = Release.V17_15_1


def yang_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The models directory: explicit argument, then FLEXVPN_YANG_DIR, then ../shared/yang."""
    raw = override if override is not None else os.environ.get("FLEXVPN_YANG_DIR", DEFAULT_YANG_DIR)
    return Path(raw).expanduser().resolve()


def release_dir(release: Release, override: str | os.PathLike[str] | None = None) -> Path:
    return yang_dir(override) / release.dirname
