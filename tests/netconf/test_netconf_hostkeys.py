"""known_hosts lookup follows OpenSSH: `[host]:port` for any port but 22."""

from __future__ import annotations

from pathlib import Path

import paramiko
import pytest

from nornir_flexvpn.errors import HostKeyError
from nornir_flexvpn.netconf.hostkeys import KnownHostKeys, fingerprint, known_hosts_name


@pytest.fixture(scope="module")
def keys() -> tuple[paramiko.PKey, paramiko.PKey]:
    return paramiko.ECDSAKey.generate(), paramiko.ECDSAKey.generate()


def _line(name: str, key: paramiko.PKey) -> str:
    return f"{name} {key.get_name()} {key.get_base64()}\n"


def test_names() -> None:
    assert known_hosts_name("10.0.0.1", 22) == "10.0.0.1"
    assert known_hosts_name("10.0.0.1", 830) == "[10.0.0.1]:830"


def test_known_key_passes_other_key_is_a_mismatch(
    tmp_path: Path, keys: tuple[paramiko.PKey, paramiko.PKey]
) -> None:
    good, evil = keys
    path = tmp_path / "known_hosts"
    path.write_text(_line("[hub1]:830", good))
    known = KnownHostKeys.load(path, "hub1", 830)
    assert known.key_types == ["ecdsa-sha2-nistp256"]
    known.verify(good)
    with pytest.raises(HostKeyError) as caught:
        known.verify(evil)
    text = str(caught.value)
    assert "MISMATCH" in text and "hub1:830" in text and str(path) in text
    assert fingerprint(evil) in text and fingerprint(good) in text


def test_bare_host_entry_does_not_cover_another_port(
    tmp_path: Path, keys: tuple[paramiko.PKey, paramiko.PKey]
) -> None:
    good, _ = keys
    path = tmp_path / "known_hosts"
    path.write_text(_line("hub1", good))
    with pytest.raises(HostKeyError, match=r"unknown: no entry for '\[hub1\]:830'"):
        KnownHostKeys.load(path, "hub1", 830).verify(good)
    KnownHostKeys.load(path, "hub1", 22).verify(good)


def test_hashed_entries_are_understood(
    tmp_path: Path, keys: tuple[paramiko.PKey, paramiko.PKey]
) -> None:
    good, _ = keys
    path = tmp_path / "known_hosts"
    path.write_text(_line(paramiko.HostKeys.hash_host("[hub1]:830"), good))
    KnownHostKeys.load(path, "hub1", 830).verify(good)


def test_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(HostKeyError) as caught:
        KnownHostKeys.load(tmp_path / "nope", "hub1", 830)
    assert str(tmp_path / "nope") in str(caught.value) and caught.value.path == "known_hosts"


def test_fingerprint_is_openssh_sha256(keys: tuple[paramiko.PKey, paramiko.PKey]) -> None:
    text = fingerprint(keys[0])
    assert text.startswith("SHA256:") and len(text) == 7 + 43 and not text.endswith("=")
