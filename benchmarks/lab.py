"""Lab benchmark: start-up time and RSS per headend, get-config RPCs/s.

    .venv/bin/python benchmarks/lab.py [--headends 100] [--device lab|stub] [--rpcs 20]
    .venv/bin/python benchmarks/lab.py --headends 1000 --rpcs 5     # the 1,000-headend mode

Clients are bare asyncssh NETCONF sessions (`lab.rawclient`), not ncclient,
whose session thread polls on a 100 ms select tick and would measure itself.
Server and clients share one process (and its GIL), so the RPC figures are a
floor for what the lab can serve.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from nornir_flexvpn.lab.identity import HeadendIdentity
from nornir_flexvpn.lab.rawclient import RawNetconfClient
from nornir_flexvpn.lab.server import DeviceFactory, Headend, LabServer, lab_device_factory
from nornir_flexvpn.lab.stub import StubDevice
from nornir_flexvpn.releases import Release

GET_CONFIG = "<get-config><source><running/></source></get-config>"


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _session_rate(
    headends: list[Headend], rpcs: int, concurrency: int
) -> tuple[float, float, float]:
    """(connect seconds for all, RPCs/s over all sessions at once, RPCs/s of one session)."""
    # Unbounded, 1,000 simultaneous SSH handshakes share one GIL with the server and
    # time out; a real fleet tool also connects with bounded concurrency.
    gate = asyncio.Semaphore(concurrency)

    async def connect_one(h: Headend) -> RawNetconfClient:
        async with gate:
            return await RawNetconfClient.connect(
                h.host, h.port, h.username, h.password, known_hosts=h.known_hosts
            )

    t0 = time.perf_counter()
    clients = await asyncio.gather(*(connect_one(h) for h in headends))
    connect = time.perf_counter() - t0

    async def drive(client: RawNetconfClient) -> None:
        for _ in range(rpcs):
            await client.rpc(GET_CONFIG)

    t1 = time.perf_counter()
    await asyncio.gather(*(drive(c) for c in clients))
    parallel = len(clients) * rpcs / (time.perf_counter() - t1)
    t2 = time.perf_counter()
    await drive(clients[0])
    single = rpcs / (time.perf_counter() - t2)
    await asyncio.gather(*(c.close() for c in clients))
    return connect, parallel, single


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--headends", type=int, default=100)
    parser.add_argument("--release", default="17.15.1")
    parser.add_argument("--device", choices=["lab", "stub"], default="lab")
    parser.add_argument("--rpcs", type=int, default=20, help="get-config per session")
    parser.add_argument(
        "--connect-concurrency", type=int, default=50, help="SSH handshakes in flight at once"
    )
    args = parser.parse_args()
    release = Release.parse(args.release)
    factory: DeviceFactory = lab_device_factory if args.device == "lab" else StubDevice.create

    gc.collect()
    base_rss = rss_mib()
    with tempfile.TemporaryDirectory() as state:
        server = LabServer(Path(state), device_factory=factory)
        with server.run_in_thread() as lab:
            t0 = time.perf_counter()
            first = lab.start([HeadendIdentity("bench1", release)])
            first_s = time.perf_counter() - t0
            first_rss = rss_mib()
            t1 = time.perf_counter()
            rest = lab.start(
                [HeadendIdentity(f"bench{i}", release) for i in range(2, args.headends + 1)]
            )
            rest_s = time.perf_counter() - t1
            gc.collect()
            all_rss = rss_mib()
            headends = first + rest
            fds_lab = _open_fds()
            connect, parallel, single = asyncio.run(
                _session_rate(headends, args.rpcs, args.connect_concurrency)
            )
    n = len(headends)
    result = {
        "device": args.device,
        "release": release.value,
        "headends": n,
        "first_headend_start_s": round(first_s, 3),
        "other_headends_start_s_each": round(rest_s / max(1, n - 1), 4),
        "rss_base_mib": round(base_rss, 1),
        "rss_first_headend_mib": round(first_rss - base_rss, 1),
        "rss_per_further_headend_mib": round((all_rss - first_rss) / max(1, n - 1), 2),
        "rss_total_mib": round(all_rss, 1),
        "start_all_headends_s": round(first_s + rest_s, 2),
        "open_fds_after_start": fds_lab,
        "nofile_soft_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "connect_all_sessions_s": round(connect, 3),
        "get_config_per_s_all_sessions": round(parallel, 1),
        "get_config_per_s_one_session": round(single, 1),
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
