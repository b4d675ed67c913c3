"""What each release's models allow for the intent's names and algorithms.

Lint needs a handful of facts per release (the longest method-list name, the
IKEv2 and ESP algorithms the crypto model offers). They are read from Cisco's
YANG modules with libyang by `extract_facts`, and kept in
`release_facts.json` beside this file so that linting costs nothing at run
time and works without the models directory. `python -m
nornir_flexvpn.intent.release_facts` regenerates the file; a test checks that
the file still equals what the models say (repairs of the published modules
are nornir_flexvpn.schema's business).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nornir_flexvpn.errors import SchemaError
from nornir_flexvpn.releases import Release

FACTS_FILE = Path(__file__).with_name("release_facts.json")

_N = "/Cisco-IOS-XE-native:native"
_CRYPTO = f"{_N}/crypto/Cisco-IOS-XE-crypto:"
_AAA = f"{_N}/aaa/Cisco-IOS-XE-aaa:"

# Intent field -> schema path(s) of the YANG key leaf that stores that name.
# Several candidates where a release moved the node; the first that exists wins.
NAME_LEAVES: dict[str, tuple[str, ...]] = {
    "aaa.authentication_login": (f"{_AAA}authentication/login/name",),
    "aaa.authorization_network": (f"{_AAA}authorization/network/id",),
    "aaa.users": (f"{_N}/username/name",),
    "trustpoint": (f"{_CRYPTO}pki/trustpoint/id",),
    "authorization_policies": (f"{_CRYPTO}ikev2/authorization/policy/policy-name",),
    "proposals": (f"{_CRYPTO}ikev2/proposal/name",),
    "policies": (f"{_CRYPTO}ikev2/policy/name",),
    "anyconnect_profiles": (
        f"{_CRYPTO}vpn/anyconnect/profile/profile-name",
        f"{_CRYPTO}vpn/anyconnect/profile-container/profile-name",
    ),
    "ikev2_profiles": (f"{_CRYPTO}ikev2/profile/name",),
    "transform_sets": (f"{_CRYPTO}ipsec/transform-set/tag",),
    "ipsec_profiles": (f"{_CRYPTO}ipsec/profile/name",),
    "acls.standard": (f"{_N}/ip/access-list/Cisco-IOS-XE-acl:standard/name",),
    "acls.extended": (f"{_N}/ip/access-list/Cisco-IOS-XE-acl:extended/name",),
}

_PROPOSAL = f"{_CRYPTO}ikev2/proposal"
_TRANSFORM_SET = f"{_CRYPTO}ipsec/transform-set"

# The crypto model spells DH groups as English words.
DH_GROUP_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "five": 5,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "nineteen": 19,
    "twenty": 20,
    "twenty-one": 21,
    "twenty-four": 24,
}


@dataclass(frozen=True)
class ReleaseFacts:
    """The facts lint checks against, for one release."""

    release: Release
    # Intent field -> longest name the model accepts (None: no length declared).
    name_max_length: dict[str, int | None]
    ikev2_encryption: frozenset[str]
    ikev2_integrity: frozenset[str]
    ikev2_dh_groups: frozenset[int]
    esp_encryption: frozenset[str]
    esp_integrity: frozenset[str]
    esp_key_bits: frozenset[int]


def extract_facts(release: Release) -> dict[str, Any]:
    """Read the facts from the release's YANG modules.

    Uses the shared, repaired headend context of nornir_flexvpn.schema (built
    once per process, about a second per release).
    """
    from nornir_flexvpn.schema.context import locked_context

    with locked_context(release) as ctx:
        return _read_facts(ctx)


def _find(ctx: Any, path: str) -> Any | None:
    import libyang

    try:
        return next(iter(ctx.find_path(path)), None)
    except libyang.LibyangError:
        return None


def _string_max_lengths(leaf_type: Any) -> Iterator[int | None]:
    import libyang

    if leaf_type.base() == libyang.Type.UNION:
        for member in leaf_type.union_types():
            yield from _string_max_lengths(member)
    elif leaf_type.base() == libyang.Type.STRING:
        ranges = list(leaf_type.all_lengths())
        if not ranges:
            yield None
        for text in ranges:
            # "1..31" or "1..31 | 40..50": the largest upper bound is the limit.
            bounds = [p.split("..")[-1].strip() for p in text.split("|")]
            yield max(int(b) for b in bounds if b.isdigit())


def _read_facts(ctx: Any) -> dict[str, Any]:
    lengths: dict[str, int | None] = {}
    for field, candidates in NAME_LEAVES.items():
        for path in candidates:
            leaf = _find(ctx, path)
            if leaf is not None:
                found = list(_string_max_lengths(leaf.type()))
                lengths[field] = (
                    None if None in found or not found else max(x for x in found if x is not None)
                )
                break

    def children(path: str) -> list[str]:
        node = _find(ctx, path)
        return sorted(c.name() for c in node.children()) if node is not None else []

    def enums(path: str) -> list[str]:
        node = _find(ctx, path)
        return sorted(e.name() for e in node.type().all_enums()) if node is not None else []

    groups = children(f"{_PROPOSAL}/group")
    return {
        "name_max_length": lengths,
        "ikev2_encryption": children(f"{_PROPOSAL}/encryption"),
        "ikev2_integrity": children(f"{_PROPOSAL}/integrity"),
        "ikev2_dh_groups": sorted(DH_GROUP_WORDS[g] for g in groups if g in DH_GROUP_WORDS),
        "esp_encryption": enums(f"{_TRANSFORM_SET}/esp"),
        "esp_integrity": enums(f"{_TRANSFORM_SET}/esp-hmac"),
        "esp_key_bits": sorted(int(b) for b in enums(f"{_TRANSFORM_SET}/key-bit")),
    }


@cache
def _stored() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    return data


def release_facts(release: Release) -> ReleaseFacts:
    """The stored facts of one release (see module docstring for where they come from)."""
    raw = _stored().get(release.value)
    if raw is None:
        raise SchemaError(f"no stored facts for release {release.value}", path=str(FACTS_FILE))
    return ReleaseFacts(
        release=release,
        name_max_length=dict(raw["name_max_length"]),
        ikev2_encryption=frozenset(raw["ikev2_encryption"]),
        ikev2_integrity=frozenset(raw["ikev2_integrity"]),
        ikev2_dh_groups=frozenset(raw["ikev2_dh_groups"]),
        esp_encryption=frozenset(raw["esp_encryption"]),
        esp_integrity=frozenset(raw["esp_integrity"]),
        esp_key_bits=frozenset(raw["esp_key_bits"]),
    )


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else FACTS_FILE
    facts = {release.value: extract_facts(release) for release in Release}
    out.write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
