"""Plan one headend: intent -> payload -> read managed running -> changes.

Read-only: the only RPC is one filtered get-config of the objects the
payload manages (never the whole configuration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from nornir_flexvpn.deploy.cli_lines import missing_items
from nornir_flexvpn.deploy.redaction import redact_cli
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.loader import HostIntent
from nornir_flexvpn.intent.secrets import ResolvedSecrets, verify_secret9
from nornir_flexvpn.namespaces import NATIVE, qn
from nornir_flexvpn.netconf.connection import NetconfConnection
from nornir_flexvpn.netconf.options import Datastore, Filter, WithDefaultsMode
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.cli_diff import cli_diff
from nornir_flexvpn.payload.types import CliItem, Payload
from nornir_flexvpn.plan.diff import Change, Equivalence, diff_config
from nornir_flexvpn.plan.edit import apply_changes, build_edit
from nornir_flexvpn.plan.managed import managed_filter
from nornir_flexvpn.plan.walk import canonical, children
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.index import SchemaIndex


class ConfigReader(Protocol):
    """What planning reads through: NetconfConnection, or restconf.reader.RestconfReader."""

    def get_config(
        self,
        source: Datastore = ...,
        filter: Filter | None = ...,
        with_defaults: WithDefaultsMode | None = ...,
    ) -> etree._Element: ...


@dataclass
class HostPlan:
    host: str
    release: Release
    payload: Payload
    changes: list[Change]
    edit: etree._Element | None
    cli_items: list[CliItem]
    cli_diff: list[str] = field(default_factory=list)  # redacted

    @property
    def changed(self) -> bool:
        return self.edit is not None or bool(self.cli_items)

    def as_dict(self) -> dict[str, object]:
        return {
            "host": self.host,
            "release": self.release.value,
            "changed": self.changed,
            "changes": [{"action": c.action.value, "path": c.path} for c in self.changes],
            "cli_channel": [item.text for item in self.cli_items],
            "diff": list(self.cli_diff),
        }


def check_release(conn: NetconfConnection, host: HostIntent) -> None:
    """Refuse to send one release's payload to a device that runs another."""
    guess = conn.capabilities.release_guess
    if guess is not None and guess.exact and guess.release is not host.release:
        raise IntentError(
            f"inventory says {host.name} runs {host.release.value} but the device looks like "
            f"{guess.release.value} ({guess.evidence}); fix the host's `release`",
            path=f"{host.name}.data.release",
        )


def username_equivalence(secrets: ResolvedSecrets) -> Equivalence:
    """Users whose type-9 hash differs only by salt are the same user."""

    def equivalent(path: str, desired: etree._Element, running: etree._Element) -> bool:
        if etree.QName(desired).localname != "username" or etree.QName(desired).namespace != NATIVE:
            return False
        name_el = desired.find(qn(NATIVE, "name"))
        want = _secret_leaf(desired)
        have = _secret_leaf(running)
        if name_el is None or want is None or have is None:
            return False
        if not verify_secret9(secrets.user_password((name_el.text or "").strip()), have):
            return False
        return canonical(_without_secret(desired)) == canonical(_without_secret(running))

    return equivalent


def _secret_leaf(user: etree._Element) -> str | None:
    leaf = user.find(f"{qn(NATIVE, 'secret')}/{qn(NATIVE, 'secret')}")
    return (leaf.text or "").strip() if leaf is not None else None


def _without_secret(user: etree._Element) -> etree._Element:
    copy = etree.fromstring(etree.tostring(user))
    for leaf in copy.findall(f"{qn(NATIVE, 'secret')}/{qn(NATIVE, 'secret')}"):
        parent = leaf.getparent()
        if parent is not None:
            parent.remove(leaf)
    return copy


def plan_host(
    conn: NetconfConnection,
    host: HostIntent,
    secrets: ResolvedSecrets,
    *,
    resend_cli: bool = False,
    cli_running: Callable[[], str] | None = None,
) -> HostPlan:
    check_release(conn, host)
    payload = build_payload(host.intent, host.release, secrets)
    return plan_payload(
        conn, host.name, payload, secrets, resend_cli=resend_cli, cli_running=cli_running
    )


def plan_payload(
    conn: ConfigReader,
    name: str,
    payload: Payload,
    secrets: ResolvedSecrets,
    *,
    resend_cli: bool = False,
    cli_running: Callable[[], str] | None = None,
) -> HostPlan:
    """`cli_running`, where a CLI channel exists, reads running-config text so
    CLI-channel lines are compared like the rest."""
    running, changes = read_and_diff(conn, payload, secrets)
    edit = build_edit(changes)
    if resend_cli:
        cli_items = list(payload.cli)
    elif cli_running is not None and payload.cli:
        cli_items = missing_items(payload.cli, cli_running())
    else:
        # Over NETCONF alone these lines cannot be read back (no model holds
        # them): they go with any NETCONF change (they are idempotent).
        cli_items = list(payload.cli) if changes else []
    after = apply_changes(running, changes)
    lines = cli_diff(running if children(running) else None, after, payload.release)
    lines += [f"+ {line}" for item in cli_items for line in item.text.splitlines()]
    return HostPlan(
        host=name,
        release=payload.release,
        payload=payload,
        changes=changes,
        edit=edit,
        cli_items=cli_items,
        cli_diff=[redact_cli(line, secrets) for line in lines],
    )


def read_and_diff(
    conn: ConfigReader, payload: Payload, secrets: ResolvedSecrets
) -> tuple[etree._Element, list[Change]]:
    """One filtered get-config of the managed objects, and what differs."""
    index = SchemaIndex.for_release(payload.release)
    running = conn.get_config("running", filter=managed_filter(payload.config, index))
    equivalent = username_equivalence(secrets)
    return running, diff_config(payload.config, running, index, equivalent=equivalent)


def converged(conn: ConfigReader, payload: Payload, secrets: ResolvedSecrets) -> bool:
    """True when running holds every managed object as intended (a read only)."""
    return not read_and_diff(conn, payload, secrets)[1]
