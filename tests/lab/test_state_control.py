"""The lab's control socket and `flexvpn lab client` (exit 0 connected, 1 with the reason)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nornir_flexvpn.cli.main import app
from nornir_flexvpn.errors import LabError
from nornir_flexvpn.lab.control import ControlServer, start_control
from nornir_flexvpn.lab.control_client import control_request, control_socket
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.state_testing import USER, USER_PASSWORD, seeded_headend
from nornir_flexvpn.releases import Release


@pytest.fixture(scope="module")
def device() -> LabDevice:
    return seeded_headend(Release.V17_15_1)[0]


@pytest.fixture
def running(device: LabDevice, tmp_path: Path) -> Iterator[Path]:
    device.runtime.sessions.clear()
    with start_control({"hq": _Headend(device)}, control_socket(tmp_path)):
        yield tmp_path


class _Headend:
    """What `LabServer.headends` maps names to (only `.device` is used)."""

    def __init__(self, device: LabDevice) -> None:
        self.device = device


def test_requests_over_the_socket(running: Path, device: LabDevice) -> None:
    path = control_socket(running)
    assert path.stat().st_mode & 0o777 == 0o600
    assert control_request(path, {"op": "ping"}) == {"ok": True}
    up = control_request(
        path,
        {"op": "connect", "host": "hq", "user": USER, "password": USER_PASSWORD},
    )
    assert up["ok"] and up["address"] == "192.168.10.5" and up["interface"] == "Virtual-Access1"
    assert up["proposal"] == "aes-cbc-256/sha256/group14"
    listed = control_request(path, {"op": "sessions", "host": "hq"})
    assert [s["user"] for s in listed["sessions"]] == [USER]
    refused = control_request(
        path, {"op": "connect", "host": "hq", "user": USER, "password": "wrong-pw-77"}
    )
    assert refused["ok"] is False and "wrong password" in refused["reason"]
    assert "wrong-pw-77" not in json.dumps(refused)
    unknown = control_request(path, {"op": "connect", "host": "nope", "user": USER})
    assert unknown["ok"] is False and "no headend 'nope'" in unknown["reason"]
    assert "unknown op" in control_request(path, {"op": "explode"})["reason"]
    down = control_request(path, {"op": "disconnect", "host": "hq", "user": USER})
    assert down["ok"] and device.runtime.sessions == {}

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(str(path))
        raw.sendall(b"this is not json\n")
        assert json.loads(raw.makefile("rb").readline())["reason"] == "the request is not JSON"


def test_no_lab_running(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="no running lab"):
        control_request(control_socket(tmp_path), {"op": "ping"})


def test_cli_connect_refuse_disconnect(running: Path, device: LabDevice) -> None:
    runner = CliRunner()
    base = ["lab", "client", "--inventory", str(running), "--host", "hq", "--user", USER]
    ok = runner.invoke(app, [*base, "--password", USER_PASSWORD, "--public-ip", "198.18.0.9"])
    assert ok.exit_code == 0, ok.output
    assert "192.168.10.5" in ok.output and "Virtual-Access1" in ok.output
    assert USER_PASSWORD not in ok.output
    assert [s.public_ip for s in device.runtime.sessions.values()] == ["198.18.0.9"]

    bad = runner.invoke(app, [*base, "--password", "nope-123"])
    assert bad.exit_code == 1
    assert "wrong password" in bad.output and "nope-123" not in bad.output

    gone = runner.invoke(app, [*base, "--disconnect"])
    assert gone.exit_code == 0, gone.output
    assert "disconnected test 192.168.10.5" in gone.output
    assert runner.invoke(app, [*base, "--disconnect"]).exit_code == 1


def test_cli_without_a_running_lab(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["lab", "client", "--inventory", str(tmp_path), "--host", "h", "--user", "u"]
    )
    assert result.exit_code == 1 and "no running lab" in result.output


def test_close_removes_the_socket(tmp_path: Path, device: LabDevice) -> None:
    server = ControlServer(lambda host: device if host == "hq" else None, tmp_path / "c.sock")
    assert control_request(tmp_path / "c.sock", {"op": "sessions", "host": "hq"})["ok"]
    server.close()
    assert not (tmp_path / "c.sock").exists()


def test_lab_up_serves_the_control_socket(tmp_path: Path) -> None:
    """Across processes: `flexvpn lab up` listens, `flexvpn lab client` gets the reason."""
    inventory = tmp_path / "inv"
    cli = [sys.executable, "-m", "nornir_flexvpn.cli.main"]
    up = subprocess.Popen(
        [*cli, "lab", "up", "--inventory-out", str(inventory), "--release", "17.15.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        sock = control_socket(inventory)
        for _ in range(600):
            if sock.exists() or up.poll() is not None:
                break
            time.sleep(0.1)
        assert sock.exists(), up.stdout.read() if up.stdout else ""
        client = ["lab", "client", "--inventory", str(inventory), "--host", "lab1"]
        result = subprocess.run(
            [*cli, *client, "--user", USER, "--password", USER_PASSWORD],
            capture_output=True,
            text=True,
            timeout=120,
        )
        # the lab's headends start from the baseline: no IKEv2 profile yet
        assert result.returncode == 1
        assert "no IKEv2 profile matches remote identity key-id" in result.stderr
    finally:
        up.terminate()
        up.wait(60)
    assert not control_socket(inventory).exists()
