"""The intent repository, through the `git` command line (no shell, no library).

The controller keeps a private bare mirror of the repository in its state
folder and exports each revision it looks at into its own directory, so a
revision in force is never changed under a running tick by a later fetch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from nornir_flexvpn.errors import FlexVpnError


class GitError(FlexVpnError):
    """The repository cannot be fetched or read (the message names the git command)."""


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    author: str
    subject: str
    timestamp: int

    def as_dict(self) -> dict[str, object]:
        return {
            "sha": self.sha,
            "author": self.author,
            "subject": self.subject,
            "timestamp": self.timestamp,
        }


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Never wait for a password on a terminal nobody watches.
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


def run_git(args: list[str], *, cwd: Path | None = None, timeout: float = 120.0) -> str:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]} failed: {type(exc).__name__}", path="git") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        last = detail[-1] if detail else f"exit {done.returncode}"
        raise GitError(f"git {args[0]} failed: {last}", path="git")
    return done.stdout


def _source(url: str) -> str:
    """A local path becomes absolute (the mirror lives elsewhere); URLs stay."""
    if "://" in url or (":" in url and not Path(url).exists()):
        return url
    return str(Path(url).expanduser().resolve())


class IntentRepo:
    """A bare mirror of `url` under `mirror`, following `branch`."""

    def __init__(self, url: str, mirror: Path, *, branch: str = "main") -> None:
        self.url = _source(url)
        self.mirror = mirror
        self.branch = branch

    def fetch(self) -> str:
        """Bring the mirror up to date; the branch's commit sha."""
        if not (self.mirror / "HEAD").is_file():
            self.mirror.parent.mkdir(parents=True, exist_ok=True)
            run_git(["init", "--bare", "--quiet", str(self.mirror)])
        ref = f"refs/remotes/origin/{self.branch}"
        run_git(
            [
                "fetch",
                "--quiet",
                "--force",
                "--no-tags",
                self.url,
                f"+refs/heads/{self.branch}:{ref}",
            ],
            cwd=self.mirror,
        )
        return run_git(["rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=self.mirror).strip()

    def commit_info(self, sha: str) -> CommitInfo:
        out = run_git(["show", "-s", "--format=%H%x00%an <%ae>%x00%ct%x00%s", sha], cwd=self.mirror)
        full, author, stamp, subject = out.rstrip("\n").split("\x00", 3)
        return CommitInfo(sha=full, author=author, subject=subject, timestamp=int(stamp))

    def export(self, sha: str, target: Path) -> Path:
        """The tree of `sha` written to `target` (replaced when it exists)."""
        if target.exists():
            shutil.rmtree(target)
        partial = target.with_name(target.name + ".partial")
        if partial.exists():
            shutil.rmtree(partial)
        partial.mkdir(parents=True)
        archive = partial / ".tree.tar"
        run_git(["archive", "--format=tar", f"--output={archive}", sha], cwd=self.mirror)
        with tarfile.open(archive) as tar:
            tar.extractall(partial, filter="data")
        archive.unlink()
        partial.rename(target)
        return target
