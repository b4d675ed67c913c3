"""A thousand lab headends in one process: they start, a sample answers, they stop."""

from __future__ import annotations

import asyncio
import os
import random
import resource
from pathlib import Path

from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.rawclient import RawNetconfClient
from nornir_flexvpn.lab.server import Headend, LabServer, ensure_fd_budget
from nornir_flexvpn.namespaces import NC, qn
from nornir_flexvpn.releases import Release

FLEET = 1000
SAMPLE = 8


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def _hello_and_get(headend: Headend) -> tuple[int, str]:
    client = await RawNetconfClient.connect(
        headend.host,
        headend.port,
        headend.username,
        headend.password,
        known_hosts=headend.known_hosts,
    )
    try:
        reply = await client.rpc("<get-config><source><running/></source></get-config>")
        hostname = reply.findtext(".//{*}hostname") or ""
        return client.session_id, hostname
    finally:
        await client.close()


def test_a_thousand_headends_start_and_a_sample_answers(tmp_path: Path) -> None:
    fds_before = _open_fds()
    server = LabServer(tmp_path / "lab")
    releases = [Release.V17_15_1, Release.V17_12_1]
    identities = [HeadendIdentity(f"edge{i}", releases[i % 2]) for i in range(1, FLEET + 1)]
    with server.run_in_thread() as lab:
        started = lab.start(identities)
        assert len(started) == FLEET
        assert len({h.port for h in started}) == FLEET
        known = (tmp_path / "lab" / "known_hosts").read_text().splitlines()
        assert len(known) == FLEET  # published once, for every headend
        sample = random.Random(4).sample(started, SAMPLE)

        async def probe() -> list[tuple[int, str]]:
            return list(await asyncio.gather(*(_hello_and_get(h) for h in sample)))

        answers = asyncio.run(probe())
        assert [name for _, name in answers] == [h.name for h in sample]
        assert all(sid >= 1 for sid, _ in answers)
        server_hello = asyncio.run(_first_hello(sample[0]))
        assert qn(NC, "capabilities") in server_hello
    assert server.headends == {}
    assert (tmp_path / "lab" / "known_hosts").read_text() == ""
    assert _open_fds() <= fds_before + 8  # listeners and connections all closed


async def _first_hello(headend: Headend) -> list[str]:
    client = await RawNetconfClient.connect(
        headend.host,
        headend.port,
        headend.username,
        headend.password,
        known_hosts=headend.known_hosts,
    )
    try:
        assert client.server_hello is not None
        return [str(child.tag) for child in client.server_hello]
    finally:
        await client.close()


def test_fd_budget_is_raised_for_a_big_fleet() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        lowered = min(soft, 512) if hard == resource.RLIM_INFINITY else min(soft, hard, 512)
        resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))
        granted = ensure_fd_budget(FLEET)
        expected = 256 + 4 * FLEET
        if hard != resource.RLIM_INFINITY:
            expected = min(expected, hard)
        assert granted == expected
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == expected
        assert ensure_fd_budget(10) == expected  # never lowered
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
