"""One revision of the intent repository, checked before it may come into force.

A revision is valid when the whole shard's inventory loads strictly, every
host's intent passes lint for its release, its secrets resolve, and its
payload validates against the release's models. One bad host refuses the
whole revision: a commit comes into force whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from nornir_flexvpn.cli.fleet import open_nornir, select
from nornir_flexvpn.errors import FlexVpnError, IntentError
from nornir_flexvpn.gitops.config import RepoConfig, load_repo_config
from nornir_flexvpn.gitops.git import CommitInfo
from nornir_flexvpn.intent.lint import ensure_clean
from nornir_flexvpn.intent.loader import HostIntent, load_hosts
from nornir_flexvpn.intent.secrets import resolve_secrets
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import ensure_valid_config


class RevisionError(IntentError):
    """A revision cannot come into force; the message names the host and field."""


@dataclass(frozen=True)
class Shard:
    """Which hosts of the inventory this controller owns (like `flexvpn plan`'s selection)."""

    hosts: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [f"host={h}" for h in self.hosts] + list(self.filters)
        return ",".join(parts) or "all"


@dataclass(frozen=True)
class Revision:
    commit: CommitInfo
    root: Path
    inventory_dir: Path
    hosts: dict[str, HostIntent]
    groups: dict[str, tuple[str, ...]]
    fingerprints: dict[str, str]
    config: RepoConfig

    @property
    def sha(self) -> str:
        return self.commit.sha


def fingerprint(host: HostIntent) -> str:
    """Changes when what the host should run changes (intent, release, model)."""
    text = f"{host.release.value}\0{host.model}\0{host.intent.model_dump_json()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shard_members(inventory_dir: Path, shard: Shard) -> dict[str, tuple[str, ...]]:
    """Host name -> its group names, for the hosts the shard selects."""
    nr = select(open_nornir(inventory_dir, workers=1), list(shard.hosts), list(shard.filters))
    return {name: tuple(g.name for g in h.groups) for name, h in nr.inventory.hosts.items()}


def check_revision(
    commit: CommitInfo, root: Path, *, inventory_path: str = ".", shard: Shard = Shard()
) -> Revision:
    """The revision if valid; otherwise the first error (IntentError, SchemaError, ...)."""
    inventory_dir = (root / inventory_path).resolve()
    if not inventory_dir.is_relative_to(root.resolve()):
        raise IntentError("the inventory path leaves the repository", path=inventory_path)
    config = load_repo_config(inventory_dir)
    groups = shard_members(inventory_dir, shard)
    hosts = load_hosts(inventory_dir, hosts=sorted(groups)) if groups else {}
    checked: set[tuple[str, Release]] = set()
    for name, host in sorted(hosts.items()):
        mark = (fingerprint(host), host.release)
        if mark in checked:
            continue  # a fleet sharing one intent is validated once
        try:
            ensure_clean(host.intent, host.release)
            secrets = resolve_secrets(host.intent, base_dir=inventory_dir)
            ensure_valid_config(
                host.release, build_payload(host.intent, host.release, secrets).config
            )
        except FlexVpnError as exc:
            raise RevisionError(f"host {name}: {exc.message}", path=exc.path) from None
        checked.add(mark)
    return Revision(
        commit=commit,
        root=root,
        inventory_dir=inventory_dir,
        hosts=hosts,
        groups=groups,
        fingerprints={name: fingerprint(h) for name, h in hosts.items()},
        config=config,
    )
