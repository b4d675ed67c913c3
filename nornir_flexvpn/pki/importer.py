"""Step 2 of the document: `crypto pki import <tp> pkcs12 <url> password <pw>`.

The flow, each step able to stop the deploy before any configuration:
1. read and check the bundle locally (passphrase, structure, not
   self-signed, valid now: `pki.bundle`);
2. ask crypto-pki-oper whether the trustpoint already holds that
   certificate (same MD5 fingerprint): then nothing is transferred or run.
   17.3.1 lists no certificates: there the bundle file on bootflash being
   identical and the trustpoint enrolled counts as installed;
3. deliver the bundle to `pkcs12_url` (verified, skipped when identical);
4. run the import through the `Cisco-IOS-XE-rpc` `crypto` RPC
   (`Cisco-IOS-XE-crypto-rpc`, 17.x; 16.9.1 has no such RPC: refused);
5. confirm through crypto-pki-oper that the trustpoint now holds that
   certificate and that it is not self-signed.
The passphrase is only ever inside the RPC element; device messages are
scrubbed of it before they become errors.

Where the release has no RPC (16.9.1) and the user opts in (`pki_via_cli`),
steps 2, 4 and 5 go through a `PkiCli` instead (`pki.cli_import`: the exec
command over the NAPALM CLI channel, `show crypto pki certificates` for the
oper data the release lacks); the bundle is delivered the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from lxml import etree

from nornir_flexvpn.errors import FlexVpnError, PkiError, RefusedError, RpcError
from nornir_flexvpn.files.bootflash import bootflash_name
from nornir_flexvpn.files.deliver import Delivery, deliver_file, read_remote, sftp_session, sha256
from nornir_flexvpn.intent.models import FileDelivery, Trustpoint
from nornir_flexvpn.intent.secrets import REDACTED
from nornir_flexvpn.namespaces import XE_RPC, qn
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.pki.bundle import BundleInfo, inspect_bundle, read_bundle
from nornir_flexvpn.pki.oper import OperTrustpoint, read_trustpoint
from nornir_flexvpn.releases import Release

log = logging.getLogger(__name__)

FIRST_IMPORT_RELEASE = Release.V17_3_1
Action = Literal["imported", "unchanged"]


class PkiCli(Protocol):
    """The import and the trustpoint read-back where NETCONF has neither (`pki.cli_import`)."""

    def read_trustpoint(self, label: str) -> OperTrustpoint | None: ...

    def run_import(self, trustpoint: str, url: str, passphrase: str) -> None: ...


def needs_cli(release: Release) -> bool:
    """The release's NETCONF has no crypto pki import RPC."""
    return release < FIRST_IMPORT_RELEASE


@dataclass(frozen=True)
class PkiOutcome:
    trustpoint: str
    action: Action
    certificate: BundleInfo
    delivery: Delivery | None = None

    @property
    def changed(self) -> bool:
        return self.action == "imported"

    def __str__(self) -> str:
        what = "imported" if self.changed else "already installed"
        return f"trustpoint {self.trustpoint}: {what} ({self.certificate})"


def import_rpc(trustpoint: str, url: str, passphrase: str) -> etree._Element:
    """`<crypto><pki><import>` of Cisco-IOS-XE-rpc (the crypto-rpc submodule)."""
    rpc = etree.Element(qn(XE_RPC, "crypto"), nsmap=cast(Any, {None: XE_RPC}))
    command = etree.SubElement(etree.SubElement(rpc, qn(XE_RPC, "pki")), qn(XE_RPC, "import"))
    etree.SubElement(command, qn(XE_RPC, "name-drop-node-name")).text = trustpoint
    etree.SubElement(command, qn(XE_RPC, "pkcs12")).text = url
    etree.SubElement(command, qn(XE_RPC, "password")).text = passphrase
    return rpc


def source_path(trustpoint: Trustpoint, base_dir: Path) -> Path | None:
    if trustpoint.pkcs12_source is None:
        return None
    path = Path(trustpoint.pkcs12_source).expanduser()
    return path if path.is_absolute() else base_dir / path


@dataclass(frozen=True)
class LocalBundle:
    """A bundle read and checked locally (`data` is the encrypted file as is)."""

    path: Path
    data: bytes = field(repr=False)
    info: BundleInfo


def load_local_bundle(
    host: str,
    trustpoint: Trustpoint,
    passphrase: str,
    release: Release,
    *,
    base_dir: Path,
    via_cli: bool = False,
) -> LocalBundle | None:
    """Steps 1 (and the 16.9.1 refusal unless `via_cli`): nothing touches the device.
    None when the intent names no bundle (`pkcs12_source`): it is managed outside this tool."""
    path = source_path(trustpoint, base_dir)
    if path is None:
        return None
    if needs_cli(release) and not via_cli:
        raise RefusedError(
            f"{host}: IOS-XE {release.value} has no crypto pki import RPC "
            "(Cisco-IOS-XE-crypto-rpc arrives in 17.x); enable the CLI path "
            "(--pki-via-cli, task option pki_via_cli=True), run 'crypto pki import "
            f"{trustpoint.name} pkcs12 {trustpoint.pkcs12_url} password ...' by hand, "
            "or remove trustpoint.pkcs12_source",
            path=f"trustpoint[{trustpoint.name}].pkcs12_source",
        )
    data = read_bundle(path, trustpoint=trustpoint.name)
    info = inspect_bundle(data, passphrase, trustpoint=trustpoint.name, source=str(path))
    return LocalBundle(path, data, info)


def install_bundle(
    conn: NetconfConnection,
    trustpoint: Trustpoint,
    passphrase: str,
    bundle: LocalBundle,
    release: Release,
    *,
    delivery: FileDelivery | None = None,
    cli: PkiCli | None = None,
) -> PkiOutcome:
    """Steps 2-5: skip if installed, deliver, import, confirm (through `cli` when given)."""
    if cli is not None:
        return _install_over_cli(conn, trustpoint, passphrase, bundle, release, delivery, cli)
    info = bundle.info
    before = read_trustpoint(conn, trustpoint.name)
    if _installed(conn, before, info, trustpoint.pkcs12_url, bundle.data):
        log.info("%s: trustpoint %s already holds %s", conn.host, trustpoint.name, info)
        return PkiOutcome(trustpoint.name, "unchanged", info)
    copied = deliver_file(
        conn,
        trustpoint.pkcs12_url,
        bundle.data,
        release=release,
        method=delivery.method if delivery else "sftp",
        copy_from=delivery.copy_from if delivery else None,
    )
    _run_import(conn, trustpoint, passphrase)
    _confirm(conn, trustpoint.name, info, release)
    log.info("%s: trustpoint %s imported (%s)", conn.host, trustpoint.name, info)
    return PkiOutcome(trustpoint.name, "imported", info, copied)


def _install_over_cli(
    conn: NetconfConnection,
    trustpoint: Trustpoint,
    passphrase: str,
    bundle: LocalBundle,
    release: Release,
    delivery: FileDelivery | None,
    cli: PkiCli,
) -> PkiOutcome:
    info = bundle.info
    before = cli.read_trustpoint(trustpoint.name)
    if before is not None and before.enrolled and before.holds(info.md5) is not None:
        log.info("%s: trustpoint %s already holds %s", conn.host, trustpoint.name, info)
        return PkiOutcome(trustpoint.name, "unchanged", info)
    copied = deliver_file(
        conn,
        trustpoint.pkcs12_url,
        bundle.data,
        release=release,
        method=delivery.method if delivery else "sftp",
        copy_from=delivery.copy_from if delivery else None,
    )
    cli.run_import(trustpoint.name, trustpoint.pkcs12_url, passphrase)
    _check_installed(
        cli.read_trustpoint(trustpoint.name),
        trustpoint.name,
        info,
        release,
        source="show crypto pki certificates",
    )
    log.info("%s: trustpoint %s imported over the CLI (%s)", conn.host, trustpoint.name, info)
    return PkiOutcome(trustpoint.name, "imported", info, copied)


def import_trustpoint(
    conn: NetconfConnection,
    trustpoint: Trustpoint,
    passphrase: str,
    release: Release,
    *,
    base_dir: Path,
    delivery: FileDelivery | None = None,
) -> PkiOutcome | None:
    """The whole flow for one trustpoint; None when the intent names no bundle."""
    bundle = load_local_bundle(conn.host, trustpoint, passphrase, release, base_dir=base_dir)
    if bundle is None:
        return None
    return install_bundle(conn, trustpoint, passphrase, bundle, release, delivery=delivery)


def _installed(
    conn: NetconfConnection,
    current: OperTrustpoint | None,
    info: BundleInfo,
    url: str,
    data: bytes,
) -> bool:
    if current is None or not current.enrolled:
        return False
    if current.certificates:
        return current.holds(info.md5) is not None
    # No certificate list (17.3.1): the same bundle on bootflash stands in for it.
    with sftp_session(conn) as sftp:
        there = read_remote(sftp, bootflash_name(url))
    return there is not None and sha256(there) == sha256(data)


def _scrub(text: str, passphrase: str) -> str:
    return text.replace(passphrase, REDACTED) if passphrase else text


def _run_import(conn: NetconfConnection, trustpoint: Trustpoint, passphrase: str) -> None:
    try:
        conn.dispatch(import_rpc(trustpoint.name, trustpoint.pkcs12_url, passphrase))
    except RpcError as exc:
        raise PkiError(
            f"crypto pki import {trustpoint.name} pkcs12 {trustpoint.pkcs12_url} failed: "
            f"{_scrub(exc.message, passphrase)}",
            path=f"trustpoint[{trustpoint.name}]",
        ) from None
    except FlexVpnError as exc:
        raise PkiError(
            f"crypto pki import {trustpoint.name} failed: {_scrub(str(exc), passphrase)}",
            path=f"trustpoint[{trustpoint.name}]",
        ) from None


def _confirm(conn: NetconfConnection, name: str, info: BundleInfo, release: Release) -> None:
    _check_installed(read_trustpoint(conn, name), name, info, release, source="crypto-pki-oper")


def _check_installed(
    after: OperTrustpoint | None, name: str, info: BundleInfo, release: Release, *, source: str
) -> None:
    where = f"trustpoint[{name}]"
    if after is None or not after.enrolled:
        raise PkiError(
            f"the import reported success but {source} shows no enrolled trustpoint {name}",
            path=where,
        )
    if not after.certificates:
        log.info("%s (%s): pki-oper lists no certificates; enrolled flag only", name, release)
        return
    cert = after.holds(info.md5)
    if cert is None:
        raise PkiError(
            f"after the import trustpoint {name} does not hold the bundle's certificate "
            f"(MD5 {info.md5})",
            path=where,
        )
    if cert.self_signed:
        raise PkiError(
            f"trustpoint {name} holds a self-signed certificate ({cert.subject}); "
            "AnyConnect-EAP needs a CA-issued one",
            path=where,
        )
