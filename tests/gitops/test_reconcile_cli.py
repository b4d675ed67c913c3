"""`flexvpn reconcile --once` exit codes, and a second controller refused."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nornir_flexvpn.cli.main import app
from nornir_flexvpn.errors import RefusedError
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.releases import Release
from tests.gitops.conftest import IntentRepoFixture, MakeController


def test_once_exit_codes_and_single_controller(
    tmp_path: Path,
    lab: LabFactory,
    intent_repo: IntentRepoFixture,
    make_controller: MakeController,
) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    intent_repo.write_lab_inventory([headend])
    intent_repo.commit("one headend")
    args = [
        "reconcile",
        "--repo",
        str(intent_repo.path),
        "--once",
        "--listen",
        "off",
        "--state-dir",
        str(tmp_path / "cli-state"),
        "--lock-dir",
        str(tmp_path / "cli-locks"),
        "--json",
    ]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 2, first.output
    assert f'"applied": ["{headend.name}"]' in first.stdout
    assert runner.invoke(app, args).exit_code == 0

    # Same repository and shard, another state folder: still one controller at a time.
    held = make_controller(state_dir=tmp_path / "other-state", lock_dir=tmp_path / "cli-locks")
    refused = runner.invoke(app, args)
    assert refused.exit_code != 0
    assert isinstance(refused.exception, RefusedError)
    assert "another controller" in str(refused.exception)
    held.__exit__(None, None, None)

    # A different shard is a different controller.
    shard = runner.invoke(app, [*args, "--host", headend.name])
    assert shard.exit_code == 0, shard.output
