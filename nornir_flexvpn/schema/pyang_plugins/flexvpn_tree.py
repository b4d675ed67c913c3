"""pyang output format `flexvpn-tree`: the tree of several subtrees from one validation.

pyang's own `-f tree --tree-path P` prints one subtree per run, and a run on
Cisco-IOS-XE-native spends most of a minute expanding groupings; this format
validates once and prints each `--flexvpn-tree-path` (repeatable) in turn.
Loaded by pyang from its `--plugindir`, never imported by the package.
"""

from __future__ import annotations

import optparse
from typing import Any, TextIO

from pyang import plugin
from pyang.plugins import tree


def pyang_plugin_init() -> None:
    plugin.register_plugin(FlexVpnTreePlugin())


class FlexVpnTreePlugin(plugin.PyangPlugin):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__("flexvpn-tree")

    def add_output_format(self, fmts: dict[str, Any]) -> None:
        self.multiple_modules = True
        fmts["flexvpn-tree"] = self

    def add_opts(self, optparser: optparse.OptionParser) -> None:
        group = optparser.add_option_group("flexvpn-tree output specific options")
        group.add_option(
            "--flexvpn-tree-path",
            dest="flexvpn_tree_paths",
            action="append",
            default=[],
            help="Subtree to print (repeatable); none prints whole modules",
        )

    def setup_fmt(self, ctx: Any) -> None:
        ctx.implicit_errors = False

    def emit(self, ctx: Any, modules: list[Any], fd: TextIO) -> None:
        depth = ctx.opts.tree_depth
        width = ctx.opts.tree_line_length
        paths: list[str] = ctx.opts.flexvpn_tree_paths
        if not paths:
            tree.emit_tree(ctx, modules, fd, depth, width, None)
            return
        for raw in paths:
            fd.write(f"# {raw}\n")
            steps = [s for s in raw.split("/") if s]
            tree.emit_tree(ctx, modules[:1], fd, depth, width, steps)
            fd.write("\n")
