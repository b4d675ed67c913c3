"""The `--transport` choice of `flexvpn plan` and `flexvpn verify` (kept import-light)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Transport(StrEnum):
    NETCONF = "netconf"
    RESTCONF = "restconf"


TransportOpt = Annotated[
    Transport,
    typer.Option(
        "--transport",
        help=(
            "How to read the headends: netconf (SSH, port 830) or restconf "
            "(HTTPS; connection_options.flexvpn_restconf in the inventory)."
        ),
    ),
]
