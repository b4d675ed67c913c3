"""LabServer hosting: ports, persistent host keys, known_hosts, threads."""

from __future__ import annotations

import asyncio
import socket
import stat
import time
from pathlib import Path

import pytest
from ncclient import manager

from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.rawclient import RawNetconfClient
from nornir_flexvpn.lab.server import LabServer
from nornir_flexvpn.lab.stub import StubDevice
from nornir_flexvpn.lab.transport import TransportOptions
from nornir_flexvpn.releases import Release


def _ident(name: str, release: Release = Release.V17_15_1) -> HeadendIdentity:
    return HeadendIdentity(name, release)


def _free_port_block(n: int) -> int:
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + n >= 65535:
            continue
        free = True
        for port in range(base, base + n):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    free = False
                    break
        if free:
            return base
    raise RuntimeError("no free port block")


def _known_hosts_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line]


def test_host_key_and_password_survive_a_restart(tmp_path: Path) -> None:
    first = LabServer(tmp_path, device_factory=StubDevice.create)
    with first.run_in_thread() as lab:
        a = lab.add_headend(_ident("edge1"))
        key, port = a.host_key, a.port
        assert _known_hosts_lines(lab.known_hosts) == [f"[127.0.0.1]:{port} {key}"]
    assert _known_hosts_lines(first.known_hosts) == []  # stopped headends are unlisted
    mode = stat.S_IMODE((tmp_path / "lab-password").stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE((tmp_path / "hostkeys/edge1/ssh_host_ed25519_key").stat().st_mode) == 0o600

    second = LabServer(tmp_path, device_factory=StubDevice.create)
    with second.run_in_thread() as lab:
        again = lab.add_headend(_ident("edge1"), port=port)
        other = lab.add_headend(_ident("edge2"))
        assert again.host_key == key
        assert again.password == a.password
        assert other.host_key != key
        with manager.connect(**again.ncclient_args()) as m:
            assert m.connected
        lab.remove_headend("edge2")
        assert _known_hosts_lines(lab.known_hosts) == [f"[127.0.0.1]:{port} {key}"]


def test_passwords_never_show_in_reprs(tmp_path: Path) -> None:
    server = LabServer(tmp_path, password="s3cret-lab-pw", device_factory=StubDevice.create)
    with server.run_in_thread() as lab:
        headend = lab.add_headend(_ident("edge1"))
        text = repr(headend) + repr(server) + repr(headend.endpoint.credentials)
        assert "s3cret-lab-pw" not in text
        assert headend.password == "s3cret-lab-pw"


def test_many_headends_on_consecutive_ports(tmp_path: Path) -> None:
    base = _free_port_block(5)
    server = LabServer(tmp_path, device_factory=StubDevice.create)
    with server.run_in_thread() as lab:
        started = lab.start([_ident(f"h{i}") for i in range(5)], base_port=base)
        assert [h.port for h in started] == list(range(base, base + 5))
        assert len(_known_hosts_lines(lab.known_hosts)) == 5
        with manager.connect(**started[4].ncclient_args()) as m:
            assert m.get_config(source="running").ok
    with socket.socket() as s:  # stopped: the port is free again
        s.bind(("127.0.0.1", base))


def test_busy_port_and_duplicate_name_are_lab_errors(tmp_path: Path) -> None:
    server = LabServer(tmp_path, device_factory=StubDevice.create)
    with server.run_in_thread() as lab:
        first = lab.add_headend(_ident("edge1"))
        with pytest.raises(LabError, match="already running"):
            lab.add_headend(_ident("edge1"))
        with pytest.raises(LabError, match="cannot listen"):
            lab.add_headend(_ident("edge2"), port=first.port)
        assert sorted(lab.headends) == ["edge1"]


def test_async_api_without_a_thread(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, int]:
        server = LabServer(tmp_path, device_factory=StubDevice.create, key_algorithm="ssh-rsa")
        headend = await server.add_headend(_ident("edge1", Release.V16_9_1))
        assert headend.host_key.startswith("ssh-rsa ")
        port = headend.port
        await server.stop()
        return port, len(server.headends)

    port, remaining = asyncio.run(scenario())
    assert port > 0 and remaining == 0


def test_stopping_a_headend_ends_its_sessions(tmp_path: Path) -> None:
    server = LabServer(tmp_path, device_factory=StubDevice.create)
    with server.run_in_thread() as lab:
        headend = lab.add_headend(_ident("edge1"))
        m = manager.connect(**headend.ncclient_args())
        session_id = int(m.session_id)
        lab.remove_headend("edge1")
        device = headend.device
        assert isinstance(device, StubDevice)
        deadline = time.monotonic() + 5
        while m.connected and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not m.connected
        assert lab.call(lambda: session_id in device.closed)


def test_a_client_that_never_says_hello_is_dropped(tmp_path: Path) -> None:
    options = TransportOptions(hello_timeout=0.3)
    server = LabServer(tmp_path, device_factory=StubDevice.create, options=options)
    with server.run_in_thread() as lab:
        headend = lab.add_headend(_ident("edge1"))

        async def scenario() -> bool:
            client = await RawNetconfClient.connect(
                headend.host,
                headend.port,
                headend.username,
                headend.password,
                known_hosts=headend.known_hosts,
                send_hello=False,
            )
            return await client.wait_closed(timeout=5)

        assert asyncio.run(scenario())


def test_oversized_message_closes_the_session(tmp_path: Path) -> None:
    options = TransportOptions(max_message=4096)
    server = LabServer(tmp_path, device_factory=StubDevice.create, options=options)
    with server.run_in_thread() as lab:
        headend = lab.add_headend(_ident("edge1"))

        async def scenario() -> bool:
            client = await RawNetconfClient.connect(
                headend.host,
                headend.port,
                headend.username,
                headend.password,
                known_hosts=headend.known_hosts,
            )
            client.send(b"<rpc>" + b" " * 5000 + b"</rpc>")
            return await client.wait_closed(timeout=5)

        assert asyncio.run(scenario())
