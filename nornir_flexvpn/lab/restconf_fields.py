"""RFC 8040 §4.8 `depth` and `fields` applied to an RFC 7951 reply body."""

from __future__ import annotations

from typing import Any

from nornir_flexvpn.restconf.paths import PathError

FieldTree = dict[str, "FieldTree | None"]


def parse_fields(expr: str) -> FieldTree:
    """`a/b;c(d;e)` -> {"a": {"b": None}, "c": {"d": None, "e": None}}."""
    tree, rest = _expr(expr, 0)
    if rest != len(expr):
        raise PathError(f"unexpected {expr[rest]!r} in fields", path="fields")
    return tree


def _expr(text: str, pos: int) -> tuple[FieldTree, int]:
    tree: FieldTree = {}
    while True:
        names: list[str] = []
        while True:
            start = pos
            while pos < len(text) and text[pos] not in "/;()":
                pos += 1
            if pos == start:
                raise PathError(f"empty name in fields at {pos}", path="fields")
            names.append(text[start:pos])
            if pos < len(text) and text[pos] == "/":
                pos += 1
                continue
            break
        sub: FieldTree | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _expr(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise PathError("unbalanced '(' in fields", path="fields")
            pos += 1
        node = tree
        for name in names[:-1]:
            child = node.get(name)
            if child is None:
                child = {}
                node[name] = child
            node = child
        last = names[-1]
        if sub is not None and isinstance(node.get(last), dict):
            node[last].update(sub)  # type: ignore[union-attr]
        else:
            node[last] = sub
        if pos < len(text) and text[pos] == ";":
            pos += 1
            continue
        return tree, pos


def _local(member: str) -> str:
    return member.split(":", 1)[1] if ":" in member else member


def select_fields(value: Any, fields: FieldTree) -> Any:
    """Keep only the members `fields` names (qualified or not) below `value`."""
    if isinstance(value, list):
        return [select_fields(entry, fields) for entry in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for member, child in value.items():
        key = member if member in fields else _local(member)
        if key not in fields:
            continue
        wanted = fields[key]
        out[member] = child if wanted is None else select_fields(child, wanted)
    return out


def limit_depth(value: Any, depth: int) -> Any:
    """Drop what lies deeper than `depth` below the target (the target is level 1)."""
    if isinstance(value, list):
        return [limit_depth(entry, depth) for entry in value]
    if not isinstance(value, dict):
        return value
    if depth <= 1:
        return {}
    return {k: limit_depth(v, depth - 1) for k, v in value.items()}
