"""An intent repository in git (tmp_path) describing lab headends, and controllers on it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from nornir_flexvpn.gitops.controller import Controller, ControllerOptions
from nornir_flexvpn.gitops.observe import RetryPolicy
from nornir_flexvpn.lab.inventory import write_inventory
from nornir_flexvpn.lab.server import Headend, ThreadedLab


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Alice", "-c", "user.email=alice@example.net", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


class IntentRepoFixture:
    """A working repository on branch main; `commit()` writes YAML files and commits them."""

    def __init__(self, path: Path, lab: ThreadedLab) -> None:
        self.path = path
        self.lab = lab
        path.mkdir(parents=True)
        git(path, "init", "--quiet", "--initial-branch=main")

    def write_lab_inventory(
        self, headends: list[Headend], extra_hosts: dict[str, Any] | None = None
    ) -> None:
        scratch = self.path.parent / "scratch-inventory"
        if scratch.exists():
            shutil.rmtree(scratch)
        write_inventory(self.lab.server, scratch, headends)
        for name in ("hosts.yaml", "groups.yaml"):
            shutil.copy(scratch / name, self.path / name)
        if extra_hosts:
            hosts = self.load("hosts.yaml")
            hosts.update(extra_hosts)
            self.dump("hosts.yaml", hosts)
        # Secrets stay out of git: the device password is referenced by an absolute path.
        defaults = self.load_from(scratch / "defaults.yaml")
        defaults["password"] = f"file:{self.lab.server.password_file.resolve()}"
        self.dump("defaults.yaml", defaults)

    def load(self, name: str) -> Any:
        return self.load_from(self.path / name)

    @staticmethod
    def load_from(path: Path) -> Any:
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    def dump(self, name: str, data: Any) -> None:
        (self.path / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def commit(self, message: str) -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "--quiet", "-m", message)
        return git(self.path, "rev-parse", "HEAD")


@pytest.fixture
def intent_repo(tmp_path: Path, lab_server: ThreadedLab) -> IntentRepoFixture:
    return IntentRepoFixture(tmp_path / "intent", lab_server)


MakeController = Callable[..., Controller]


@pytest.fixture
def make_controller(tmp_path: Path, intent_repo: IntentRepoFixture) -> Iterator[MakeController]:
    """`make_controller(policy=..., ...)`: a Controller holding its lock (released after the test)."""
    opened: list[Controller] = []

    def make(**overrides: Any) -> Controller:
        values: dict[str, Any] = {
            "repo": str(intent_repo.path),
            "state_dir": tmp_path / "state",
            "lock_dir": tmp_path / "locks",
            "interval": 1.0,
            "workers": 4,
            "retry": RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02),
        }
        values.update(overrides)
        clock = values.pop("clock", None)
        controller = Controller(ControllerOptions(**values), **({"clock": clock} if clock else {}))
        controller.__enter__()
        opened.append(controller)
        return controller

    yield make
    for controller in opened:
        controller.__exit__(None, None, None)


RunningOf = Callable[[Headend], str]


@pytest.fixture
def running_of(lab_server: ThreadedLab) -> RunningOf:
    """`running_of(headend)`: its running datastore as text, read in the lab's thread."""

    def read(headend: Headend) -> str:
        device = headend.device
        data: bytes = lab_server.call(lambda: device.datastore_xml("running"))  # type: ignore[attr-defined]
        return data.decode()

    return read
