"""A block-aware diff of two native configurations, as IOS lines.

Both sides are rendered with `render_blocks` (so XML order, namespace
prefixes and release shapes do not matter) and compared block by block:

    + crypto ikev2 profile NEW          a block only in `after`, with its lines
    +  match identity remote key-id X
    - ip local pool OLD 10.0.0.1 ...     a block only in `before`
      crypto ikev2 profile AnyConnect-EAP   context: the mode line of a change
    -  virtual-template 100
    +  virtual-template 200

Lines inside a mode are compared in order (ACL entries are ordered). Top-
level blocks are matched by their key (the mode line; interfaces by name),
so moving a block is not a change. Equivalent inputs give an empty list.
"""

from __future__ import annotations

import difflib

from lxml import etree

from nornir_flexvpn.payload.cli_render.blocks import section_of
from nornir_flexvpn.payload.render_cli import Block, render_blocks
from nornir_flexvpn.releases import Release

ADDED = "+ "
REMOVED = "- "
CONTEXT = "  "


def _merged_order(before: list[Block], after: list[Block]) -> list[str]:
    """Keys of both sides in the document's order (removed blocks where `before` had them)."""
    sections = {b.key: section_of(b.header) for b in [*before, *after]}
    order = [b.key for b in after]
    present = set(order)
    previous: str | None = None
    for block in before:
        if block.key not in present:
            index = order.index(previous) + 1 if previous is not None else 0
            order.insert(index, block.key)
            present.add(block.key)
        previous = block.key
    return sorted(order, key=sections.__getitem__)


def _block_diff(old: Block, new: Block) -> list[str]:
    lines: list[str] = []
    if old.header != new.header:  # same key, different mode line (e.g. `type tunnel`)
        lines += [REMOVED + old.header, ADDED + new.header]
    changed = False
    matcher = difflib.SequenceMatcher(a=old.children, b=new.children, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed = True
        lines += [REMOVED + line for line in old.children[i1:i2]]
        lines += [ADDED + line for line in new.children[j1:j2]]
    if changed and old.header == new.header:
        lines.insert(0, CONTEXT + new.header)
    return lines


def cli_diff(
    before: etree._Element | None,
    after: etree._Element | None,
    release: Release | None = None,
) -> list[str]:
    """IOS lines prefixed `+ `/`- ` (and `  ` for a changed mode's line); [] when equivalent."""
    old = {b.key: b for b in render_blocks(before, release)}
    new = {b.key: b for b in render_blocks(after, release)}
    lines: list[str] = []
    for key in _merged_order(list(old.values()), list(new.values())):
        if key not in old:
            lines += [ADDED + line for line in new[key].lines()]
        elif key not in new:
            lines += [REMOVED + line for line in old[key].lines()]
        else:
            lines += _block_diff(old[key], new[key])
    return lines
