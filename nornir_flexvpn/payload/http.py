"""Step 8's HTTP servers: `no ip http server`, `no ip http secure-server`.

Both are booleans in Cisco-IOS-XE-http on every release, and are always
written: 17.15.1 turned `ip http server` on by default, so leaving it out
would not mean off. (`crypto ikev2 http-url cert` is in ikev2.py.)
"""

from __future__ import annotations

from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.namespaces import HTTP, NATIVE
from nornir_flexvpn.payload.elements import child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.releases import Release


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def build_http(intent: FlexVpnIntent, release: Release) -> Fragment:
    """`<ip><http><server/><secure-server/>` as the intent says."""
    del release
    fragment = Fragment("http")
    http = child(fragment.add(element(NATIVE, "ip")), HTTP, "http")
    leaf(http, "server", _boolean(intent.http_server))
    leaf(http, "secure-server", _boolean(intent.http_secure_server))
    return fragment
