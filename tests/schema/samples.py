"""Shared samples for the schema tests: small, hand-written, seed-like XML."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.namespaces import AAA, CRYPTO, NATIVE, NC

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

# aaa new-model, ip local pool, an IKEv2 proposal, a transform set, Loopback100.
SEED_LIKE = f"""\
<config xmlns="{NC}">
  <native xmlns="{NATIVE}">
    <aaa>
      <new-model xmlns="{AAA}"/>
    </aaa>
    <ip>
      <local>
        <pool>
          <id>ACPOOL</id>
          <start>192.168.10.5</start>
          <last>192.168.10.10</last>
        </pool>
      </local>
    </ip>
    <interface>
      <Loopback>
        <name>100</name>
        <ip>
          <address>
            <primary>
              <address>10.0.0.1</address>
              <mask>255.255.255.255</mask>
            </primary>
          </address>
        </ip>
      </Loopback>
    </interface>
    <crypto>
      <ikev2 xmlns="{CRYPTO}">
        <proposal>
          <name>IKEv2-prop1</name>
          <encryption><aes-cbc-256/></encryption>
          <integrity><sha256/></integrity>
          <group><fourteen/></group>
        </proposal>
      </ikev2>
      <ipsec xmlns="{CRYPTO}">
        <transform-set>
          <tag>TS</tag>
          <esp>esp-aes</esp>
          <key-bit>256</key-bit>
          <esp-hmac>esp-sha256-hmac</esp-hmac>
        </transform-set>
      </ipsec>
    </crypto>
  </native>
</config>
"""


def xml(text: str) -> etree._Element:
    return etree.fromstring(text.encode(), parser=_PARSER)


def seed_like(replace: tuple[str, str] | None = None) -> etree._Element:
    """The seed-like config, optionally with one textual change (which must apply)."""
    text = SEED_LIKE
    if replace is not None:
        old, new = replace
        assert old in text, old
        text = text.replace(old, new, 1)
    return xml(text)


def line_of(needle: str) -> int:
    """1-based line of the first occurrence of `needle` in SEED_LIKE."""
    for number, line in enumerate(SEED_LIKE.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def crypto(inner: str) -> etree._Element:
    """<native><crypto><ikev2>inner</ikev2></crypto></native> as a single top-level node."""
    ikev2 = f'<ikev2 xmlns="{CRYPTO}">{inner}</ikev2>'
    return xml(f'<native xmlns="{NATIVE}"><crypto>{ikev2}</crypto></native>')


PROPOSAL = (
    "<proposal><name>P1</name><encryption><aes-cbc-256/></encryption>"
    "<integrity><sha256/></integrity><group><fourteen/></group></proposal>"
)
