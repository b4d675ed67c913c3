"""Cisco-IOS-XE-native XML back to IOS configuration text (the FlexVPN subset).

`render_cli(config)` accepts a NETCONF `<config>`/`<data>` element (or an
`<rpc-reply>` holding `<data>`) with `<native>` inside, or `<native>` itself,
in any supported release's shape; the shape is read from the data, so
`release` is informational (kept for callers that know it and for
release-specific defaults later).

Output: blocks in the order of ../shared/seed/DIGEST.md (steps 1, 3-14),
lines inside a mode in the document's order, one space per mode level, no
`!` separators, ACL entries without sequence numbers. Normalisation:
interface names in IOS spelling (`interface loopback100` -> `interface
Loopback100`, `Virtual-Template 100` -> `Virtual-Template100`); the DIGEST's
two `crypto ikev2 authorization policy` passages (steps 4 and 13) are one
block. CLI items (lines the release's models cannot carry) are merged into
their parent mode at the document's place. Everything the renderer does not
understand becomes `! unrendered: <data path>` at the end (paths only, never
values). Passwords/secrets are rendered as the data holds them (`password 0
X`, `secret 9 $9$...`): the caller redacts before showing or logging.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml import etree

from nornir_flexvpn.namespaces import NATIVE
from nornir_flexvpn.payload.cli_render.acl_nat_cfg import render_acls, render_nat
from nornir_flexvpn.payload.cli_render.blocks import (
    UNRENDERED,
    Block,
    merge_cli_items,
    order_blocks,
)
from nornir_flexvpn.payload.cli_render.crypto_cfg import render_crypto
from nornir_flexvpn.payload.cli_render.global_cfg import (
    render_aaa,
    render_hostname,
    render_http,
    render_local_pools,
    render_usernames,
)
from nornir_flexvpn.payload.cli_render.interface_cfg import render_interfaces
from nornir_flexvpn.payload.cli_render.xmlread import (
    Reader,
    data_path,
    element_children,
    localname,
)
from nornir_flexvpn.payload.types import CliItem
from nornir_flexvpn.releases import Release

__all__ = ["Block", "render_blocks", "render_cli"]

_Renderer = Callable[[Reader, etree._Element, list[Block]], None]
_RENDERERS: tuple[_Renderer, ...] = (
    render_hostname,
    render_aaa,
    render_usernames,
    render_local_pools,
    render_crypto,
    render_http,
    render_interfaces,
    render_acls,
    render_nat,
)
_WRAPPERS = frozenset({"config", "data", "rpc-reply"})


def _is_native(el: etree._Element) -> bool:
    return (
        isinstance(el.tag, str)
        and etree.QName(el).namespace == NATIVE
        and (localname(el) == "native")
    )


def _top_level(config: etree._Element) -> list[etree._Element]:
    """The data nodes: `native` itself, or the children of config/data (through rpc-reply)."""
    if _is_native(config) or localname(config) not in _WRAPPERS:
        return [config]
    nodes: list[etree._Element] = []
    for child in element_children(config):
        if localname(child) in _WRAPPERS:
            nodes += _top_level(child)
        else:
            nodes.append(child)
    return nodes


def render_blocks(
    config: etree._Element | None,
    release: Release | None = None,
    cli_items: Sequence[CliItem] = (),
) -> list[Block]:
    """The configuration as ordered blocks (what `render_cli` joins and `cli_diff` compares)."""
    del release  # the shape is read from the data itself
    blocks: list[Block] = []
    unrendered: list[str] = []
    for node in _top_level(config) if config is not None else []:
        if not _is_native(node):
            unrendered.append(data_path(node))
            continue
        reader = Reader()
        for render in _RENDERERS:
            render(reader, node, blocks)
        unrendered += reader.unrendered(node)
    merge_cli_items(blocks, cli_items)
    ordered = order_blocks(blocks)
    seen: set[str] = set()
    for path in unrendered:
        if path not in seen:
            seen.add(path)
            ordered.append(Block(f"{UNRENDERED} {path}"))
    return ordered


def render_cli(
    config: etree._Element,
    release: Release | None = None,
    cli_items: Sequence[CliItem] = (),
) -> str:
    """IOS configuration text for `config` (see the module docstring for the form)."""
    lines = [line for block in render_blocks(config, release, cli_items) for line in block.lines()]
    return "\n".join(lines) + "\n" if lines else ""
