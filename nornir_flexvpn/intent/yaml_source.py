"""Strict YAML reading that remembers where every key came from.

PyYAML's safe loader, plus: the line of every mapping key and list item
(so errors can say `hosts.yaml:seed-headend.data.flexvpn.pools[0].start
(line 14)`), and duplicate keys refused instead of silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nornir_flexvpn.errors import IntentError

YamlPath = tuple[str | int, ...]


def format_path(parts: YamlPath) -> str:
    """`("pools", 0, "start")` -> `pools[0].start`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class YamlDocument:
    """One parsed file: its data, and the 1-based line of each path in it."""

    name: str
    data: Any
    lines: dict[YamlPath, int] = field(default_factory=dict)

    def line_of(self, path: YamlPath) -> int | None:
        """Line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def _record(node: yaml.Node, path: YamlPath, lines: dict[YamlPath, int], name: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise IntentError(
                    f"mapping keys must be plain scalars (line {key_node.start_mark.line + 1})",
                    path=f"{name}:{format_path(path)}" if path else name,
                )
            key = str(key_node.value)
            if key == "<<":
                continue
            if key in seen:
                where = format_path((*path, key))
                raise IntentError(
                    f"duplicate key {key!r} (line {key_node.start_mark.line + 1})",
                    path=f"{name}:{where}",
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _record(value_node, (*path, key), lines, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), lines, name)


def parse_yaml(text: str, name: str) -> YamlDocument:
    """Parse one YAML document; syntax errors name the file and line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[YamlPath, int] = {}
        if node is None:
            return YamlDocument(name, None, lines)
        # Walk before constructing: construction flattens merge keys in place.
        _record(node, (), lines, name)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        problem = exc.problem or exc.context or "malformed YAML"
        raise IntentError(f"malformed YAML: {problem}", path=where) from None
    except yaml.YAMLError as exc:
        raise IntentError(f"malformed YAML: {exc}", path=name) from None
    finally:
        loader.dispose()
    return YamlDocument(name, data, lines)


def read_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IntentError(f"cannot read {path} ({type(exc).__name__})", path=path.name) from None
    return parse_yaml(text, path.name)
