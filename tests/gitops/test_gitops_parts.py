"""The controller's parts that need no headend: lock, repo config, author, status, HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nornir_flexvpn.errors import IntentError, RefusedError
from nornir_flexvpn.gitops.author import author_from_archive, parse_archive_log
from nornir_flexvpn.gitops.config import RepoConfig, load_repo_config
from nornir_flexvpn.gitops.http import StatusServer
from nornir_flexvpn.gitops.lock import ControllerLock, controller_key
from nornir_flexvpn.gitops.status import (
    ChangeAuthor,
    ControllerStatus,
    Drift,
    HostState,
    HostStatus,
    StatusStore,
    render_metrics,
)
from nornir_flexvpn.rollout.spec import Amount


def test_second_holder_is_refused_with_the_first_pid(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    with ControllerLock(path, label="repo"):
        with pytest.raises(RefusedError) as refused:
            ControllerLock(path).acquire()
        assert f"pid {os.getpid()}" in str(refused.value)
    with ControllerLock(path) as again:  # released on exit
        assert again.held


def test_lock_of_a_crashed_controller_is_free(tmp_path: Path) -> None:
    path = tmp_path / "crash.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from nornir_flexvpn.gitops.lock import ControllerLock;"
            f"ControllerLock(Path({str(path)!r})).acquire(); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RefusedError, match=f"pid {holder.pid}"):
            ControllerLock(path).acquire()
        holder.send_signal(signal.SIGKILL)  # no cleanup runs
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    with ControllerLock(path) as lock:
        assert lock.held


def test_controller_key_names_repo_branch_and_shard() -> None:
    base = controller_key("/r", "main", ".", [], [])
    assert base == controller_key("/r/", "main", ".", [], [])
    assert base != controller_key("/r", "dev", ".", [], [])
    assert base != controller_key("/r", "main", ".", ["site=ams"], [])
    assert controller_key("/r", "main", ".", ["a=1", "b=2"], []) == controller_key(
        "/r", "main", ".", ["b=2", "a=1"], []
    )


def test_policy_overrides_host_beats_group_beats_default(tmp_path: Path) -> None:
    (tmp_path / "flexvpn-gitops.yaml").write_text(
        "drift:\n  hosts: {hub1: report}\n  groups: {edge: remediate, core: report}\n"
        "rollout: {canary: 2, max_fail: '10%'}\n",
        encoding="utf-8",
    )
    config = load_repo_config(tmp_path)
    assert config.policy_for("hub1", ["edge"], "remediate") == "report"
    assert config.policy_for("hub2", ["core", "edge"], "remediate") == "report"
    assert config.policy_for("hub2", ["edge", "core"], "report") == "remediate"
    assert config.policy_for("hub3", [], "report") == "report"
    spec = config.rollout.spec()
    assert spec.canary == Amount(2) and spec.max_fail.of(50) == 5
    assert RepoConfig().rollout.spec().canary == Amount(1)
    named = RepoConfig.model_validate({"rollout": {"canary": ["hub9"]}}).rollout.spec()
    assert named.canary_hosts == ("hub9",)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("drift: {hosts: {hub1: revert}}\n", "drift.hosts.hub1"),
        ("rollout: {wave: lots}\n", "rollout.wave"),
        ("polcy: report\n", "polcy"),
    ],
)
def test_bad_repo_config_is_an_intent_error(tmp_path: Path, text: str, where: str) -> None:
    (tmp_path / "flexvpn-gitops.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(IntentError) as error:
        load_repo_config(tmp_path)
    assert where in str(error.value)


ARCHIVE = """\
 idx   sess           user@line      Logged command
    1     1        console@console  |  logging buffered
    2     3          admin@vty0     |!exec: enable
    3     3          admin@vty0     |interface Loopback100
    4     3            bob@vty1     |  description hand-made
"""


def test_archive_log_names_who_typed_the_drifted_line() -> None:
    assert [e[2] for e in parse_archive_log(ARCHIVE)] == ["console", "admin", "admin", "bob"]
    author = author_from_archive(ARCHIVE, ["  interface Loopback100", "-  description hand-made"])
    assert (author.user, author.source, author.session) == ("bob", "archive-log", "3")
    assert author_from_archive("", ["- x"]) == ChangeAuthor()


def _status() -> ControllerStatus:
    st = ControllerStatus(
        repo="/r", branch="main", policy="report", in_force="a" * 40, head="b" * 40
    )
    st.hosts["hub1"] = HostStatus(name="hub1", state=HostState.IN_SYNC)
    st.hosts['we"ird'] = HostStatus(
        name='we"ird',
        state=HostState.DRIFTED,
        drift=Drift(first_seen=100.0, last_seen=160.0, revision="a" * 40, diff=["- x"]),
    )
    st.refused_total = 1
    return st


def test_status_survives_a_round_trip(tmp_path: Path) -> None:
    store = StatusStore(tmp_path / "status.json")
    store.save(_status())
    loaded = store.load()
    assert loaded is not None
    assert loaded.hosts['we"ird'].drift == _status().hosts['we"ird'].drift
    assert loaded.hosts["hub1"].state is HostState.IN_SYNC
    (tmp_path / "status.json").write_text("{broken", encoding="utf-8")
    assert store.load() is None


def test_metrics_are_prometheus_text() -> None:
    text = render_metrics(_status())
    assert "# TYPE flexvpn_gitops_hosts gauge" in text
    assert 'flexvpn_gitops_hosts{state="drifted"} 1' in text
    assert 'flexvpn_gitops_host_state{host="we\\"ird",state="drifted"} 1' in text
    assert "flexvpn_gitops_head_refused 1" in text  # head is not the revision in force
    assert "flexvpn_gitops_refused_revisions_total 1" in text
    for line in text.splitlines():
        assert line.startswith("#") or len(line.rsplit(" ", 1)) == 2


def test_http_endpoint_is_read_only(tmp_path: Path) -> None:
    store = StatusStore(tmp_path / "status.json")
    store.save(_status())
    server = StatusServer(store, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as reply:
            assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            assert b'flexvpn_gitops_hosts{state="in_sync"} 1' in reply.read()
        with urllib.request.urlopen(f"{base}/status", timeout=5) as reply:
            assert json.loads(reply.read())["counts"]["drifted"] == 1
        with urllib.request.urlopen(f"{base}/hosts/hub1", timeout=5) as reply:
            assert json.loads(reply.read())["state"] == "in_sync"
        for url, method, code in (
            (f"{base}/hosts/nope", "GET", 404),
            (f"{base}/status", "POST", 405),
        ):
            request = urllib.request.Request(
                url, method=method, data=b"" if method == "POST" else None
            )
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(request, timeout=5)
            assert error.value.code == code
    finally:
        server.stop()
