"""A lab headend's bootflash: named files in memory, with a capacity.

PKCS12 bundles and AnyConnect profiles live here, as they do on a router.
URLs are accepted the way IOS writes them (`bootflash:x.p12`,
`bootflash:/x.p12`, `flash:x`) and reduced to the file name. Writing more
than the capacity fails like a full flash does, leaving the old content.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from nornir_flexvpn.errors import BootflashError

DEFAULT_CAPACITY = 8 * 1024 * 1024 * 1024  # a C8000v's 8 GB bootflash
_SCHEMES = ("bootflash:", "flash:")


@dataclass(frozen=True)
class FileInfo:
    name: str
    size: int


def file_name(url: str) -> str:
    """`bootflash:/acvpn.xml` -> `acvpn.xml`; other file systems are not here."""
    text = url.strip()
    lowered = text.lower()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            text = text[len(scheme) :]
            break
    else:
        if ":" in text:
            raise BootflashError(
                f"%Error opening {url} (Invalid argument): not a bootflash: URL", path=url
            )
    name = text.lstrip("/")
    if not name or name.startswith(".") or "\x00" in name or ".." in name.split("/"):
        raise BootflashError(f"%Error opening {url} (Invalid argument)", path=url)
    return name


class Bootflash:
    """name -> bytes, with sizes and a capacity (thread-safe)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity <= 0:
            raise BootflashError("bootflash capacity must be positive", path="capacity")
        self.capacity = capacity
        self._files: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Bootflash(files={len(self._files)}, used={self.used}, capacity={self.capacity})"

    @property
    def used(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._files.values())

    @property
    def free(self) -> int:
        return self.capacity - self.used

    def write(self, url: str, data: bytes) -> FileInfo:
        name = file_name(url)
        with self._lock:
            used = sum(len(v) for k, v in self._files.items() if k != name)
            if used + len(data) > self.capacity:
                raise BootflashError(
                    f"%Error copying bootflash:{name} (No space left on device): "
                    f"{len(data)} bytes needed, {self.capacity - used} free",
                    path=f"bootflash:{name}",
                )
            self._files[name] = bytes(data)
        return FileInfo(name, len(data))

    def read(self, url: str) -> bytes:
        name = file_name(url)
        with self._lock:
            try:
                return self._files[name]
            except KeyError:
                raise BootflashError(
                    f"%Error opening bootflash:{name} (No such file or directory)",
                    path=f"bootflash:{name}",
                ) from None

    def exists(self, url: str) -> bool:
        try:
            name = file_name(url)
        except BootflashError:
            return False
        with self._lock:
            return name in self._files

    def delete(self, url: str) -> None:
        name = file_name(url)
        with self._lock:
            if self._files.pop(name, None) is None:
                raise BootflashError(
                    f"%Error deleting bootflash:{name} (No such file or directory)",
                    path=f"bootflash:{name}",
                )

    def listing(self) -> list[FileInfo]:
        with self._lock:
            return [FileInfo(k, len(v)) for k, v in sorted(self._files.items())]
