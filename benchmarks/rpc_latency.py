"""Milliseconds per NETCONF RPC on loopback: stock ncclient vs NetconfConnection.

Both talk to the same lab headend (the lab's stub device, so the figure is
transport + framing + parsing, not the device model) and send the same
<get-config>. Stock ncclient pays its session thread's 100 ms select tick on
every request; ours writes from the caller's thread.

    FLEXVPN_YANG_DIR=../shared/yang .venv/bin/python benchmarks/rpc_latency.py [--rpcs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ncclient import manager

from nornir_flexvpn.lab.fixtures import lab_factory, lab_session
from nornir_flexvpn.lab.stub import StubDevice
from nornir_flexvpn.netconf.connection import ConnectionParams, NetconfConnection


def _timed(call: Callable[[], object], count: int) -> list[float]:
    call()  # warm-up: first-use imports and parser set-up
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def _line(label: str, samples: list[float]) -> str:
    return (
        f"{label:<28} {statistics.median(samples):8.2f} {statistics.mean(samples):8.2f} "
        f"{min(samples):8.2f} {max(samples):8.2f}   n={len(samples)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rpcs", type=int, default=200, help="RPCs for our connection")
    parser.add_argument("--stock-rpcs", type=int, default=20, help="RPCs for stock ncclient")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory() as state,
        lab_session(Path(state)) as lab_server,
        lab_factory(lab_server, device_factory=StubDevice.create) as lab,
    ):
        headend = lab()
        stock = manager.connect(**headend.ncclient_args())
        try:
            stock_ms = _timed(lambda: stock.get_config(source="running"), args.stock_rpcs)
        finally:
            stock.close_session()
        params = ConnectionParams(
            host=headend.host,
            port=headend.port,
            username=headend.username,
            password=headend.password,
            known_hosts=headend.known_hosts,
        )
        with NetconfConnection.open(params) as ours:
            ours_ms = _timed(lambda: ours.get_config("running"), args.rpcs)

    print(f"{'ms per <get-config>':<28} {'median':>8} {'mean':>8} {'min':>8} {'max':>8}")
    print(_line("stock ncclient 0.7", stock_ms))
    print(_line("NetconfConnection", ours_ms))
    print(f"speed-up (median): {statistics.median(stock_ms) / statistics.median(ours_ms):.0f}x")


if __name__ == "__main__":
    main()
