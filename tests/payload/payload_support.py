"""Shared helpers of the payload tests: fixed secrets, namespaced XPath, strict parsing."""

from __future__ import annotations

from typing import Any

from lxml import etree

from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.namespaces import AAA, ACL, CRYPTO, HTTP, NAT, NATIVE, NC, TUNNEL
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.releases import Release

X = {"nc": NC, "n": NATIVE, "aaa": AAA, "c": CRYPTO, "nat": NAT, "acl": ACL, "http": HTTP}
X["tun"] = TUNNEL

SEED = FlexVpnIntent()
OLDEST = Release.V16_9_1


class FixedSecrets:
    """Recognisable values: `pw-<user>` and `$9$<user>-hash`."""

    def user_password(self, name: str) -> str:
        return f"pw-{name}"

    def user_secret9(self, name: str) -> str:
        return f"$9${name}-hash"


def build(release: Release, intent: FlexVpnIntent = SEED) -> Payload:
    return build_payload(intent, release, FixedSecrets())


def native(payload: Payload) -> etree._Element:
    (node,) = payload.config.findall("n:native", X)
    return node


def xp(node: etree._Element, path: str) -> list[etree._Element]:
    found: Any = node.xpath(path, namespaces=X)
    return [n for n in found if isinstance(n, etree._Element)]


def texts(node: etree._Element, path: str) -> list[str]:
    return [n.text or "" for n in xp(node, path)]


def seed_with(**changes: Any) -> FlexVpnIntent:
    """The seed intent with top-level fields replaced (validated like YAML input)."""
    data: dict[str, Any] = SEED.model_dump(mode="json")
    data.update(changes)
    return FlexVpnIntent.model_validate(data)


def strict_parse(text: str | bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return etree.fromstring(raw, parser)
