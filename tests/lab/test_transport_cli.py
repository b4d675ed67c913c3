"""`flexvpn lab up`: headends plus a Nornir inventory that reaches them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from ncclient import manager
from nornir import InitNornir

from nornir_flexvpn.lab.identity import CANDIDATE
from nornir_flexvpn.lab.inventory import PASSWORD_REF, resolve_password


def _start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "nornir_flexvpn.cli.main", "lab", "up", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    lines: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("lab up:"):
            return proc, lines
    proc.kill()
    _, err = proc.communicate()
    raise AssertionError(f"lab did not come up: {lines} {err}")


def test_lab_up_writes_a_usable_inventory_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    out = tmp_path / "inv"
    proc, lines = _start(
        tmp_path,
        "--headends",
        "2",
        "--release",
        "17.3.1",
        "--candidate",
        "--inventory-out",
        str(out),
        "--stub-device",
    )
    try:
        hosts = yaml.safe_load((out / "hosts.yaml").read_text())
        defaults = yaml.safe_load((out / "defaults.yaml").read_text())
        groups = yaml.safe_load((out / "groups.yaml").read_text())
        assert sorted(hosts) == ["lab1", "lab2"]
        assert hosts["lab1"]["data"] == {"release": "17.3.1", "model": "csr1k", "lab": True}
        assert hosts["lab1"]["hostname"] == "127.0.0.1" and hosts["lab1"]["platform"] == "ios"
        assert "flexvpn" in groups["flexvpn-seed"]["data"]
        assert defaults["password"] == PASSWORD_REF  # a reference, never the value
        password = resolve_password(defaults["password"], out)
        assert password and password not in "".join(lines)
        assert password not in (out / "defaults.yaml").read_text()
        known = defaults["connection_options"]["flexvpn_netconf"]["extras"]["known_hosts"]
        assert Path(known) == (out / "known_hosts").resolve()
        for name in ("lab1", "lab2"):
            assert f"[127.0.0.1]:{hosts[name]['port']} ssh-ed25519 " in Path(known).read_text()

        nr = InitNornir(
            inventory={
                "plugin": "SimpleInventory",
                "options": {
                    "host_file": str(out / "hosts.yaml"),
                    "group_file": str(out / "groups.yaml"),
                    "defaults_file": str(out / "defaults.yaml"),
                },
            },
            logging={"enabled": False},
        )
        host = nr.inventory.hosts["lab2"]
        assert host["release"] == "17.3.1" and host.username == "admin"
        with manager.connect(
            host=host.hostname,
            port=host.port,
            username=host.username,
            password=resolve_password(host.password, out),
            hostkey_verify=True,
            ssh_config=str(out / "ssh_config"),
            look_for_keys=False,
            allow_agent=False,
            device_params={"name": "default"},
        ) as m:
            assert CANDIDATE in m.server_capabilities
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(30)
        finally:
            proc.kill()
    assert code == 0


def test_lab_up_refuses_an_unknown_platform(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nornir_flexvpn.cli.main",
            "lab",
            "up",
            "--platform",
            "nosuch",
            "--inventory-out",
            str(tmp_path / "inv"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "nosuch" in result.stderr and "c8000v" in result.stderr
    assert not (tmp_path / "inv" / "hosts.yaml").exists()
