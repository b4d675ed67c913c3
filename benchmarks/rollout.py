"""Fleet rollout at scale: our rollout vs the nornir_netconf call sequence, one run.

    .venv/bin/python benchmarks/rollout.py [--headends 1000] [--faults 2] [--concurrency 20]

Each side gets its own fresh lab (`flexvpn lab up` in a child process, one
core; the controller runs here, the other core) with the same headends and
the same injected faults (`--faults` percent of the fleet, by name, through
the lab's control socket): commit-failure, validate-failure, a session drop
after commit, a busy datastore, and (ours only: the baseline has no checks)
a post-check failure after commit.

- ours: `flexvpn rollout` machinery: canary 1, waves of `--wave`, failure
  budget `--max-fail`, each host through `deploy_host` (plan read, lock,
  discard, edit, validate, checkpoint, commit, CLI channel, readback gate,
  save-config) on Nornir's threaded runner; then a read-only audit of every
  headend for half-applied state.
- baseline: nornir_netconf's task sequence (lock, edit-config, commit,
  unlock, get) with stock ncclient, all hosts at once with the same number
  of workers (see benchmarks/deploy.py for why it is reproduced, not
  imported); the same audit afterwards.

Prints headends/minute, controller CPU per headend, peak RSS (controller and
lab), where the time goes, and the half-applied count of each side.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import yaml
from lxml import etree
from ncclient import manager
from nornir.core import Nornir
from nornir.core.filter import F

from nornir_flexvpn.cli.fleet import open_nornir
from nornir_flexvpn.deploy.planner import HostPlan
from nornir_flexvpn.errors import CheckError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.intent.secrets import resolve_secrets
from nornir_flexvpn.lab.control_client import control_request, control_socket
from nornir_flexvpn.namespaces import NATIVE
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.releases import Release
from nornir_flexvpn.rollout.audit import audit
from nornir_flexvpn.rollout.plan import build_plan, hosts_of
from nornir_flexvpn.rollout.records import HostStatus
from nornir_flexvpn.rollout.runner import Rollout
from nornir_flexvpn.rollout.spec import Amount, RolloutSpec
from nornir_flexvpn.rollout.state import RolloutState
from nornir_flexvpn.tasks import plan_flexvpn

RELEASE = Release.V17_15_1
LAB_FAULTS: list[dict[str, Any]] = [
    {"kind": "commit-failure"},
    {"kind": "validate-failure"},
    {"kind": "drop", "rpc": "commit", "when": "after"},
    {"kind": "busy", "rpc": "edit-config", "count": 1},
]
GATE_FAULT = "post-check"


class Lab:
    """`flexvpn lab up` in a child process; stops on close and reports its peak RSS."""

    def __init__(self, folder: Path, n: int) -> None:
        self.folder = folder
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nornir_flexvpn.cli.main",
                "lab",
                "up",
                "--headends",
                str(n),
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
        self.start_seconds = time.perf_counter() - t0
        # Keep reading the child's output: a full pipe would stall its event loop.
        self.tail: deque[str] = deque(maxlen=20)
        self._drain = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self._drain.start()
        hosts = yaml.safe_load((folder / "hosts.yaml").read_text())
        self.names: list[str] = list(hosts)
        self.ports: dict[str, int] = {n: h["port"] for n, h in hosts.items()}
        self.password = (folder / "lab-password").read_text().strip()
        self.peak_rss_mib = 0.0

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.tail.append(line.rstrip())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _sample_peak(self) -> None:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_rss_mib = int(line.split()[1]) / 1024

    def fault(self, host: str, spec: dict[str, Any]) -> None:
        reply = control_request(
            control_socket(self.folder), {"op": "fault", "host": host, "fault": spec}
        )
        if not reply.get("ok"):
            raise RuntimeError(f"fault on {host}: {reply}")

    def close(self) -> None:
        if not self.alive():
            raise RuntimeError(
                f"the lab exited early ({self.proc.returncode}): " + " | ".join(self.tail)
            )
        self._sample_peak()
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=120)


def faulty_hosts(names: list[str], percent: float) -> dict[str, str | dict[str, Any]]:
    """Every k-th host after the canary gets a fault, cycling through the kinds."""
    count = round(len(names) * percent / 100)
    if count == 0:
        return {}
    step = max(1, (len(names) - 1) // count)
    kinds: list[str | dict[str, Any]] = [*LAB_FAULTS, GATE_FAULT]
    chosen = names[1::step][:count]
    return {name: kinds[i % len(kinds)] for i, name in enumerate(chosen)}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _plans(nr: Nornir, names: list[str]) -> dict[str, HostPlan | None]:
    agg = nr.filter(F(name__any=names)).run(task=plan_flexvpn, on_failed=True)
    out: dict[str, HostPlan | None] = {}
    for name in names:
        result = agg[name][0].result
        out[name] = result if isinstance(result, HostPlan) else None
    return out


def _sha(plan: HostPlan) -> str:
    return hashlib.sha256("\n".join(plan.cli_diff).encode()).hexdigest()


def run_ours(lab: Lab, args: argparse.Namespace, faults: dict[str, Any]) -> dict[str, Any]:
    for name, spec in faults.items():
        if isinstance(spec, dict):
            lab.fault(name, spec)
    gate_ports = {lab.ports[n] for n, s in faults.items() if s == GATE_FAULT}

    def gate(conn: NetconfConnection, payload: Payload) -> None:
        if conn.params.port in gate_ports:
            raise CheckError("post-check: users dropped (injected)")

    nr = open_nornir(lab.folder, workers=args.concurrency)
    spec = RolloutSpec(
        canary=Amount(1),
        wave=Amount.parse(args.wave, option="--wave"),
        max_fail=Amount.parse(args.max_fail, option="--max-fail"),
        concurrency=args.concurrency,
    )
    state = RolloutState.new(spec, build_plan(hosts_of(nr), spec), lab.folder)
    cpu0, t0 = _cpu(), time.perf_counter()
    Rollout(nr, state, state_path=lab.folder / "rollout-state.json", gate=gate).run()
    elapsed, cpu = time.perf_counter() - t0, _cpu() - cpu0
    nr.close_connections(on_good=True, on_failed=True)
    findings = audit(open_nornir(lab.folder, workers=args.concurrency), state)
    steps: dict[str, float] = defaultdict(float)
    for record in state.records.values():
        tx = sum(v for k, v in record.timings.items() if k.startswith("tx:"))
        for key, value in record.timings.items():
            steps[key] += value
        if "deploy" in record.timings:
            steps["plan (read + diff)"] += record.timings["deploy"] - tx
    steps.pop("deploy", None)
    counts = {k: v for k, v in state.counts().items() if v}
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "status": state.status.value,
        "reason": state.reason,
        "counts": counts,
        "failed": sorted(n for n, r in state.records.items() if r.status is HostStatus.FAILED),
        "half_applied": len(findings),
        "findings": [f"{f.host}: {f.problem}" for f in findings[:5]],
        "steps": dict(steps),
        "waves": len(state.waves),
    }


def run_baseline(lab: Lab, args: argparse.Namespace, faults: dict[str, Any]) -> dict[str, Any]:
    for name, spec in faults.items():
        if isinstance(spec, dict):
            lab.fault(name, spec)
    intent = FlexVpnIntent()
    payload = build_payload(intent, RELEASE, resolve_secrets(intent, base_dir=Path.cwd()))
    config = etree.tostring(payload.config, encoding="unicode")
    nr = open_nornir(lab.folder, workers=args.concurrency)
    fresh = _plans(nr, lab.names[:1])[lab.names[0]]
    assert fresh is not None and fresh.changed
    ssh_config = str(lab.folder / "ssh_config")
    errors: dict[str, str] = {}

    def one(name: str) -> None:
        try:
            with manager.connect(
                host="127.0.0.1",
                port=lab.ports[name],
                username="admin",
                password=lab.password,
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
        except Exception as exc:
            errors[name] = type(exc).__name__

    cpu0, t0 = _cpu(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(one, lab.names))
    elapsed, cpu = time.perf_counter() - t0, _cpu() - cpu0
    plans = _plans(nr, lab.names)
    nr.close_connections(on_good=True, on_failed=True)
    # Neither converged nor as fresh: half-applied (the CLI-channel lines are never
    # sent by this sequence, so even a clean success is not fully converged).
    half = [
        n
        for n, p in plans.items()
        if p is None or (p.changed and _sha(p) != _sha(fresh) and n in errors)
    ]
    converged = sum(1 for p in plans.values() if p is not None and not p.changed)
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "errors": len(errors),
        "converged": converged,
        "half_applied": len(half),
    }


def _fmt_rate(n: int, seconds: float) -> str:
    return f"{n / seconds * 60:8.1f} headends/min"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--headends", type=int, default=1000)
    parser.add_argument("--faults", type=float, default=2.0, help="percent of headends")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--wave", default="10%")
    parser.add_argument("--max-fail", default="5%")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    n = args.headends
    with tempfile.TemporaryDirectory() as tmp:
        lab = Lab(Path(tmp) / "ours", n)
        faults = faulty_hosts(lab.names, args.faults)
        try:
            ours = run_ours(lab, args, faults)
        finally:
            lab.close()
        lab_start, lab_rss = lab.start_seconds, lab.peak_rss_mib
        base: dict[str, Any] | None = None
        if not args.skip_baseline:
            blab = Lab(Path(tmp) / "baseline", n)
            try:
                base = run_baseline(blab, args, faults)
            finally:
                blab.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"rollout of the seed headend to {n} lab headends ({RELEASE.value}), "
        f"concurrency {args.concurrency}, {len(faults)} faulty ({args.faults:g}%)"
    )
    print(f"  lab start: {lab_start:.1f} s for {n} headends; lab peak RSS {lab_rss:.0f} MiB")
    print(
        f"  ours:     {ours['seconds']:7.1f} s {_fmt_rate(n, ours['seconds'])}  "
        f"CPU {ours['cpu'] / n * 1000:6.1f} ms/headend  status {ours['status']}  "
        f"waves {ours['waves']}"
    )
    print(f"            outcomes {ours['counts']}; half-applied: {ours['half_applied']}")
    if ours["reason"]:
        print(f"            reason: {ours['reason']}")
    for finding in ours["findings"]:
        print(f"            ! {finding}")
    if base is not None:
        print(
            f"  baseline: {base['seconds']:7.1f} s {_fmt_rate(n, base['seconds'])}  "
            f"CPU {base['cpu'] / n * 1000:6.1f} ms/headend  errors {base['errors']}  "
            f"converged {base['converged']}/{n}  half-applied {base['half_applied']}"
        )
        print(f"  throughput ours/baseline: {base['seconds'] / ours['seconds']:.2f}x")
    print(f"  controller peak RSS: {peak:.0f} MiB")
    print("  where the time goes (ours; summed over hosts, wall seconds in worker threads):")
    steps = sorted(ours["steps"].items(), key=lambda kv: -kv[1])
    total = sum(v for _, v in steps) or 1.0
    for name, seconds in steps:
        print(
            f"    {name:24s} {seconds:8.1f} s  {seconds / total * 100:5.1f}%  "
            f"{seconds / n * 1000:7.1f} ms/headend"
        )


if __name__ == "__main__":
    main()
