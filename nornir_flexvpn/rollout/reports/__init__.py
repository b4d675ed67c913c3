"""Rollout reports: JSON and JUnit XML for CI, a static HTML timeline, console tables."""

from __future__ import annotations

from pathlib import Path

from nornir_flexvpn.rollout.reports.html import write_html
from nornir_flexvpn.rollout.reports.json_report import write_json
from nornir_flexvpn.rollout.reports.junit import write_junit
from nornir_flexvpn.rollout.state import RolloutState

REPORT_FILES = ("rollout.json", "rollout-junit.xml", "rollout.html")


def write_reports(state: RolloutState, directory: Path) -> list[Path]:
    """All three file reports into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, junit_path, html_path = (directory / name for name in REPORT_FILES)
    write_json(state, json_path)
    write_junit(state, junit_path)
    write_html(state, html_path)
    return [json_path, junit_path, html_path]


__all__ = ["REPORT_FILES", "write_html", "write_json", "write_junit", "write_reports"]
