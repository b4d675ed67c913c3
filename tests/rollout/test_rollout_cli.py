"""`flexvpn rollout` end to end on lab headends: plan printed, reports written, resume."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nornir_flexvpn.cli.main import app
from nornir_flexvpn.lab.faults import Fault
from nornir_flexvpn.rollout.reports import REPORT_FILES

from .conftest import FleetFactory


def test_dry_run_changes_nothing_and_names_what_would_change(
    fleet: FleetFactory, tmp_path: Path
) -> None:
    f = fleet(3)
    before = f.snapshot()
    out = tmp_path / "dry"
    result = CliRunner().invoke(
        app,
        [
            "rollout",
            "-i",
            str(f.inventory),
            "--canary",
            "1",
            "--wave",
            "50%",
            "--dry-run",
            "--report-dir",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "rollout plan: 3 hosts" in result.output and "DRY RUN" in result.output
    report = json.loads((out / "rollout.json").read_text())
    assert {h["status"] for h in report["hosts"]} == {"would-change"}
    assert f.snapshot() == before


def test_rollout_halts_writes_reports_and_resumes(fleet: FleetFactory, tmp_path: Path) -> None:
    f = fleet(4)
    f.headends[1].faults.add(Fault.commit_failure())
    out = tmp_path / "reports"
    args = [
        "rollout",
        "-i",
        str(f.inventory),
        "--canary",
        f.headends[0].name,
        "--wave",
        "3",
        "--max-fail",
        "0",
        "--concurrency",
        "1",
        "--report-dir",
        str(out),
    ]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 1, first.output
    assert "rollout plan: 4 hosts" in first.output
    assert "over budget in wave-1" in first.output
    for name in REPORT_FILES:
        assert (out / name).is_file()
    state = out / "rollout-state.json"
    saved = json.loads(state.read_text())
    assert [h["status"] for h in saved["hosts"]] == ["changed", "failed", "skipped", "skipped"]

    second = CliRunner().invoke(app, ["rollout", "--resume", str(state), "--report-dir", str(out)])
    assert second.exit_code == 0, second.output
    assert "3 host(s) to run, 1 done" in second.output
    done = json.loads((out / "rollout.json").read_text())
    assert done["status"] == "completed"
    assert [h["attempts"] for h in done["hosts"]] == [1, 2, 1, 1]
