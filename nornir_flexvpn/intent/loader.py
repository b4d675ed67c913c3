"""Per-host intents from a Nornir inventory.

A host's `flexvpn:` data is merged the way Nornir users expect: defaults <
groups < host, where a host's earlier groups beat its later ones and a group
beats its own parents (Nornir's `extended_groups` order). Mappings are merged
key by key; lists and scalars are replaced whole. The merged mapping is then
validated strictly (no coercion: `"14"` is not a DH group, `yes` in quotes is
not a boolean), and every error names the file and YAML path it came from,
e.g. `groups.yaml:flexvpn-seed.data.flexvpn.pools[0].start`.

`release` and `model` are ordinary host data, looked up like Nornir's
`host["release"]`: the host, then its groups, then defaults.
"""

from __future__ import annotations

import copy
import datetime
import ipaddress
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from nornir_flexvpn.errors import IntentError, IntentIssuesError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.intent.yaml_source import YamlDocument, YamlPath, format_path, read_yaml
from nornir_flexvpn.releases import DEFAULT_RELEASE, Release, release_dir

INTENT_KEY = "flexvpn"
_HOST_KEYS = frozenset(
    {"hostname", "port", "username", "password", "platform", "groups", "data", "connection_options"}
)
_DEFAULTS_KEYS = _HOST_KEYS - {"groups"}
_INHERITED_ATTRS = ("hostname", "port", "username", "platform")

EntityKind = Literal["host", "group", "defaults"]


@dataclass(frozen=True)
class HostIntent:
    """Everything the tool needs about one headend; no secret values."""

    name: str
    hostname: str
    port: int | None
    username: str | None
    release: Release
    model: str
    intent: FlexVpnIntent
    # The inventory layers that were merged, highest precedence first.
    source: str
    # Where relative secret files are looked up (the inventory directory).
    inventory_dir: Path | None = None


@dataclass(frozen=True)
class _Entity:
    """A host, a group or the defaults, with where it was written."""

    kind: EntityKind
    name: str
    doc: YamlDocument
    base: YamlPath
    attrs: Mapping[str, Any]
    data: Mapping[str, Any]
    groups: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.doc.name}:{self.name}" if self.kind != "defaults" else self.doc.name

    def where(self, rel: YamlPath) -> str:
        full = (*self.base, *rel)
        return f"{self.doc.name}:{format_path(full)}" if full else self.doc.name

    def line(self, rel: YamlPath) -> int | None:
        return self.doc.line_of((*self.base, *rel))


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _entity(kind: EntityKind, name: str, raw: Any, doc: YamlDocument) -> _Entity:
    base: YamlPath = () if kind == "defaults" else (name,)
    here = f"{doc.name}:{format_path(base)}" if base else doc.name
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise IntentError(f"expected a mapping, got {_type_name(raw)}", path=here)
    allowed = _DEFAULTS_KEYS if kind == "defaults" else _HOST_KEYS
    for key in raw:
        if key not in allowed:
            line = doc.line_of((*base, str(key)))
            raise IntentError(
                f"unknown key {key!r} (line {line}); allowed: {', '.join(sorted(allowed))}",
                path=f"{doc.name}:{format_path((*base, str(key)))}",
            )

    def check(key: str, ok: bool, expected: str) -> None:
        if key in raw and raw[key] is not None and not ok:
            line = doc.line_of((*base, key))
            raise IntentError(
                f"expected {expected}, got {_type_name(raw[key])} (line {line})",
                path=f"{doc.name}:{format_path((*base, key))}",
            )

    for key in ("hostname", "username", "platform"):
        check(key, isinstance(raw.get(key), str), "a string")
    port = raw.get("port")
    check("port", isinstance(port, int) and not isinstance(port, bool), "an integer")
    if isinstance(port, int) and not 1 <= port <= 65535:
        raise IntentError(
            f"port {port} is outside 1..65535", path=f"{doc.name}:{format_path((*base, 'port'))}"
        )
    check("password", isinstance(raw.get("password"), str), "a string")
    check("data", isinstance(raw.get("data"), dict), "a mapping")
    check("connection_options", isinstance(raw.get("connection_options"), dict), "a mapping")
    groups = raw.get("groups")
    check(
        "groups",
        isinstance(groups, list) and all(isinstance(g, str) for g in groups),
        "a list of group names",
    )
    attrs = {k: raw.get(k) for k in _INHERITED_ATTRS}
    return _Entity(kind, name, doc, base, attrs, raw.get("data") or {}, tuple(groups or ()))


def _entities(doc: YamlDocument, kind: EntityKind) -> dict[str, _Entity]:
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise IntentError(
            f"expected a mapping of {kind} names, got {_type_name(doc.data)}", path=doc.name
        )
    out: dict[str, _Entity] = {}
    for name, raw in doc.data.items():
        if not isinstance(name, str):
            raise IntentError(f"{kind} names must be strings, got {name!r}", path=doc.name)
        out[name] = _entity(kind, name, raw, doc)
    return out


def _extended_groups(
    entity: _Entity, groups: Mapping[str, _Entity], stack: tuple[str, ...] = ()
) -> list[_Entity]:
    """Nornir's inheritance order: each group, then its own ancestors, no repeats."""
    out: list[_Entity] = []
    seen: set[str] = set()
    for index, name in enumerate(entity.groups):
        group = groups.get(name)
        if group is None:
            raise IntentError(f"unknown group {name!r}", path=entity.where(("groups", index)))
        if name in stack:
            raise IntentError(
                f"group cycle: {' -> '.join((*stack, name))}", path=entity.where(("groups",))
            )
        for member in (group, *_extended_groups(group, groups, (*stack, name))):
            if member.name not in seen:
                seen.add(member.name)
                out.append(member)
    return out


# --- merging ---------------------------------------------------------------------------------
_Provenance = dict[YamlPath, _Entity]


def _overlay(
    base: dict[str, Any],
    top: Mapping[str, Any],
    origin: _Entity,
    prefix: YamlPath,
    prov: _Provenance,
) -> None:
    for key, value in top.items():
        path = (*prefix, key)
        below = base.get(key)
        if isinstance(value, dict) and isinstance(below, dict):
            merged = dict(below)
            _overlay(merged, value, origin, path, prov)
            base[key] = merged
            continue
        base[key] = copy.deepcopy(value)
        for old in [p for p in prov if p[: len(path)] == path]:
            del prov[old]
        prov[path] = origin


def _origin(prov: _Provenance, loc: YamlPath, fallback: _Entity) -> _Entity:
    for end in range(len(loc), 0, -1):
        found = prov.get(loc[:end])
        if found is not None:
            return found
    return fallback


def _data_loc(loc: Sequence[str | int], data: Any) -> YamlPath:
    """Pydantic's error location as a path in the data (discriminator tags dropped)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
        elif isinstance(node, dict) and part not in node and node.get("kind") == part:
            continue  # the tagged union's tag, not a key the user wrote
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(out)


def _message(error: Mapping[str, Any]) -> str:
    msg = str(error["msg"])
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ipaddress.AddressValueError):
        return f"value is not a valid IPv4 address ({cause})"
    return msg.removeprefix("Value error, ")


_JSON_SCALARS = (str, int, float, bool, type(None))


def _unsupported_values(node: Any, path: YamlPath = ()) -> list[tuple[YamlPath, str]]:
    """YAML types JSON has no word for (dates, binary, sets) and non-string keys."""
    found: list[tuple[YamlPath, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                found.append(((*path, str(key)), f"keys must be strings, got {_type_name(key)}"))
            else:
                found.extend(_unsupported_values(value, (*path, key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(_unsupported_values(item, (*path, index)))
    elif not isinstance(node, _JSON_SCALARS):
        hint = "; quote it" if isinstance(node, datetime.date) else ""
        found.append((path, f"a YAML {_type_name(node)} is not accepted here{hint}"))
    return found


def _intent_of(host: _Entity, chain: Sequence[_Entity]) -> FlexVpnIntent:
    merged: dict[str, Any] = {}
    prov: _Provenance = {}
    for layer in reversed(chain):
        block = layer.data.get(INTENT_KEY)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise IntentError(
                f"expected a mapping, got {_type_name(block)}",
                path=layer.where(("data", INTENT_KEY)),
            )
        _overlay(merged, block, layer, (), prov)

    def locate(loc: YamlPath, message: str) -> tuple[str, str]:
        origin = _origin(prov, loc, host)
        rel = ("data", INTENT_KEY, *loc)
        notes = []
        line = origin.line(rel)
        if line is not None:
            notes.append(f"line {line}")
        if origin is not host:
            notes.append(f"inherited by host {host.name}")
        return origin.where(rel), f"{message} ({'; '.join(notes)})" if notes else message

    bad = _unsupported_values(merged)
    if bad:
        raise IntentIssuesError([locate(loc, msg) for loc, msg in bad])
    try:
        # JSON mode, strict: strings become addresses, but nothing else is coerced.
        return FlexVpnIntent.model_validate_json(json.dumps(merged), strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise IntentIssuesError(
            [locate(_data_loc(e["loc"], merged), _message(e)) for e in errors]
        ) from None


def _lookup_data(chain: Sequence[_Entity], key: str) -> tuple[Any, _Entity | None]:
    for entity in chain:
        if key in entity.data and (entity.kind != "defaults" or entity.data[key] is not None):
            return entity.data[key], entity
    return None, None


def _lookup_attr(chain: Sequence[_Entity], key: str) -> Any:
    for entity in chain:
        if entity.attrs.get(key) is not None:
            return entity.attrs[key]
    return None


def _platforms(release: Release) -> set[str] | None:
    """Platforms whose hello capability lists ship with the release's models."""
    folder = release_dir(release)
    if not folder.is_dir():
        return None
    found = {p.name[len("capability-") : -len(".xml")] for p in folder.glob("capability-*.xml")}
    found |= {
        p.name[: -len("-netconf-capability.xml")] for p in folder.glob("*-netconf-capability.xml")
    }
    return found


def _host_intent(host: _Entity, chain: Sequence[_Entity], inventory_dir: Path | None) -> HostIntent:
    raw_release, owner = _lookup_data(chain, "release")
    if raw_release is None:
        release = DEFAULT_RELEASE
    elif not isinstance(raw_release, str) or owner is None:
        where = owner.where(("data", "release")) if owner else host.where(("data", "release"))
        raise IntentError(
            f"expected a release string such as '17.15.1', got {_type_name(raw_release)}",
            path=where,
        )
    else:
        try:
            release = Release.parse(raw_release)
        except IntentError as exc:
            raise IntentError(exc.message, path=owner.where(("data", "release"))) from None
    raw_model, owner = _lookup_data(chain, "model")
    if raw_model is None:
        model = release.default_platform
    elif not isinstance(raw_model, str) or not raw_model or owner is None:
        where = owner.where(("data", "model")) if owner else host.where(("data", "model"))
        raise IntentError(f"expected a platform name, got {_type_name(raw_model)}", path=where)
    else:
        model = raw_model
        known = _platforms(release)
        if known is not None and model not in known:
            raise IntentError(
                f"no platform {model!r} in release {release.value}; known: "
                + ", ".join(sorted(known)),
                path=owner.where(("data", "model")),
            )
    hostname = _lookup_attr(chain, "hostname")
    if not hostname:
        raise IntentError(
            "hostname is not set (on the host, its groups or defaults)",
            path=host.where(("hostname",)),
        )
    return HostIntent(
        name=host.name,
        hostname=hostname,
        port=_lookup_attr(chain, "port"),
        username=_lookup_attr(chain, "username"),
        release=release,
        model=model,
        intent=_intent_of(host, chain),
        source=" < ".join(e.label for e in chain),
        inventory_dir=inventory_dir,
    )


# --- public API -------------------------------------------------------------------------------
def load_hosts(inventory_dir: Path, *, hosts: Sequence[str] | None = None) -> dict[str, HostIntent]:
    """Read a SimpleInventory directory (hosts.yaml, optional groups.yaml/defaults.yaml)."""
    inventory_dir = Path(inventory_dir)
    hosts_file = inventory_dir / "hosts.yaml"
    if not hosts_file.is_file():
        raise IntentError(f"no hosts.yaml in {inventory_dir}", path=str(inventory_dir))
    host_doc = read_yaml(hosts_file)
    groups_file = inventory_dir / "groups.yaml"
    defaults_file = inventory_dir / "defaults.yaml"
    group_doc = (
        read_yaml(groups_file) if groups_file.is_file() else YamlDocument("groups.yaml", None)
    )
    defaults_doc = (
        read_yaml(defaults_file) if defaults_file.is_file() else YamlDocument("defaults.yaml", None)
    )
    all_hosts = _entities(host_doc, "host")
    groups = _entities(group_doc, "group")
    if defaults_doc.data is not None and not isinstance(defaults_doc.data, dict):
        raise IntentError(
            f"expected a mapping, got {_type_name(defaults_doc.data)}", path=defaults_doc.name
        )
    defaults = _entity("defaults", "", defaults_doc.data, defaults_doc)
    if isinstance(hosts, str):
        hosts = [hosts]  # one name, not its characters
    wanted = list(all_hosts) if hosts is None else list(hosts)
    unknown = [h for h in wanted if h not in all_hosts]
    if unknown:
        raise IntentError(
            f"unknown host(s) {', '.join(unknown)}; known: {', '.join(all_hosts) or 'none'}",
            path=host_doc.name,
        )
    result: dict[str, HostIntent] = {}
    for name in wanted:
        host = all_hosts[name]
        chain = [host, *_extended_groups(host, groups), defaults]
        result[name] = _host_intent(host, chain, inventory_dir.resolve())
    return result


def _from_nornir(kind: EntityKind, name: str, obj: Any) -> _Entity:
    doc = YamlDocument(kind if kind == "defaults" else f"{kind}s", None)
    data = obj.data if isinstance(obj.data, dict) else {}
    attrs = {k: getattr(obj, k, None) for k in _INHERITED_ATTRS}
    groups = tuple(g.name for g in getattr(obj, "groups", ()))
    base: YamlPath = () if kind == "defaults" else (name,)
    return _Entity(kind, name, doc, base, attrs, data, groups)


def intent_from_host(host: Any, *, inventory_dir: Path | None = None) -> HostIntent:
    """The intent of a Nornir host (`task.host`), merged like `load_hosts` does.

    Nornir objects carry no file names or lines, so paths read
    `hosts:NAME.data.flexvpn...`, `groups:NAME...`, `defaults:data...`.
    """
    entity = _from_nornir("host", host.name, host)
    chain = [entity]
    for group in host.extended_groups():
        chain.append(_from_nornir("group", group.name, group))
    chain.append(_from_nornir("defaults", "", host.defaults))
    # Nornir already resolved inheritance of hostname/port/username for us.
    attrs = {"hostname": host.hostname, "port": host.port, "username": host.username}
    chain[0] = _Entity(
        entity.kind, entity.name, entity.doc, entity.base, attrs, entity.data, entity.groups
    )
    return _host_intent(chain[0], chain, inventory_dir)
