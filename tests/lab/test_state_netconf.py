"""End to end over SSH: SFTP the bundle and profile, configure and import with plain
ncclient, connect a client, read crypto-oper / interfaces-oper / pki-oper back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncssh
import pytest
from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError

from nornir_flexvpn.lab.clients import connect_client
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.pki import make_test_pkcs12
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.lab.state_testing import (
    PASSPHRASE,
    PROFILE_XML,
    USER,
    USER_PASSWORD,
    import_rpc,
    seed_extra,
)
from nornir_flexvpn.lab.testing import SEED_SAMPLE
from nornir_flexvpn.namespaces import CRYPTO_OPER, CRYPTO_PKI_OPER, INTERFACES_OPER, NC, XE_RPC
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import validate_oper

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
RELEASE = Release.V17_12_1


def _upload(headend: Headend, files: dict[str, bytes], tmp_path: Path) -> None:
    async def run() -> None:
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
            for name, data in files.items():
                local = tmp_path / name
                local.write_bytes(data)
                await sftp.put(str(local), name)

    asyncio.run(run())


def _xml(text: str) -> etree._Element:
    return etree.fromstring(text.encode(), PARSER)


def test_pki_import_and_client_over_netconf(lab: LabFactory, tmp_path: Path) -> None:
    headend = lab(RELEASE)
    device = headend.device
    assert isinstance(device, LabDevice)
    _upload(
        headend,
        {
            "IKEv2-TP.p12": make_test_pkcs12(PASSPHRASE),
            "acvpn.xml": PROFILE_XML,
            "broken.p12": b"\x30\x03\x02\x01\x03",
        },
        tmp_path,
    )
    with manager.connect(**headend.ncclient_args()) as m:
        for config in (SEED_SAMPLE, seed_extra(RELEASE)):
            m.edit_config(target="running", config=f'<config xmlns="{NC}">{config}</config>')
        with pytest.raises(RPCError) as wrong:
            m.dispatch(_xml(import_rpc(password="Wrong-Passphrase")))
        assert "wrong passphrase" in str(wrong.value)
        assert "Wrong-Passphrase" not in str(wrong.value)
        with pytest.raises(RPCError) as corrupt:
            m.dispatch(_xml(import_rpc(url="bootflash:broken.p12")))
        assert "not a PKCS #12 bundle" in str(corrupt.value)
        reply = etree.fromstring(m.dispatch(_xml(import_rpc())).xml.encode(), PARSER)
        assert "Imported PKCS12" in (reply.findtext(f".//{{{XE_RPC}}}result") or "")

        session = connect_client(device, USER, USER_PASSWORD, "203.0.113.77")
        state = m.get(
            filter=_xml(
                f'<filter xmlns="{NC}" type="subtree">'
                f'<crypto-oper-data xmlns="{CRYPTO_OPER}"/><interfaces xmlns="{INTERFACES_OPER}"/>'
                f'<crypto-pki-oper-data xmlns="{CRYPTO_PKI_OPER}"/></filter>'
            )
        )
    data = etree.fromstring(state.xml.encode(), PARSER).find(f"{{{NC}}}data")
    assert data is not None
    assert validate_oper(RELEASE, data) == []
    text = etree.tostring(data).decode()
    assert "203.0.113.77" in text and session.assigned_ip in text
    assert "Virtual-Access1" in text and "CN=vpn.example.com" in text
