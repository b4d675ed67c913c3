"""RESTCONF data resource paths (RFC 8040 §3.5.3) and their libyang XPath twins.

A path is a tuple of steps from a top-level node; a list entry step carries
its key values in schema order. The URL form qualifies a step with its module
only where the module changes, percent-encodes key values and separates them
with commas; the XPath form is what libyang's `create_data_path`/`find_path`
take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from nornir_flexvpn.errors import FlexVpnError


class PathError(FlexVpnError):
    """A RESTCONF path that does not name a node of the models."""


@dataclass(frozen=True)
class Step:
    module: str
    name: str
    keys: tuple[tuple[str, str], ...] = ()  # (key leaf, value) in schema order
    entry: bool = False  # a list entry (keys given), not the whole list


@dataclass(frozen=True)
class ApiPath:
    steps: tuple[Step, ...] = ()

    def child(self, step: Step) -> ApiPath:
        return ApiPath((*self.steps, step))

    @property
    def parent(self) -> ApiPath:
        return ApiPath(self.steps[:-1])

    @property
    def target(self) -> Step | None:
        return self.steps[-1] if self.steps else None

    def url(self) -> str:
        """`Cisco-IOS-XE-native:native/crypto/Cisco-IOS-XE-crypto:ikev2/profile=AnyConnect-EAP`."""
        parts: list[str] = []
        module = ""
        for step in self.steps:
            name = step.name if step.module == module else f"{step.module}:{step.name}"
            module = step.module
            if step.entry:
                name += "=" + ",".join(quote(value, safe="") for _, value in step.keys)
            parts.append(name)
        return "/".join(parts)

    def xpath(self) -> str:
        """`/Cisco-IOS-XE-native:native/interface/Loopback[name='100']` for libyang."""
        out: list[str] = []
        module = ""
        for step in self.steps:
            name = step.name if step.module == module else f"{step.module}:{step.name}"
            module = step.module
            predicates = "".join(f"[{key}={_quoted(value)}]" for key, value in step.keys)
            out.append(f"/{name}{predicates}")
        return "".join(out) or "/"

    def __str__(self) -> str:
        return "/" + self.url()


def _quoted(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise PathError(f"key value {value!r} holds both quote characters", path="keys")


KeyNames = Callable[[tuple[tuple[str, str], ...]], tuple[str, ...] | None]
"""(module, name) steps so far -> key names of that node (() for non-lists, None: unknown)."""


def parse_url_path(raw: str, key_names: KeyNames) -> ApiPath:
    """The part of a request URI after `/restconf/data/`, still percent-encoded."""
    steps: list[Step] = []
    trail: list[tuple[str, str]] = []
    module = ""
    for segment in (s for s in raw.strip("/").split("/") if s):
        head, eq, values = segment.partition("=")
        identifier = unquote(head)
        if ":" in identifier:
            module, name = identifier.split(":", 1)
        else:
            name = identifier
        if not module:
            raise PathError(
                f"the first step {identifier!r} needs its module (module:name)", path=raw
            )
        trail.append((module, name))
        keys = key_names(tuple(trail))
        if keys is None:
            raise PathError(f"no node {identifier!r} here in the models", path=raw)
        if eq:
            given = [unquote(v) for v in values.split(",")]
            if not keys or len(given) != len(keys):
                raise PathError(
                    f"{name} takes {len(keys)} key value(s), got {len(given)}", path=raw
                )
            steps.append(Step(module, name, tuple(zip(keys, given, strict=True)), entry=True))
        else:
            steps.append(Step(module, name))
    return ApiPath(tuple(steps))
