"""`flexvpn lab up --restconf`: each headend also serves RESTCONF, trusted via the lab CA."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from nornir_flexvpn.lab.inventory import resolve_password
from nornir_flexvpn.restconf.client import RestconfClient, RestconfParams
from nornir_flexvpn.restconf.paths import ApiPath, Step


def test_lab_up_with_restconf_serves_https_with_the_written_ca(tmp_path: Path) -> None:
    out = tmp_path / "inv"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nornir_flexvpn.cli.main",
            "lab",
            "up",
            "--headends",
            "1",
            "--candidate",
            "--restconf",
            "--inventory-out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if not line or line.startswith("lab up:"):
                break
        assert any("restconf https://127.0.0.1:" in line for line in lines), lines
        hosts = yaml.safe_load((out / "hosts.yaml").read_text())
        options = hosts["lab1"]["connection_options"]["flexvpn_restconf"]
        ca = next(out.glob("*.pem"))
        password = resolve_password("file:lab-password", out)
        client = RestconfClient.open(
            RestconfParams(
                host="127.0.0.1",
                username="admin",
                password=password,
                port=options["port"],
                ca_bundle=ca,
            )
        )
        path = ApiPath(
            (Step("Cisco-IOS-XE-native", "native"), Step("Cisco-IOS-XE-native", "hostname"))
        )
        data = client.get_data(path)
        assert data is not None and "lab1" in str(data)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
