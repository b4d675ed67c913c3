"""A Nornir SimpleInventory describing running lab headends.

Layout written into the output directory (which is also the lab's state dir):
- hosts.yaml: one host per headend (127.0.0.1, its port, platform `ios`,
  data: release, model, lab: true; group `flexvpn-seed`);
- groups.yaml: `flexvpn-seed` whose data.flexvpn is the document's headend;
- defaults.yaml: username `admin`, password `file:lab-password` (a reference
  in the project's SecretRef shorthand, relative to this directory; the
  password itself is in `lab-password`, mode 0600), and
  connection_options.flexvpn_netconf.extras.known_hosts -> `known_hosts`;
- known_hosts / ssh_config: the headends' host keys (ssh_config is for plain
  ncclient: `ssh_config=` makes paramiko read that known_hosts).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from nornir_flexvpn.errors import SecretError
from nornir_flexvpn.lab.server import PASSWORD_FILE, Headend, LabServer

SEED_GROUP = "flexvpn-seed"
CONNECTION_NAME = "flexvpn_netconf"
PASSWORD_REF = f"file:{PASSWORD_FILE}"


def seed_group_data() -> dict[str, Any]:
    """`intent.seed.seed_intent_data()`; `{}` (the defaults, i.e. the same headend) without it."""
    try:
        seed = importlib.import_module("nornir_flexvpn.intent.seed")
    except ModuleNotFoundError:
        return {}
    data: dict[str, Any] = seed.seed_intent_data()
    return data


def host_entries(headends: Sequence[Headend]) -> dict[str, Any]:
    return {
        h.name: {
            "hostname": h.host,
            "port": h.port,
            "platform": "ios",
            "groups": [SEED_GROUP],
            "data": {
                "release": h.identity.release.value,
                "model": h.identity.platform,
                "lab": True,
            },
        }
        for h in headends
    }


def write_inventory(server: LabServer, directory: Path, headends: Sequence[Headend]) -> Path:
    """Write hosts/groups/defaults.yaml for `headends`; the key files are the server's."""
    directory.mkdir(parents=True, exist_ok=True)
    if directory.resolve() != server.state_dir.resolve():
        _link_or_copy(server.known_hosts, directory / "known_hosts")
        _link_or_copy(server.password_file, directory / PASSWORD_FILE)
    defaults = {
        "username": server.username,
        "password": PASSWORD_REF,
        "connection_options": {
            CONNECTION_NAME: {"extras": {"known_hosts": str((directory / "known_hosts").resolve())}}
        },
    }
    _dump(directory / "hosts.yaml", host_entries(headends))
    _dump(directory / "groups.yaml", {SEED_GROUP: {"data": {"flexvpn": seed_group_data()}}})
    _dump(directory / "defaults.yaml", defaults)
    return directory


def resolve_password(
    value: str | None, base_dir: Path, environ: Mapping[str, str] | None = None
) -> str | None:
    """A Nornir password, or a reference to one: `file:PATH` (relative to base_dir), `env:NAME`."""
    if value is None:
        return None
    env = os.environ if environ is None else environ
    if value.startswith("env:"):
        name = value[4:]
        if not env.get(name):
            raise SecretError(f"environment variable {name} is not set", path="password")
        return env[name]
    if value.startswith("file:"):
        path = Path(value[5:]).expanduser()
        path = path if path.is_absolute() else base_dir / path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SecretError(
                f"cannot read password file {path} ({type(exc).__name__})", path="password"
            ) from None
        return text[:-1] if text.endswith("\n") else text
    return value


def _dump(path: Path, data: object) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        yaml.safe_dump(data, sort_keys=False, default_flow_style=False), encoding="utf-8"
    )
    tmp.replace(path)


def _link_or_copy(source: Path, target: Path) -> None:
    if target.is_symlink() or target.exists():
        target.unlink()
    try:
        target.symlink_to(source.resolve())
    except OSError:
        target.write_bytes(source.read_bytes())
        os.chmod(target, source.stat().st_mode & 0o777)
