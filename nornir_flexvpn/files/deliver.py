"""Delivering one file to a headend's bootflash, verified, and only when it differs.

Transport: SFTP on a new channel of the NETCONF session's own SSH connection
(`NetconfConnection.ssh_transport()`), so the credentials and the host-key
check are exactly the NETCONF ones and nothing new is authenticated. With
`method="copy"` the headend fetches the file itself with the
`Cisco-IOS-XE-rpc` `copy` RPC from `copy_from` + file name (a URL the user
publishes the same bytes at).

Verification (IOS's `verify /md5` has no model): the file is read back over
SFTP and its SHA-256 compared with the local bytes, before (identical: skip)
and after the transfer (different: TransferError, the deploy stops). A full
bootflash is detected up front from statvfs where the server offers it, and
from the server's own error otherwise.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, cast

import paramiko
from lxml import etree
from paramiko.sftp import CMD_EXTENDED, CMD_EXTENDED_REPLY

from nornir_flexvpn.errors import FlexVpnError, RpcError, TransferError
from nornir_flexvpn.files.bootflash import bootflash_name, bootflash_url
from nornir_flexvpn.namespaces import XE_RPC, qn
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.releases import Release

log = logging.getLogger(__name__)

Method = Literal["sftp", "copy"]
Action = Literal["unchanged", "written"]


@dataclass(frozen=True)
class Delivery:
    """What happened to one file; `sha256` is of the bytes now on the device."""

    url: str
    size: int
    sha256: str
    action: Action
    method: Method

    @property
    def changed(self) -> bool:
        return self.action == "written"

    def __str__(self) -> str:
        verb = "unchanged" if not self.changed else f"written ({self.method}, verified)"
        return f"{self.url}: {self.size} bytes, sha256 {self.sha256[:16]}..., {verb}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def sftp_session(conn: NetconfConnection) -> Iterator[paramiko.SFTPClient]:
    """An SFTP client on the NETCONF session's SSH connection (closed on exit)."""
    try:
        client = paramiko.SFTPClient.from_transport(conn.ssh_transport())
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise TransferError(
            f"{conn.host}: the SSH server offers no SFTP ({type(exc).__name__}: {exc}); "
            "enable 'ip scp server enable' or use file_delivery.method 'copy'",
            path="file_delivery.method",
        ) from None
    if client is None:
        raise TransferError(f"{conn.host}: could not open an SFTP channel", path="file_delivery")
    try:
        yield client
    finally:
        client.close()


def read_remote(sftp: paramiko.SFTPClient, name: str) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        with sftp.open(name, "rb") as handle:
            return bytes(handle.read())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TransferError(
            f"cannot read back the file: {_reason(exc)}", path=bootflash_url(name)
        ) from None


def deliver_file(
    conn: NetconfConnection,
    url: str,
    data: bytes,
    *,
    release: Release,
    method: Method = "sftp",
    copy_from: str | None = None,
) -> Delivery:
    """Put `data` at `url` (a bootflash URL) unless it is already there; verify it."""
    name = bootflash_name(url)
    digest = sha256(data)
    with sftp_session(conn) as sftp:
        current = read_remote(sftp, name)
        if current is not None and sha256(current) == digest:
            log.debug("%s: %s already holds these %d bytes", conn.host, url, len(data))
            return Delivery(url, len(data), digest, "unchanged", method)
        _check_space(sftp, name, len(data), 0 if current is None else len(current))
        if method == "copy":
            _copy_rpc(conn, name, release, copy_from)
        else:
            _put(sftp, name, data)
        written = read_remote(sftp, name)
    if written is None or sha256(written) != digest:
        got = "no file" if written is None else f"{len(written)} bytes, sha256 {sha256(written)}"
        raise TransferError(
            f"checksum mismatch after transfer: expected {len(data)} bytes, sha256 {digest}; "
            f"the device has {got} (corrupted in transfer, or a different source file)",
            path=url,
        )
    log.info("%s: delivered %s (%d bytes, %s)", conn.host, url, len(data), method)
    return Delivery(url, len(data), digest, "written", method)


def free_space(sftp: paramiko.SFTPClient) -> int | None:
    """Bytes available on bootflash via the `statvfs@openssh.com` extension (paramiko
    has no call for it); None when the server does not offer it."""
    try:
        kind, msg = sftp._request(CMD_EXTENDED, "statvfs@openssh.com", "/")
    except (OSError, EOFError, paramiko.SSHException):
        return None
    if kind != CMD_EXTENDED_REPLY:
        return None
    _bsize, frsize, _blocks, _bfree, bavail = (msg.get_int64() for _ in range(5))
    return int(bavail * frsize)


def _check_space(sftp: paramiko.SFTPClient, name: str, size: int, replaced: int) -> None:
    free = free_space(sftp)
    if free is None:
        return  # the write itself will fail with the server's message
    if size - replaced > free:
        raise TransferError(
            f"bootflash is full: {size} bytes needed, {free + replaced} available "
            "(free space on bootflash, then deploy again)",
            path=bootflash_url(name),
        )


def _put(sftp: paramiko.SFTPClient, name: str, data: bytes) -> None:
    try:
        with sftp.open(name, "wb") as handle:
            handle.set_pipelined(True)
            handle.write(data)
    except (OSError, paramiko.SSHException) as exc:
        raise TransferError(
            f"SFTP upload failed: {_reason(exc)}", path=bootflash_url(name)
        ) from None


def copy_rpc(source: str, destination: str, release: Release) -> etree._Element:
    """`Cisco-IOS-XE-rpc:copy`; 16.9.1 names its URL leaves `_source` / `_destination`."""
    if release is Release.V16_9_1:
        src, dst = "_source", "_destination"
    else:
        src, dst = "source-drop-node-name", "destination-drop-node-name"
    rpc = etree.Element(qn(XE_RPC, "copy"), nsmap=cast(Any, {None: XE_RPC}))
    etree.SubElement(rpc, qn(XE_RPC, src)).text = source
    etree.SubElement(rpc, qn(XE_RPC, dst)).text = destination
    return rpc


def _copy_rpc(conn: NetconfConnection, name: str, release: Release, copy_from: str | None) -> None:
    if not copy_from:
        raise TransferError(
            "file_delivery.method is 'copy' but no copy_from URL is given",
            path="file_delivery.copy_from",
        )
    source = copy_from + name.rsplit("/", 1)[-1]
    try:
        conn.dispatch(copy_rpc(source, bootflash_url(name), release))
    except RpcError as exc:
        raise TransferError(
            f"copy {source} -> {bootflash_url(name)} failed: {exc.message}",
            path=bootflash_url(name),
        ) from None
    except FlexVpnError as exc:
        raise TransferError(f"copy RPC failed: {exc}", path=bootflash_url(name)) from None


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.replace("[Errno None] ", "")
