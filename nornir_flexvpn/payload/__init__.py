"""Payload builders: intent -> native YANG XML (+ CLI items) per IOS-XE release.

Entry point: `nornir_flexvpn.payload.build.build_payload(intent, release, secrets)`.
One pure module per seed area (aaa, pki, pool, authorization_policy, anyconnect,
ikev2, http, ipsec, interfaces, acl, nat); release differences live in `shapes`.
"""
