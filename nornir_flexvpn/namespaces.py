"""Every XML namespace the project reads or writes, in one place.

Builders, parsers, the lab and the tests import these constants instead of
spelling URIs; `NSMAP` maps the conventional prefixes for XPath.
"""

from __future__ import annotations

from typing import Final

NC: Final = "urn:ietf:params:xml:ns:netconf:base:1.0"
NC_MONITORING: Final = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
NC_NOTIFICATION: Final = "urn:ietf:params:xml:ns:netconf:notification:1.0"
YANG_LIBRARY: Final = "urn:ietf:params:xml:ns:yang:ietf-yang-library"
WITH_DEFAULTS: Final = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"

NATIVE: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
AAA: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"
CRYPTO: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto"
NAT: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-nat"
ACL: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-acl"
HTTP: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"
TUNNEL: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-tunnel"
FEATURES: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-features"

CISCO_IA: Final = "http://cisco.com/yang/cisco-ia"
XE_RPC: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-rpc"
XE_CRYPTO_RPC: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-rpc"
CLI_RPC: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc"

CRYPTO_OPER: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-oper"
CRYPTO_PKI_OPER: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-pki-oper"
INTERFACES_OPER: Final = "http://cisco.com/ns/yang/Cisco-IOS-XE-interfaces-oper"

NSMAP: Final[dict[str, str]] = {
    "nc": NC,
    "ncm": NC_MONITORING,
    "yanglib": YANG_LIBRARY,
    "ios": NATIVE,
    "ios-aaa": AAA,
    "ios-crypto": CRYPTO,
    "ios-nat": NAT,
    "ios-acl": ACL,
    "ios-http": HTTP,
    "ios-tun": TUNNEL,
    "cisco-ia": CISCO_IA,
    "ios-rpc": XE_RPC,
    "ios-crypto-rpc": XE_CRYPTO_RPC,
    "cli-rpc": CLI_RPC,
    "crypto-oper": CRYPTO_OPER,
    "pki-oper": CRYPTO_PKI_OPER,
    "if-oper": INTERFACES_OPER,
}


def qn(namespace: str, local: str) -> str:
    """Clark notation `{ns}local`, the form lxml uses for qualified names."""
    return f"{{{namespace}}}{local}"


# Appended by the lab device model.
YANG_XML: Final = "urn:ietf:params:xml:ns:yang:1"  # insert/key/value attributes on edits
SELF_MGMT: Final = "http://cisco.com/yang/cisco-self-mgmt"  # the `netconf-yang` container

# Appended by the AnyConnect profile helper: the client-side XML files (not YANG).
ANYCONNECT_PROFILE: Final = "http://schemas.xmlsoap/encoding/"  # as the client's XSD names it
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
