"""`Cisco-IOS-XE-rpc` `copy` and `delete` on the lab headend.

`copy` takes a source and a destination URL (16.9.1 names the leaves
`_source`/`_destination`, later releases `source-drop-node-name` /
`destination-drop-node-name`, the CLI's unnamed arguments):

- bootflash to bootflash, and `running-config` / `startup-config` to a
  bootflash file (the configuration as the lab renders it; the file also
  remembers the configuration itself, so cisco-ia `rollback` and a later
  copy back can use it);
- a file or configuration to `startup-config` (replaces it) or to
  `running-config` (merged, as IOS merges a copied file);
- into bootflash from a URL the lab can reach: `file://` paths on this
  machine (a lab extension; the models' patterns have no `file:`) and
  `http(s)://`; tftp/ftp/scp servers time out, as unreachable ones do.

`delete` removes a bootflash file. Failures are rpc-errors carrying the
message IOS prints (`%Error opening bootflash:/x (No such file or
directory)`, `... (No space left on device)`).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from nornir_flexvpn.errors import BootflashError
from nornir_flexvpn.lab.bootflash import Bootflash, file_name
from nornir_flexvpn.lab.cisco_ia import RUNNING_URLS, STARTUP_URLS
from nornir_flexvpn.lab.contract import SessionInfo
from nornir_flexvpn.lab.datastore import Snapshot, container_of
from nornir_flexvpn.lab.locks import LockableStore
from nornir_flexvpn.lab.params import rpc_params
from nornir_flexvpn.lab.replies import LabRpcError, rpc_error
from nornir_flexvpn.lab.xmlsafe import XmlRejected, parse_xml
from nornir_flexvpn.lab.xmlutil import default_nsmap, elements, nc, text_of
from nornir_flexvpn.namespaces import NC, XE_RPC
from nornir_flexvpn.releases import Release

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

MODULE = "Cisco-IOS-XE-rpc"
FETCH_TIMEOUT = 10.0
_URL_PATTERN = re.compile(
    r"((((bootflash:)|(harddisk:)|(flash:)|(nvram:)|(ftp:)|(http:)|(https:)|(scp:)|(tftp:)).*)"
    r"|((running-config)|(startup-config)))"
)
_DELETE_PATTERN = re.compile(r"(((bootflash:)|(harddisk:)|(flash:)|(nvram:)).*)")
_LOCAL = ("bootflash:", "flash:")
_UNREACHABLE = ("tftp:", "ftp:", "scp:")


def leaf_names(release: Release) -> tuple[str, str, str]:
    """(source, destination, filename) leaf names of copy/delete on this release."""
    if release is Release.V16_9_1:
        return "_source", "_destination", "_filename"
    return "source-drop-node-name", "destination-drop-node-name", "filename-drop-node-name"


def copy(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    src_leaf, dst_leaf, _ = leaf_names(device.release)
    params = rpc_params(op, XE_RPC, (src_leaf, dst_leaf), required=(src_leaf, dst_leaf))
    source = _url(params[src_leaf], f"/ios-rpc:copy/{src_leaf}", local_files=True)
    destination = _url(params[dst_leaf], f"/ios-rpc:copy/{dst_leaf}", local_files=False)
    if _kind(destination) == "config":
        return _copy_to_config(device, session, source, destination)
    if _kind(destination) != "bootflash":
        raise _ios_error(f"%Error opening {destination} (Permission denied)", destination)
    bootflash = _bootflash(device)
    data, snapshot = _read_source(device, bootflash, source)
    name = _name(destination)
    try:
        bootflash.write(name, data)
    except BootflashError:
        raise _ios_error(
            f"%Error copying {destination} (No space left on device)", destination
        ) from None
    _remember(device, name, snapshot)
    return _output(f"{len(data)} bytes copied to bootflash:/{name}")


def delete(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    _, _, file_leaf = leaf_names(device.release)
    params = rpc_params(op, XE_RPC, (file_leaf,), required=(file_leaf,))
    url = text_of(params[file_leaf])
    if not _DELETE_PATTERN.fullmatch(url):
        raise _pattern_error(url, f"/ios-rpc:delete/{file_leaf}")
    if _kind(url) != "bootflash":
        raise _ios_error(f"%Error deleting {url} (No such device)", url)
    name = _name(url)
    bootflash = _bootflash(device)
    checkpoint = f"bootflash:/{name}" in device.files or f"bootflash:{name}" in device.files
    if bootflash.exists(name) or not checkpoint:
        try:
            bootflash.delete(name)
        except BootflashError:
            raise _ios_error(
                f"%Error deleting bootflash:/{name} (No such file or directory)", url
            ) from None
    _remember(device, name, None)
    return _output(f"Deleted bootflash:/{name}")


# --- sources and destinations ---------------------------------------------------------------
def _url(element: etree._Element, path: str, *, local_files: bool) -> str:
    url = text_of(element)
    if local_files and url.lower().startswith("file:"):
        return url
    if not _URL_PATTERN.fullmatch(url):
        raise _pattern_error(url, path)
    return url


def _kind(url: str) -> str:
    lowered = url.lower()
    if url in RUNNING_URLS or url in STARTUP_URLS:
        return "config"
    if lowered.startswith(_LOCAL):
        return "bootflash"
    if lowered.startswith("file:"):
        return "file"
    if lowered.startswith(("http:", "https:")):
        return "http"
    if lowered.startswith(_UNREACHABLE):
        return "remote"
    return "device"  # harddisk:, nvram: - not on a virtual router


def _name(url: str) -> str:
    try:
        return file_name(url)
    except BootflashError:
        raise _ios_error(f"%Error opening {url} (Invalid argument)", url) from None


def _bootflash(device: LabDevice) -> Bootflash:
    bootflash = getattr(device, "bootflash", None)
    if not isinstance(bootflash, Bootflash):
        raise rpc_error("this headend has no bootflash", "operation-not-supported")
    return bootflash


def _read_source(
    device: LabDevice, bootflash: Bootflash, source: str
) -> tuple[bytes, Snapshot | None]:
    """The bytes a copy reads, and the configuration they are, if they are one."""
    kind = _kind(source)
    if kind == "config":
        snapshot = device.snapshot("running" if source in RUNNING_URLS else "startup")
        return _render(snapshot).encode(), snapshot
    if kind == "bootflash":
        name = _name(source)
        saved = device.files.get(f"bootflash:/{name}") or device.files.get(f"bootflash:{name}")
        if saved is not None and not bootflash.exists(name):
            return _render(saved).encode(), saved.copy()  # a cisco-ia checkpoint
        try:
            data = bootflash.read(name)
        except BootflashError:
            raise _ios_error(
                f"%Error opening bootflash:/{name} (No such file or directory)", source
            ) from None
        return data, saved.copy() if saved is not None else None
    if kind == "file":
        return _read_local(source), None
    if kind == "http":
        return _fetch(source), None
    if kind == "remote":
        raise _ios_error(f"%Error opening {source} (Timed out)", source)
    raise _ios_error(f"%Error opening {source} (No such device)", source)


def _read_local(url: str) -> bytes:
    parsed = urllib.parse.urlparse(url)
    if parsed.netloc not in ("", "localhost"):
        raise _ios_error(f"%Error opening {url} (No such device)", url)
    path = Path(urllib.parse.unquote(parsed.path))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _ios_error(f"%Error opening {url} (No such file or directory)", url) from None
    except IsADirectoryError:
        raise _ios_error(f"%Error opening {url} (Is a directory)", url) from None
    except OSError:
        raise _ios_error(f"%Error opening {url} (Permission denied)", url) from None


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        raise _ios_error(f"%Error opening {url} (HTTP {exc.code})", url) from None
    except (urllib.error.URLError, OSError):
        raise _ios_error(f"%Error opening {url} (Timed out)", url) from None


def _copy_to_config(
    device: LabDevice, session: SessionInfo, source: str, destination: str
) -> etree._Element:
    target: LockableStore = "running" if destination in RUNNING_URLS else "startup"
    if source == destination or (_kind(source) == "config" and _same_store(source, destination)):
        raise _ios_error(f"%Error: source and destination are both {destination}", destination)
    device.locks.check_writable(target, session.session_id)
    snapshot = _config_of(device, source)
    if target == "startup":
        roots = device._canonical(snapshot.roots, full=True)
        device._stores["startup"] = roots
        device._startup_overlay = {k: list(v) for k, v in snapshot.cli_overlay.items()}
        return _output("[OK]")
    # IOS merges a copied configuration into running.
    new = device._edit("running", container_of(snapshot.roots), "merge", full=True)
    device._set_running(new)
    for section, lines in snapshot.cli_overlay.items():
        device.cli_overlay[section] = list(lines)
    return _output("[OK]")


def _same_store(a: str, b: str) -> bool:
    return (a in RUNNING_URLS) == (b in RUNNING_URLS)


def _config_of(device: LabDevice, source: str) -> Snapshot:
    kind = _kind(source)
    if kind == "config":
        return device.snapshot("running" if source in RUNNING_URLS else "startup")
    data, snapshot = _read_source(device, _bootflash(device), source)
    if snapshot is not None:
        return snapshot
    try:
        holder = parse_xml(b"<data>" + data + b"</data>")
    except XmlRejected:
        raise _ios_error(
            f"%Error: {source} is not a configuration this lab can load (XML data nodes)",
            source,
        ) from None
    roots = [root for root in elements(holder)]
    for root in roots:
        holder.remove(root)
    return Snapshot(roots)


def _remember(device: LabDevice, name: str, snapshot: Snapshot | None) -> None:
    """Keep `device.files` (configurations by URL, for cisco-ia rollback) in step."""
    for url in (f"bootflash:/{name}", f"bootflash:{name}"):
        if snapshot is None:
            device.files.pop(url, None)
        else:
            device.files[url] = snapshot.copy()


def _render(snapshot: Snapshot) -> str:
    parts = [etree.tostring(r, pretty_print=True).decode() for r in snapshot.roots]
    for section, lines in snapshot.cli_overlay.items():
        parts.append("\n".join([section, *(f" {line}" for line in lines), "!"]))
    return "\n".join(parts)


# --- replies -----------------------------------------------------------------------------------
def _output(result: str) -> etree._Element:
    reply = etree.Element(nc("rpc-reply"), nsmap=default_nsmap(NC))
    etree.SubElement(reply, f"{{{XE_RPC}}}result", nsmap=default_nsmap(XE_RPC)).text = result
    return reply


def _ios_error(message: str, url: str) -> LabRpcError:
    return rpc_error(message, "operation-failed", path=url)


def _pattern_error(url: str, path: str) -> LabRpcError:
    return rpc_error(
        f"Unsatisfied pattern - {url!r} is not a URL this RPC accepts",
        "invalid-value",
        path=path,
        app_tag="pattern-violation",
    )
