"""Bootflash over SFTP/SCP and the Cisco-IOS-XE-rpc copy/delete RPCs, from real clients."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncssh
import paramiko
import pytest
from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError

from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.namespaces import CISCO_IA, NATIVE, NC, XE_RPC
from nornir_flexvpn.releases import Release

T = TypeVar("T")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _device(headend: Headend) -> LabDevice:
    assert isinstance(headend.device, LabDevice)
    return headend.device


def _sftp(headend: Headend, body: Callable[[asyncssh.SFTPClient], Awaitable[T]]) -> T:
    async def run() -> T:
        async with (
            asyncssh.connect(
                headend.host,
                headend.port,
                username=headend.username,
                password=headend.password,
                known_hosts=str(headend.known_hosts),
                agent_path=None,
                client_keys=None,
                config=None,
            ) as conn,
            conn.start_sftp_client() as sftp,
        ):
            return await body(sftp)

    return asyncio.run(run())


def _copy_rpc(source: str, destination: str, release: Release = Release.V17_15_1) -> etree._Element:
    src, dst = (
        ("_source", "_destination")
        if release is Release.V16_9_1
        else ("source-drop-node-name", "destination-drop-node-name")
    )
    return etree.fromstring(
        f'<copy xmlns="{XE_RPC}"><{src}>{source}</{src}><{dst}>{destination}</{dst}></copy>',
        PARSER,
    )


def _delete_rpc(url: str) -> etree._Element:
    return etree.fromstring(
        f'<delete xmlns="{XE_RPC}"><filename-drop-node-name>{url}</filename-drop-node-name></delete>',
        PARSER,
    )


def _result(reply: object) -> str:
    root = etree.fromstring(str(reply).encode(), PARSER)
    return root.findtext(f"{{{XE_RPC}}}result") or ""


# --- SFTP / SCP ---------------------------------------------------------------------------------
def test_sftp_upload_list_download_delete(lab: LabFactory, tmp_path: Path) -> None:
    headend = lab()
    local = tmp_path / "acvpn.xml"
    local.write_bytes(b"<AnyConnectProfile/>" * 100)

    async def session(sftp: asyncssh.SFTPClient) -> tuple[list[str], int, bytes, int, bool]:
        await sftp.put(str(local), "acvpn.xml")
        await sftp.put(str(local), "/profiles/second.xml")
        names = sorted(await sftp.listdir("/"))
        size = (await sftp.stat("/acvpn.xml")).size or 0
        back = tmp_path / "back.xml"
        await sftp.get("acvpn.xml", str(back))
        vfs = await sftp.statvfs("/")
        await sftp.remove("acvpn.xml")
        return names, size, back.read_bytes(), vfs.bfree, await sftp.exists("acvpn.xml")

    names, size, data, free, still_there = _sftp(headend, session)
    assert names == [".", "..", "acvpn.xml", "profiles"]
    assert size == 2000
    assert data == local.read_bytes()
    flash = _device(headend).bootflash
    assert free == flash.capacity - 4000  # both files counted when statvfs ran
    assert not still_there
    assert [f.name for f in flash.listing()] == ["profiles/second.xml"]


def test_sftp_missing_file_has_the_ios_message(lab: LabFactory) -> None:
    headend = lab()

    async def session(sftp: asyncssh.SFTPClient) -> None:
        await sftp.stat("/nothere.bin")

    with pytest.raises(asyncssh.SFTPNoSuchFile) as caught:
        _sftp(headend, session)
    assert "%Error opening bootflash:/nothere.bin (No such file or directory)" in str(
        caught.value.reason
    )


def test_sftp_upload_to_a_full_bootflash_fails_and_keeps_old_content(
    lab: LabFactory, tmp_path: Path
) -> None:
    headend = lab()
    flash = _device(headend).bootflash
    flash.capacity = 1000
    flash.write("keep.txt", b"k" * 600)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 500)

    async def session(sftp: asyncssh.SFTPClient) -> None:
        await sftp.put(str(big), "big.bin")

    with pytest.raises(asyncssh.SFTPError) as caught:
        _sftp(headend, session)
    assert "No space left on device" in str(caught.value.reason)
    assert [(f.name, f.size) for f in flash.listing()] == [("keep.txt", 600)]


def test_paramiko_sftp_client(lab: LabFactory) -> None:
    headend = lab()
    client = paramiko.SSHClient()
    client.load_host_keys(str(headend.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        headend.host,
        headend.port,
        username=headend.username,
        password=headend.password,
        look_for_keys=False,
        allow_agent=False,
    )
    try:
        sftp = client.open_sftp()
        with sftp.open("pk.p12", "wb") as handle:
            handle.write(b"\x30\x82" + b"\x01" * 98)
        listing = {a.filename: a.st_size for a in sftp.listdir_attr(".")}
        with sftp.open("pk.p12", "rb") as handle:
            head = handle.read(2)
        sftp.close()
    finally:
        client.close()
    assert listing == {"pk.p12": 100}
    assert head == b"\x30\x82"
    assert _device(headend).bootflash.read("bootflash:pk.p12")[:2] == b"\x30\x82"


def test_scp_upload_and_download(lab: LabFactory, tmp_path: Path) -> None:
    headend = lab()
    local = tmp_path / "bundle.p12"
    local.write_bytes(bytes(range(256)) * 4)
    fetched = tmp_path / "fetched.p12"

    async def run() -> None:
        async with asyncssh.connect(
            headend.host,
            headend.port,
            username=headend.username,
            password=headend.password,
            known_hosts=str(headend.known_hosts),
            agent_path=None,
            client_keys=None,
            config=None,
        ) as conn:
            await asyncssh.scp(str(local), (conn, "bundle.p12"))
            await asyncssh.scp((conn, "bundle.p12"), str(fetched))

    asyncio.run(run())
    assert _device(headend).bootflash.read("bootflash:/bundle.p12") == local.read_bytes()
    assert fetched.read_bytes() == local.read_bytes()


def test_sftp_needs_the_lab_credentials(lab: LabFactory) -> None:
    headend = lab()

    async def run() -> None:
        await asyncssh.connect(
            headend.host,
            headend.port,
            username=headend.username,
            password="wrong",
            known_hosts=str(headend.known_hosts),
            agent_path=None,
            client_keys=None,
            config=None,
        )

    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(run())


# --- copy / delete RPCs ------------------------------------------------------------------------
def test_copy_between_bootflash_files_and_delete(lab: LabFactory) -> None:
    headend = lab()
    flash = _device(headend).bootflash
    flash.write("a.xml", b"<profile/>")
    with manager.connect(**headend.ncclient_args()) as m:
        reply = m.dispatch(_copy_rpc("bootflash:a.xml", "bootflash:/b.xml"))
        assert _result(reply) == "10 bytes copied to bootflash:/b.xml"
        m.dispatch(_delete_rpc("bootflash:a.xml"))
        with pytest.raises(RPCError) as caught:
            m.dispatch(_delete_rpc("bootflash:a.xml"))
    assert caught.value.message == ("%Error deleting bootflash:/a.xml (No such file or directory)")
    assert [f.name for f in flash.listing()] == ["b.xml"]


def test_copy_of_a_missing_file_is_an_ios_error(lab: LabFactory) -> None:
    headend = lab()
    with manager.connect(**headend.ncclient_args()) as m, pytest.raises(RPCError) as caught:
        m.dispatch(_copy_rpc("bootflash:/x", "bootflash:/y"))
    assert caught.value.tag == "operation-failed"
    assert caught.value.message == "%Error opening bootflash:/x (No such file or directory)"


def test_copy_from_a_local_file_url_and_to_a_full_bootflash(
    lab: LabFactory, tmp_path: Path
) -> None:
    headend = lab()
    flash = _device(headend).bootflash
    source = tmp_path / "vpn.p12"
    source.write_bytes(b"p" * 300)
    with manager.connect(**headend.ncclient_args()) as m:
        m.dispatch(_copy_rpc(source.as_uri(), "bootflash:vpn.p12"))
        assert flash.read("vpn.p12") == source.read_bytes()
        flash.capacity = 400
        with pytest.raises(RPCError) as full:
            m.dispatch(_copy_rpc(source.as_uri(), "bootflash:vpn2.p12"))
        with pytest.raises(RPCError) as missing:
            m.dispatch(_copy_rpc((tmp_path / "none").as_uri(), "bootflash:n"))
        with pytest.raises(RPCError) as remote:
            m.dispatch(_copy_rpc("tftp://192.0.2.1/x", "bootflash:x"))
        with pytest.raises(RPCError) as pattern:
            m.dispatch(_copy_rpc("gopher://x", "bootflash:x"))
    assert full.value.message == "%Error copying bootflash:vpn2.p12 (No space left on device)"
    assert "(No such file or directory)" in missing.value.message
    assert remote.value.message == "%Error opening tftp://192.0.2.1/x (Timed out)"
    assert pattern.value.tag == "invalid-value"
    assert [f.name for f in flash.listing()] == ["vpn.p12"]


def test_running_config_saved_to_bootflash_restores_startup(lab: LabFactory) -> None:
    headend = lab()
    device = _device(headend)
    hostname = f'<config xmlns="{NC}"><native xmlns="{NATIVE}"><hostname>changed</hostname></native></config>'
    with manager.connect(**headend.ncclient_args()) as m:
        m.dispatch(_copy_rpc("running-config", "bootflash:/before.cfg"))
        m.edit_config(target="running", config=hostname)
        m.dispatch(_copy_rpc("running-config", "startup-config"))
        assert b"<hostname>changed</hostname>" in device.datastore_xml("startup")
        m.dispatch(_copy_rpc("bootflash:/before.cfg", "startup-config"))
        running = m.get_config(source="running").data_xml
    startup = device.datastore_xml("startup")
    assert b"<hostname>changed</hostname>" not in startup
    assert b"<hostname>" in startup
    assert "changed" in running
    assert b"<native" in device.bootflash.read("before.cfg")


def test_copy_file_into_running_merges(lab: LabFactory, tmp_path: Path) -> None:
    headend = lab()
    device = _device(headend)
    config = tmp_path / "banner.xml"
    config.write_text(
        f'<native xmlns="{NATIVE}"><hostname>from-file</hostname></native>', encoding="utf-8"
    )
    with manager.connect(**headend.ncclient_args()) as m:
        m.dispatch(_copy_rpc(config.as_uri(), "bootflash:/hn.xml"))
        m.dispatch(_copy_rpc("bootflash:/hn.xml", "running-config"))
        data = m.get_config(source="running").data_xml
    assert "<hostname>from-file</hostname>" in data
    assert "<username>" in data  # merged, not replaced
    assert device.datastore_xml("startup") != device.datastore_xml("running")


def test_copy_on_16_9_1_uses_its_leaf_names(lab: LabFactory) -> None:
    headend = lab(Release.V16_9_1)
    _device(headend).bootflash.write("a", b"abc")
    with manager.connect(**headend.ncclient_args()) as m:
        reply = m.dispatch(_copy_rpc("bootflash:a", "bootflash:b", Release.V16_9_1))
        with pytest.raises(RPCError) as caught:
            m.dispatch(_copy_rpc("bootflash:a", "bootflash:c"))
    assert _result(reply) == "3 bytes copied to bootflash:/b"
    assert caught.value.tag == "unknown-element"


def test_a_cisco_ia_checkpoint_can_be_copied_and_deleted(lab: LabFactory) -> None:
    headend = lab()
    device = _device(headend)
    with manager.connect(**headend.ncclient_args()) as m:
        m.dispatch(etree.fromstring(f'<checkpoint xmlns="{CISCO_IA}"/>', PARSER))
        checkpoint = next(iter(device.files))
        m.dispatch(_copy_rpc(checkpoint, "bootflash:/saved.cfg"))
        m.dispatch(_delete_rpc(checkpoint))
        with pytest.raises(RPCError):
            m.dispatch(_copy_rpc(checkpoint, "bootflash:/again.cfg"))
    assert checkpoint not in device.files
    assert b"<native" in device.bootflash.read("saved.cfg")
