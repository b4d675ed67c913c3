"""Deploy throughput against N lab headends, three ways, in one run.

    .venv/bin/python benchmarks/deploy.py [--headends 20] [--workers 10]

- ours: `deploy_flexvpn` through Nornir (plan read, lock, discard, edit,
  validate, checkpoint, commit, CLI channel, readback gate, save-config).
- baseline: the call sequence of nornir_netconf's tasks, one stock ncclient
  RPC per task (lock, edit-config, commit, unlock, get), same payload.
  nornir_netconf 2.1.0 itself does not import on nornir 3.6 (`cannot import
  name 'Optional' from 'nornir.core.task'`) and pins ncclient 0.6.19, which
  conflicts with napalm's junos-eznc; so its sequence is reproduced here.
- floor: connect + lock, edit-config, commit, unlock with our fast session
  (no plan, no checks): the least any safe tool must do.

Each mode gets fresh headends (empty), so every run really changes them.
The lab runs in a child process (one core), the clients here (the other):
figures are relative, not absolute.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from lxml import etree
from ncclient import manager
from nornir.core.filter import F

from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.intent.secrets import resolve_secrets
from nornir_flexvpn.namespaces import NATIVE
from nornir_flexvpn.netconf.connection import ConnectionParams, NetconfConnection
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn

RELEASE = Release.V17_15_1


class Fleet:
    """Lab headends served by a `flexvpn lab up` child process (its own core and
    GIL, as a real fleet would be), handed out in disjoint slices per mode."""

    def __init__(self, folder: Path, total: int) -> None:
        self.folder = folder
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nornir_flexvpn.cli.main",
                "lab",
                "up",
                "--headends",
                str(total),
                "--release",
                RELEASE.value,
                "--candidate",
                "--inventory-out",
                str(folder),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("lab up:"):
                break
        else:
            raise RuntimeError("the lab did not start")
        hosts = yaml.safe_load((folder / "hosts.yaml").read_text())
        self.hosts: list[tuple[str, int]] = [(n, h["port"]) for n, h in hosts.items()]
        self.password = (folder / "lab-password").read_text().strip()
        self._next = 0

    def take(self, n: int) -> list[str]:
        names = [name for name, _ in self.hosts[self._next : self._next + n]]
        self._next += n
        return names

    def port(self, name: str) -> int:
        return dict(self.hosts)[name]

    def close(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)


def _payload_xml() -> str:
    intent = FlexVpnIntent()
    payload = build_payload(intent, RELEASE, resolve_secrets(intent, base_dir=Path.cwd()))
    return etree.tostring(payload.config, encoding="unicode")


def run_ours(fleet: Fleet, n: int, workers: int) -> float:
    names = fleet.take(n)
    nr = open_nornir(fleet.folder, workers=workers).filter(F(name__any=names))
    start = time.perf_counter()
    agg = nr.run(task=deploy_flexvpn)
    elapsed = time.perf_counter() - start
    nr.close_connections()
    failed = [h for h, r in agg.items() if r.failed]
    assert not failed, failed
    return elapsed


def run_baseline(fleet: Fleet, n: int, workers: int, config: str) -> float:
    ssh_config = str(fleet.folder / "ssh_config")

    def one(name: str) -> None:
        with manager.connect(
            host="127.0.0.1",
            port=fleet.port(name),
            username="admin",
            password=fleet.password,
            hostkey_verify=True,
            ssh_config=ssh_config,
            look_for_keys=False,
            allow_agent=False,
            device_params={"name": "default"},
        ) as m:
            m.lock(target="candidate")
            m.edit_config(target="candidate", config=config)
            m.commit()
            m.unlock(target="candidate")
            m.get(filter=("subtree", f'<native xmlns="{NATIVE}"/>'))

    return _timed(fleet.take(n), workers, one)


def run_floor(fleet: Fleet, n: int, workers: int, config: str) -> float:
    element = etree.fromstring(config)

    def one(name: str) -> None:
        params = ConnectionParams(
            host="127.0.0.1",
            port=fleet.port(name),
            username="admin",
            password=fleet.password,
            known_hosts=fleet.folder / "known_hosts",
        )
        with NetconfConnection.open(params) as conn:
            conn.lock("candidate")
            conn.edit_config("candidate", element)
            conn.commit()
            conn.unlock("candidate")

    return _timed(fleet.take(n), workers, one)


def _timed(names: list[str], workers: int, one: Callable[[str], None]) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, names))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--headends", type=int, default=20)
    parser.add_argument("--workers", type=int, default=10)
    args = parser.parse_args()
    n, workers = args.headends, args.workers
    config = _payload_xml()
    with tempfile.TemporaryDirectory() as tmp:
        fleet = Fleet(Path(tmp), 3 * n)
        try:
            results = {
                "ours (deploy_flexvpn)": run_ours(fleet, n, workers),
                "baseline (nornir_netconf sequence, stock ncclient)": run_baseline(
                    fleet, n, workers, config
                ),
                "floor (connect + lock/edit/commit/unlock, fast session)": run_floor(
                    fleet, n, workers, config
                ),
            }
        finally:
            fleet.close()
    print(f"deploy of the seed headend, {n} lab headends {RELEASE.value}, {workers} workers")
    print("baseline: nornir_netconf 2.1.0 does not import on nornir 3.6 and pins ncclient 0.6.19;")
    print("          its call sequence (lock, edit-config, commit, unlock, get) is reproduced")
    ours = results["ours (deploy_flexvpn)"]
    for name, seconds in results.items():
        rate = n / seconds * 60
        print(
            f"  {name:58s} {seconds:7.2f} s  {rate:8.1f} headends/min  {seconds / n * 1000:7.1f} ms/headend"
        )
    base = results["baseline (nornir_netconf sequence, stock ncclient)"]
    floor = results["floor (connect + lock/edit/commit/unlock, fast session)"]
    print(f"throughput ours/baseline: {base / ours:.2f}x   ours/floor: {floor / ours:.2f}x")


if __name__ == "__main__":
    main()
