"""Reports: JSON and JUnit XML list every host; the HTML timeline renders in a browser."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from nornir_flexvpn.rollout.plan import HostInfo, build_plan
from nornir_flexvpn.rollout.records import HostStatus
from nornir_flexvpn.rollout.reports import write_reports
from nornir_flexvpn.rollout.spec import Amount, RolloutSpec
from nornir_flexvpn.rollout.state import RolloutState, RunStatus, WaveLog

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
T0 = 1_800_000_000.0


def _state() -> RolloutState:
    """A halted rollout: canary ok, wave-1 with a failure and a rollback, wave-2 untouched."""
    names = ["edge-a", "edge-b", "edge<c>", "edge-d", "edge-e", "edge-f"]
    spec = RolloutSpec(canary=Amount(1), wave=Amount(3), rollback_wave=True)
    plan = build_plan([HostInfo(n) for n in names], spec)
    state = RolloutState.new(spec, plan, Path("/inv"))
    state.created = T0
    outcomes = {
        "edge-a": (HostStatus.CHANGED, 0.0, 2.0, None),
        "edge-b": (HostStatus.ROLLED_BACK, 2.5, 4.0, None),
        "edge<c>": (HostStatus.FAILED, 2.5, 3.5, "operation-failed: commit refused"),
        "edge-d": (HostStatus.SKIPPED, None, None, None),
    }
    for name, (status, start, end, error) in outcomes.items():
        record = state.records[name]
        record.status, record.error = status, error
        record.started = T0 + start if start is not None else None
        record.finished = T0 + end if end is not None else None
        record.strategy = "candidate-checkpoint" if start is not None else None
    state.records["edge-b"].rollback = "Rollback successful: bootflash:/ia-checkpoint-1"
    state.waves = [
        WaveLog("canary", T0, T0 + 2.1, "ok"),
        WaveLog("wave-1", T0 + 2.4, T0 + 4.5, "rolled-back", "over budget"),
    ]
    state.status, state.reason = RunStatus.HALTED, "over budget in wave-1: 1 failure(s)"
    return state


def test_json_and_junit_list_every_host_with_its_outcome(tmp_path: Path) -> None:
    state = _state()
    json_path, junit_path, _ = write_reports(state, tmp_path / "reports")
    data = json.loads(json_path.read_text())
    assert [h["name"] for h in data["hosts"]] == state.plan.hosts
    assert data["summary"]["failed"] == ["edge<c>"]
    assert data["summary"]["not_done"] == ["edge-b", "edge<c>", "edge-d", "edge-e", "edge-f"]

    root = etree.fromstring(junit_path.read_bytes(), SAFE_PARSER)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == state.plan.hosts
    assert root.get("tests") == "6" and root.get("failures") == "1" and root.get("skipped") == "4"
    failure = cases["edge<c>"].find("failure")
    assert failure is not None and "commit refused" in (failure.get("message") or "")
    assert cases["edge-a"].find("failure") is None and cases["edge-a"].find("skipped") is None
    skipped = cases["edge-b"].find("skipped")
    assert skipped is not None and "ia-checkpoint-1" in (skipped.get("message") or "")
    assert [s.get("name") for s in root.iter("testsuite")] == ["canary", "wave-1", "wave-2"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is missing: run `make system-deps` as root")
    return found


def _browser(html: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [_chromium(), *flags, *extra, html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_html_timeline_renders_in_a_headless_browser(tmp_path: Path) -> None:
    state = _state()
    html = write_reports(state, tmp_path / "reports")[2]
    dom = _browser(html, tmp_path / "profile-dom", "--dump-dom").stdout
    root = etree.fromstring(dom.encode(), etree.HTMLParser(no_network=True))
    body = root.find("body")
    assert body is not None
    # The browser laid out one bar per host that ran, and a band per wave.
    assert body.get("data-bars-laid-out") == "3"
    assert body.get("data-waves-laid-out") == "3"
    assert body.get("data-status") == "halted"
    rows = {r.get("data-host"): r.get("data-status") for r in root.iter("tr") if r.get("data-host")}
    assert rows == {n: r.status.value for n, r in state.records.items()}
    assert "edge<c>" in "".join(str(t) for t in root.itertext())  # escaped in the file
    ticks = [t.get("data-host") for t in root.iter("rect") if t.get("class") == "tick"]
    assert ticks == ["edge-d", "edge-e", "edge-f"]
    waves = {g.get("data-wave"): g.get("data-outcome") for g in root.iter("g")}
    assert waves == {"canary": "ok", "wave-1": "rolled-back", "wave-2": "not run"}

    shot = tmp_path / "timeline.png"
    _browser(html, tmp_path / "profile-png", f"--screenshot={shot}", "--window-size=1100,900")
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1100, 900)
