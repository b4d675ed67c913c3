"""What the builders produce: native YANG XML plus explicit CLI-channel lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from nornir_flexvpn.releases import Release


@dataclass(frozen=True)
class CliItem:
    """A configuration line the release's models cannot express.

    Never dropped: the deploy sends it through the CLI channel
    (Cisco-IOS-XE-cli-rpc from 17.9.1, NAPALM/SSH before) or refuses naming it.
    `parents` are the mode lines that enter its context, e.g.
    ("interface Virtual-Template100 type tunnel",); `reason` says which node
    the release lacks, e.g. "16.9.1: no ikev2 authorization policy 'pool' in
    Cisco-IOS-XE-crypto".
    """

    area: str  # seed area, e.g. "ikev2_authorization_policy", "virtual_template"
    line: str
    parents: tuple[str, ...] = ()
    reason: str = ""

    @property
    def text(self) -> str:
        """The item as configuration text, one line per mode level."""
        lines = [*self.parents, *(" " * len(self.parents) + self.line,)]
        return "\n".join(lines)


@dataclass
class Payload:
    """The whole headend for one release.

    `config` is a NETCONF `<config>` element (namespace nc base) whose children
    are the top-level data nodes (normally one `<native>`), ready for
    edit-config and for libyang validation (pass its children).
    """

    release: Release
    config: etree._Element
    cli: list[CliItem] = field(default_factory=list)
