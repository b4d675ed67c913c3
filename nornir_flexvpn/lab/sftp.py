"""SFTP and SCP into a lab headend's bootflash, over its NETCONF SSH server.

IOS-XE serves files with `ip scp server enable` / the SFTP subsystem on the
same SSH daemon and credentials as NETCONF; the client lands in
`bootflash:`, which is `/` here. The bootflash (`lab.bootflash.Bootflash`)
is flat: a name with slashes implies its directories, nothing else makes
one. Uploads are buffered and stored when the handle is closed, so a
transfer that runs out of space fails without leaving half a file, with the
IOS message for a full flash.
"""

from __future__ import annotations

import errno
import os
import posixpath
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, cast

import asyncssh
from asyncssh.channel import SSHChannel
from asyncssh.constants import (
    FILEXFER_TYPE_DIRECTORY,
    FILEXFER_TYPE_REGULAR,
    FXF_APPEND,
    FXF_CREAT,
    FXF_EXCL,
    FXF_TRUNC,
    FXF_WRITE,
)

from nornir_flexvpn.errors import BootflashError
from nornir_flexvpn.lab.bootflash import Bootflash

SftpFactory = Callable[["SSHChannel[bytes]"], asyncssh.SFTPServer]
_FILE_MODE = 0o100644
_DIR_MODE = 0o040755
_SCHEME = b"bootflash:"


def bootflash_of(device: object) -> Bootflash | None:
    """The device's bootflash, if its model has one (the transport-only stub has none)."""
    bootflash = getattr(device, "bootflash", None)
    return bootflash if isinstance(bootflash, Bootflash) else None


def sftp_factory(bootflash: Bootflash) -> SftpFactory:
    """What asyncssh calls for each SFTP or SCP channel."""

    def create(chan: SSHChannel[bytes]) -> asyncssh.SFTPServer:
        return BootflashSftpServer(cast("asyncssh.SSHServerChannel[bytes]", chan), bootflash)

    return create


def bootflash_path(path: bytes) -> str:
    """SFTP path -> bootflash file name ('' is the root); never escapes the root."""
    if path.lower().startswith(_SCHEME):
        path = path[len(_SCHEME) :]
    try:
        text = path.decode("utf-8")
    except UnicodeDecodeError:
        raise asyncssh.SFTPInvalidFilename("file names are UTF-8") from None
    return posixpath.normpath(posixpath.join("/", text)).lstrip("/")


@dataclass
class _Handle:
    name: str
    data: bytearray = field(default_factory=bytearray)
    writable: bool = False
    dirty: bool = False
    failed: bool = False  # a write ran out of space: the upload must not land

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """asyncssh asks an open file for its data ranges (sparse copies); ours has no holes."""
        if whence == os.SEEK_DATA:
            if offset >= len(self.data):
                raise OSError(errno.ENXIO, "no data past the end")
            return offset
        if whence == os.SEEK_HOLE:
            return len(self.data)
        return offset


class BootflashSftpServer(asyncssh.SFTPServer):
    """asyncssh's SFTP server interface on top of a `Bootflash` (SCP uses it too)."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], bootflash: Bootflash) -> None:
        super().__init__(chan)
        self._flash = bootflash
        self._started = int(time.time())

    # --- names ---------------------------------------------------------------------------
    def realpath(self, path: bytes) -> bytes:
        return ("/" + bootflash_path(path)).encode()

    def _is_dir(self, name: str) -> bool:
        if not name:
            return True
        prefix = name + "/"
        return any(f.name.startswith(prefix) for f in self._flash.listing())

    def _file_attrs(self, size: int) -> asyncssh.SFTPAttrs:
        return asyncssh.SFTPAttrs(
            type=FILEXFER_TYPE_REGULAR,
            size=size,
            permissions=_FILE_MODE,
            uid=0,
            gid=0,
            mtime=self._started,
            atime=self._started,
        )

    def _dir_attrs(self) -> asyncssh.SFTPAttrs:
        return asyncssh.SFTPAttrs(
            type=FILEXFER_TYPE_DIRECTORY,
            size=0,
            permissions=_DIR_MODE,
            uid=0,
            gid=0,
            mtime=self._started,
            atime=self._started,
        )

    def stat(self, path: bytes) -> asyncssh.SFTPAttrs:
        name = bootflash_path(path)
        if name and self._flash.exists(name):
            return self._file_attrs(len(self._flash.read(name)))
        if self._is_dir(name):
            return self._dir_attrs()
        raise asyncssh.SFTPNoSuchFile(
            f"%Error opening bootflash:/{name} (No such file or directory)"
        )

    def lstat(self, path: bytes) -> asyncssh.SFTPAttrs:
        return self.stat(path)

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        name = bootflash_path(path)
        if not self._is_dir(name):
            self.stat(path)  # no such file -> SFTPNoSuchFile
            raise asyncssh.SFTPNotADirectory(f"bootflash:/{name} is not a directory")
        prefix = f"{name}/" if name else ""
        yield asyncssh.SFTPName(b".", attrs=self._dir_attrs())
        yield asyncssh.SFTPName(b"..", attrs=self._dir_attrs())
        seen_dirs: set[str] = set()
        for info in self._flash.listing():
            if not info.name.startswith(prefix):
                continue
            rest = info.name[len(prefix) :]
            if "/" in rest:
                child = rest.split("/", 1)[0]
                if child not in seen_dirs:
                    seen_dirs.add(child)
                    yield asyncssh.SFTPName(child.encode(), attrs=self._dir_attrs())
            else:
                yield asyncssh.SFTPName(rest.encode(), attrs=self._file_attrs(info.size))

    def statvfs(self, path: bytes) -> asyncssh.SFTPVFSAttrs:
        free = max(0, self._flash.free)
        return asyncssh.SFTPVFSAttrs(
            bsize=1,
            frsize=1,
            blocks=self._flash.capacity,
            bfree=free,
            bavail=free,
            files=len(self._flash.listing()),
            namemax=255,
        )

    # --- files ---------------------------------------------------------------------------
    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        name = bootflash_path(path)
        if not name or self._is_dir(name):
            raise asyncssh.SFTPFailure(f"%Error opening bootflash:/{name} (Is a directory)")
        exists = self._flash.exists(name)
        writable = bool(pflags & (FXF_WRITE | FXF_APPEND))
        if exists and pflags & FXF_EXCL:
            raise asyncssh.SFTPFileAlreadyExists(f"bootflash:/{name} already exists")
        if not exists and not (writable and pflags & FXF_CREAT):
            raise asyncssh.SFTPNoSuchFile(
                f"%Error opening bootflash:/{name} (No such file or directory)"
            )
        handle = _Handle(name, writable=writable)
        if exists and not pflags & FXF_TRUNC:
            handle.data.extend(self._flash.read(name))
        if writable:
            # Opening for writing creates (or truncates) the file at once, as on a disk.
            handle.dirty = not exists or bool(pflags & FXF_TRUNC)
        return handle

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        handle = _handle(file_obj)
        return bytes(handle.data[offset : offset + size])

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        handle = _handle(file_obj)
        if not handle.writable:
            raise asyncssh.SFTPPermissionDenied(f"bootflash:/{handle.name} is open read-only")
        end = offset + len(data)
        others = self._flash.used - (
            len(self._flash.read(handle.name)) if self._flash.exists(handle.name) else 0
        )
        if others + max(end, len(handle.data)) > self._flash.capacity:
            handle.failed = True
            raise _no_space(handle.name)
        if end > len(handle.data):
            handle.data.extend(b"\x00" * (end - len(handle.data)))
        handle.data[offset:end] = data
        handle.dirty = True
        return len(data)

    def close(self, file_obj: object) -> None:
        handle = _handle(file_obj)
        if handle.writable and handle.dirty and not handle.failed:
            handle.dirty = False
            try:
                self._flash.write(handle.name, bytes(handle.data))
            except BootflashError:
                raise _no_space(handle.name) from None

    def fstat(self, file_obj: object) -> asyncssh.SFTPAttrs:
        return self._file_attrs(len(_handle(file_obj).data))

    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self.stat(path)  # times and modes are not kept; the file must exist

    def fsetstat(self, file_obj: object, attrs: asyncssh.SFTPAttrs) -> None:
        handle = _handle(file_obj)
        if attrs.size is not None and handle.writable:
            del handle.data[attrs.size :]
            handle.dirty = True

    def remove(self, path: bytes) -> None:
        name = bootflash_path(path)
        try:
            self._flash.delete(name)
        except BootflashError as exc:
            raise asyncssh.SFTPNoSuchFile(exc.message) from None

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        old, new = bootflash_path(oldpath), bootflash_path(newpath)
        if self._flash.exists(new):
            raise asyncssh.SFTPFileAlreadyExists(f"bootflash:/{new} already exists")
        self._move(old, new)

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._move(bootflash_path(oldpath), bootflash_path(newpath))

    def _move(self, old: str, new: str) -> None:
        try:
            data = self._flash.read(old)
        except BootflashError as exc:
            raise asyncssh.SFTPNoSuchFile(exc.message) from None
        if old == new:
            return
        # The bytes are already counted once; delete first so the move never needs space.
        self._flash.delete(old)
        self._flash.write(new, data)

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        name = bootflash_path(path)
        if self._is_dir(name):
            raise asyncssh.SFTPFileAlreadyExists(f"bootflash:/{name} already exists")
        raise asyncssh.SFTPOpUnsupported("the lab bootflash has no empty directories")

    def rmdir(self, path: bytes) -> None:
        raise asyncssh.SFTPOpUnsupported("the lab bootflash has no empty directories")

    def readlink(self, path: bytes) -> bytes:
        raise asyncssh.SFTPOpUnsupported("bootflash has no symbolic links")

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPOpUnsupported("bootflash has no symbolic links")

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPOpUnsupported("bootflash has no links")


def _handle(file_obj: Any) -> _Handle:
    if not isinstance(file_obj, _Handle):
        raise asyncssh.SFTPInvalidHandle("not a bootflash file handle")
    return file_obj


def _no_space(name: str) -> asyncssh.SFTPNoSpaceOnFilesystem:
    return asyncssh.SFTPNoSpaceOnFilesystem(
        f"%Error copying bootflash:/{name} (No space left on device)"
    )
