"""NETCONF-over-SSH conformance of the lab headend, seen by plain clients.

The device behind the transport is `lab.stub.StubDevice` so that these tests
pin the transport (SSH, hello, framing, envelopes, session lifecycle); the
real device model is tested by its own suites.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncssh
import paramiko
import pytest
from lxml import etree
from ncclient import manager
from ncclient.devices.default import DefaultDeviceHandler
from ncclient.operations.rpc import RPCError
from ncclient.transport.errors import AuthenticationError, SSHUnknownHostError

from nornir_flexvpn.errors import HostKeyError
from nornir_flexvpn.lab.contract import SessionInfo
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.framing import EOM, Framing, encode
from nornir_flexvpn.lab.identity import (
    BASE_10,
    BASE_11,
    CANDIDATE,
    HeadendIdentity,
    hello_capabilities,
)
from nornir_flexvpn.lab.rawclient import RawNetconfClient, client_hello
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.lab.stub import StubDevice
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.releases import Release

NS = {"nc": NC}
GET_CONFIG = "<get-config><source><running/></source></get-config>"


class ExplodingDevice(StubDevice):
    """A device with a bug: <explode/> raises something that is not an rpc-error."""

    def rpc(self, session: SessionInfo, operation: etree._Element) -> etree._Element | None:
        if etree.QName(operation).localname == "explode":
            raise RuntimeError("device bug with secret hunter2")
        return super().rpc(session, operation)


def _exploding(identity: HeadendIdentity, models_dir: Path | None) -> ExplodingDevice:
    return ExplodingDevice(identity, hello_capabilities(identity, models_dir))


@pytest.fixture
def stub_lab(lab: LabFactory) -> LabFactory:
    lab.device_factory = StubDevice.create
    return lab


@pytest.fixture
def headend(stub_lab: LabFactory) -> Headend:
    return stub_lab(Release.V17_15_1, candidate=True)


def _stub(headend: Headend) -> StubDevice:
    assert isinstance(headend.device, StubDevice)
    return headend.device


def _raw(headend: Headend, **kwargs: Any) -> Awaitable[RawNetconfClient]:
    return RawNetconfClient.connect(
        headend.host,
        headend.port,
        headend.username,
        headend.password,
        known_hosts=headend.known_hosts,
        **kwargs,
    )


class Base10Only(DefaultDeviceHandler):  # type: ignore[misc]
    """ncclient forced to a base:1.0-only hello (end-of-message framing)."""

    _BASE_CAPABILITIES = [BASE_10]


def _wait(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def nc(headend: Headend) -> Iterator[Any]:
    with manager.connect(**headend.ncclient_args()) as m:
        yield m


# --- hello -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("release", "platform", "candidate"),
    [
        (Release.V16_9_1, "csr1k", False),
        (Release.V16_9_1, "csr1k", True),
        (Release.V17_15_1, "c8000v", False),
        (Release.V17_15_1, "c8000v", True),
    ],
)
def test_hello_is_the_published_list(
    stub_lab: LabFactory, release: Release, platform: str, candidate: bool
) -> None:
    headend = stub_lab(release, candidate=candidate)
    assert headend.identity.platform == platform
    expected = hello_capabilities(headend.identity)

    async def scenario() -> list[str]:
        client = await _raw(headend)
        assert client.server_hello is not None
        caps = [(c.text or "").strip() for c in client.server_hello.iter(qn(NC, "capability"))]
        await client.close()
        return caps

    assert asyncio.run(scenario()) == expected
    with manager.connect(**headend.ncclient_args()) as m:
        assert set(m.server_capabilities) == set(expected)
        assert (CANDIDATE in m.server_capabilities) is candidate
        assert m.session_id is not None and int(m.session_id) > 0


# --- framing -----------------------------------------------------------------------
def test_ncclient_negotiates_base11_chunked(headend: Headend, nc: Any) -> None:
    reply = nc.get_config(source="running")
    assert reply.ok
    session = _stub(headend).sessions[int(nc.session_id)]
    assert session.base11 is True
    assert session.username == headend.username


def test_ncclient_base10_only_uses_end_of_message(headend: Headend) -> None:
    args = headend.ncclient_args() | {"device_params": {"handler": Base10Only}}
    with manager.connect(**args) as m:
        assert BASE_11 not in m.client_capabilities
        assert m.get_config(source="running").ok
        assert _stub(headend).sessions[int(m.session_id)].base11 is False


def test_server_without_base11_keeps_end_of_message(stub_lab: LabFactory) -> None:
    headend = stub_lab(Release.V17_15_1)
    _stub(headend).caps.remove(BASE_11)

    async def scenario() -> bytes:
        client = await _raw(headend)
        assert client.framing is Framing.EOM
        client.send_raw(f'<rpc xmlns="{NC}" message-id="1">{GET_CONFIG}</rpc>'.encode() + EOM)
        reply = await client.recv()
        await client.close()
        return reply

    assert b"<data>" in asyncio.run(scenario())


@pytest.mark.parametrize("garbage", [b"\n#abc\n", b"\n#0\n", b"<rpc/>]]>]]>", b"\n#4\nabcd\n#x"])
def test_malformed_chunk_framing_closes_the_session(headend: Headend, garbage: bytes) -> None:
    async def scenario() -> tuple[bool, int]:
        client = await _raw(headend)
        assert client.framing is Framing.CHUNKED
        client.send_raw(garbage)
        closed = await client.wait_closed()
        return closed, client.session_id

    closed, session_id = asyncio.run(scenario())
    assert closed
    assert _wait(lambda: session_id in _stub(headend).closed)


def test_rpc_split_across_many_writes_is_reassembled(headend: Headend) -> None:
    async def scenario() -> etree._Element:
        client = await _raw(headend)
        wire = encode(
            f'<rpc xmlns="{NC}" message-id="77">{GET_CONFIG}</rpc>'.encode(),
            Framing.CHUNKED,
            chunk_size=5,
        )
        for i in range(0, len(wire), 3):
            client.send_raw(wire[i : i + 3])
            await asyncio.sleep(0)
        reply = await client.recv()
        await client.close()
        return etree.fromstring(reply)

    reply = asyncio.run(scenario())
    assert reply.get("message-id") == "77"
    assert reply.find(qn(NC, "data")) is not None


def test_pipelined_rpcs_are_answered_in_order(headend: Headend) -> None:
    async def scenario() -> list[str | None]:
        client = await _raw(headend)
        for mid in ("a", "b", "c"):
            client.send(f'<rpc xmlns="{NC}" message-id="{mid}">{GET_CONFIG}</rpc>'.encode())
        ids = [etree.fromstring(await client.recv()).get("message-id") for _ in range(3)]
        await client.close()
        return ids

    assert asyncio.run(scenario()) == ["a", "b", "c"]


# --- hello errors ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "hello",
    [
        client_hello(["urn:example:no-base"]),
        client_hello([BASE_10]).replace(b"</hello>", b"<session-id>3</session-id></hello>"),
        b"<hello",
        f'<rpc xmlns="{NC}" message-id="1"><get/></rpc>'.encode(),
    ],
)
def test_unacceptable_client_hello_closes_the_session(headend: Headend, hello: bytes) -> None:
    async def scenario() -> bool:
        client = await _raw(headend, send_hello=False)
        client.send_raw(hello + EOM)
        return await client.wait_closed()

    assert asyncio.run(scenario())


# --- envelopes -----------------------------------------------------------------------
def test_missing_message_id_is_an_rpc_error_and_the_session_survives(headend: Headend) -> None:
    async def scenario() -> tuple[etree._Element, etree._Element]:
        client = await _raw(headend)
        client.send(f'<rpc xmlns="{NC}">{GET_CONFIG}</rpc>'.encode())
        error = etree.fromstring(await client.recv())
        after = await client.rpc(GET_CONFIG)
        await client.close()
        return error, after

    error, after = asyncio.run(scenario())
    assert error.get("message-id") is None
    assert error.findtext("nc:rpc-error/nc:error-tag", namespaces=NS) == "missing-attribute"
    assert error.findtext("nc:rpc-error/nc:error-type", namespaces=NS) == "rpc"
    assert (
        error.findtext("nc:rpc-error/nc:error-info/nc:bad-attribute", namespaces=NS) == "message-id"
    )
    assert after.find(qn(NC, "data")) is not None


def test_device_rpc_error_reaches_ncclient_with_its_fields(headend: Headend) -> None:
    with (
        manager.connect(**headend.ncclient_args()) as first,
        manager.connect(**headend.ncclient_args()) as second,
    ):
        first.lock("running")
        with pytest.raises(RPCError) as caught:
            second.lock("running")
        assert caught.value.tag == "lock-denied"
        assert caught.value.type == "protocol"
        assert caught.value.severity == "error"
        assert f"<session-id>{first.session_id}</session-id>" in caught.value.info


def test_device_bug_is_operation_failed_and_not_a_crash(stub_lab: LabFactory) -> None:
    headend = stub_lab(Release.V17_15_1, device_factory=_exploding)

    async def scenario() -> tuple[etree._Element, etree._Element]:
        client = await _raw(headend)
        bug = await client.rpc("<explode/>")
        after = await client.rpc(GET_CONFIG)
        await client.close()
        return bug, after

    bug, after = asyncio.run(scenario())
    assert bug.findtext("nc:rpc-error/nc:error-tag", namespaces=NS) == "operation-failed"
    message = bug.findtext("nc:rpc-error/nc:error-message", namespaces=NS) or ""
    assert "RuntimeError" in message and "hunter2" not in message
    assert after.find(qn(NC, "data")) is not None


# --- session lifecycle --------------------------------------------------------------
def test_two_sessions_get_distinct_session_ids(headend: Headend) -> None:
    with (
        manager.connect(**headend.ncclient_args()) as a,
        manager.connect(**headend.ncclient_args()) as b,
    ):
        assert a.session_id != b.session_id
        assert {int(a.session_id), int(b.session_id)} <= set(_stub(headend).sessions)


def test_close_session_replies_ok_then_closes(headend: Headend) -> None:
    async def scenario() -> tuple[etree._Element, bool, int]:
        client = await _raw(headend)
        reply = await client.rpc("<close-session/>")
        return reply, await client.wait_closed(), client.session_id

    reply, closed, session_id = asyncio.run(scenario())
    assert reply.find(qn(NC, "ok")) is not None
    assert closed
    assert _wait(lambda: session_id in _stub(headend).closed)


def test_ncclient_close_session(headend: Headend) -> None:
    m = manager.connect(**headend.ncclient_args())
    session_id = int(m.session_id)
    m.close_session()
    assert _wait(lambda: session_id in _stub(headend).closed)
    assert not _stub(headend).sessions


def test_kill_session_drops_the_victim_and_releases_its_lock(headend: Headend) -> None:
    victim = manager.connect(**headend.ncclient_args())
    victim.lock("running")
    victim_id = int(victim.session_id)
    with manager.connect(**headend.ncclient_args()) as killer:
        reply = killer.dispatch(
            etree.fromstring(
                f'<kill-session xmlns="{NC}"><session-id>{victim_id}</session-id></kill-session>'
            )
        )
        assert reply.ok
        assert _wait(lambda: not victim.connected)
        assert victim_id in _stub(headend).closed
        assert killer.lock("running").ok
        with pytest.raises(RPCError) as caught:
            killer.dispatch(
                etree.fromstring(
                    f'<kill-session xmlns="{NC}"><session-id>9999</session-id></kill-session>'
                )
            )
        assert caught.value.tag == "invalid-value"


def test_disconnect_without_close_session_releases_the_session(headend: Headend) -> None:
    async def scenario() -> int:
        client = await _raw(headend)
        await client.rpc("<lock><target><running/></target></lock>")
        await client.close()
        return client.session_id

    session_id = asyncio.run(scenario())
    assert _wait(lambda: session_id in _stub(headend).closed)
    assert "running" not in _stub(headend).locks


# --- authentication and host keys -------------------------------------------------------
def test_wrong_password_is_rejected(headend: Headend) -> None:
    args = headend.ncclient_args() | {"password": "not-the-password"}
    with pytest.raises(AuthenticationError):
        manager.connect(**args)
    assert not _stub(headend).sessions


def test_unknown_host_key_is_rejected(headend: Headend, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    config = tmp_path / "ssh_config"
    config.write_text(f"Host 127.0.0.1\n    UserKnownHostsFile {empty}\n")
    with pytest.raises(SSHUnknownHostError):
        manager.connect(**(headend.ncclient_args() | {"ssh_config": str(config)}))


def test_changed_host_key_is_rejected(headend: Headend, tmp_path: Path) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode()
    forged = tmp_path / "known_hosts"
    forged.write_text(f"[127.0.0.1]:{headend.port} {' '.join(other.split()[:2])}\n")
    config = tmp_path / "ssh_config"
    config.write_text(f"Host 127.0.0.1\n    UserKnownHostsFile {forged}\n")
    with pytest.raises(SSHUnknownHostError):
        manager.connect(**(headend.ncclient_args() | {"ssh_config": str(config)}))

    async def scenario() -> None:
        await RawNetconfClient.connect(
            headend.host, headend.port, headend.username, headend.password, known_hosts=forged
        )

    with pytest.raises(HostKeyError):
        asyncio.run(scenario())


def test_public_key_authentication(stub_lab: LabFactory, tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = tmp_path / "id_ed25519"
    key_file.write_bytes(key.export_private_key("openssh"))
    key_file.chmod(0o600)
    public = key.export_public_key("openssh").decode()
    headend = stub_lab(Release.V17_15_1, authorized_keys=[public])
    args = headend.ncclient_args() | {"password": None, "key_filename": str(key_file)}
    with manager.connect(**args) as m:
        assert m.get_config(source="running").ok

    stranger = tmp_path / "id_other"
    stranger.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key("openssh"))
    with pytest.raises(AuthenticationError):
        manager.connect(**(args | {"key_filename": str(stranger)}))
    assert paramiko.Ed25519Key.from_private_key_file(str(key_file)).get_name() == "ssh-ed25519"


def test_only_the_netconf_subsystem_is_served(headend: Headend) -> None:
    async def scenario() -> None:
        async with asyncssh.connect(
            headend.host,
            headend.port,
            username=headend.username,
            password=headend.password,
            known_hosts=str(headend.known_hosts),
            client_keys=None,
        ) as conn:
            await conn.open_session(subsystem="sftp")

    with pytest.raises(asyncssh.ChannelOpenError):
        asyncio.run(scenario())


def test_no_secret_reaches_the_logs(stub_lab: LabFactory, caplog: pytest.LogCaptureFixture) -> None:
    headend = stub_lab(Release.V17_15_1, device_factory=_exploding)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError):
        manager.connect(**(headend.ncclient_args() | {"password": "wrong-pw-zebra"}))

    async def scenario() -> etree._Element:
        client = await _raw(headend)
        reply = await client.rpc("<explode/>")
        await client.close()
        return reply

    reply = asyncio.run(scenario())
    assert reply.findtext("nc:rpc-error/nc:error-tag", namespaces=NS) == "operation-failed"
    assert "RuntimeError" in caplog.text  # the bug is logged ...
    for secret in ("hunter2", "wrong-pw-zebra", headend.password):
        assert secret not in caplog.text  # ... without the secrets
