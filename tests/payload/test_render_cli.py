"""render_cli: every release's native shape back to the document's IOS lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from nornir_flexvpn.namespaces import AAA, ACL, CRYPTO, HTTP, NAT, NATIVE, NC, TUNNEL
from nornir_flexvpn.payload.cli_render.blocks import block_key
from nornir_flexvpn.payload.render_cli import render_blocks, render_cli
from nornir_flexvpn.payload.types import CliItem
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import validate_config

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
_DIGEST = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "DIGEST.md"

VT = "interface Virtual-Template100 type tunnel"
AUTHZ = "crypto ikev2 authorization policy ikev2-auth-policy"
PROFILE = "crypto ikev2 profile AnyConnect-EAP"


def parse(text: str) -> etree._Element:
    return etree.fromstring(text.encode(), _PARSER)


def seed_native(release: Release) -> str:
    """The document's headend as native XML, written from `release`'s models.

    16.9.1 cannot carry authorization policy pool/dns/route, `anyconnect
    profile`, or VT tunnel protection (those travel as CLI items).
    """
    old = release < Release.V17_9_1
    v2 = release >= Release.V17_12_1
    if release >= Release.V17_9_1:
        std_prefix, nat = (
            "ipv4-address-prefix",
            (
                "<list-interface><list><id>NAT</id><interface><name>GigabitEthernet1</name>"
                "<overload-new/></interface></list></list-interface>"
            ),
        )
    else:
        std_prefix, nat = (
            "ipv4-prefix",
            (
                "<list><id>NAT</id><interface><name>GigabitEthernet1</name><overload/>"
                "</interface></list>"
            ),
        )
    full = release > Release.V16_9_1
    authz_body = (
        "<pool><pool-name>ACPOOL</pool-name></pool><dns><primary>10.0.1.1</primary></dns>"
        "<route><set><access-list><access-list-range>split_tunnel</access-list-range>"
        "</access-list></set></route>"
        if full
        else ""
    )
    proposal_ref = (
        "<proposal>IKEv2-prop1</proposal>"
        if release == Release.V16_9_1
        else "<proposal><proposals>IKEv2-prop1</proposals></proposal>"
    )
    group = (
        "<list-v2><name>a-eap-author-grp</name><aaa-config><username>"
        "<username>ikev2-auth-policy</username></username></aaa-config></list-v2>"
        if v2
        else "<list><name>a-eap-author-grp</name><username>ikev2-auth-policy</username></list>"
    )
    key_id = "key-id" if old else "key-ids"
    pki = (
        "<trustpoint>IKEv2-TP</trustpoint>"
        if old
        else "<trust-points><name>IKEv2-TP</name></trust-points>"
    )
    http_url = (
        f'<cert xmlns:nc="{NC}" nc:operation="remove"/>' if old else "<cert-leaf>false</cert-leaf>"
    )
    mode = "<tunnel/>" if old else "<tunnel-choice/>"
    anyconnect = (
        "<profile-container><profile>acvpn</profile><filename>bootflash:/acvpn.xml</filename>"
        "</profile-container>"
        if old
        else "<profile><profile-name>acvpn</profile-name><file>bootflash:/acvpn.xml</file></profile>"
    )
    ipv4 = "<ipv4-mode/>" if release >= Release.V17_15_1 else "<ipv4/>"
    protection = (
        f'<protection><ipsec xmlns="{CRYPTO}"><profile-option><name>AnyConnect-EAP</name>'
        "</profile-option></ipsec></protection>"
        if full
        else ""
    )
    return f"""<config xmlns="{NC}"><native xmlns="{NATIVE}">
  <username><name>test</name><password><encryption>0</encryption><password>cisco123</password></password></username>
  <ip>
    <local><pool><id>ACPOOL</id><start>192.168.10.5</start><last>192.168.10.10</last></pool></local>
    <access-list>
      <standard xmlns="{ACL}"><name>split_tunnel</name><access-list-seq-rule><sequence>10</sequence>
        <permit><std-ace><{std_prefix}>10.0.0.0</{std_prefix}><mask>0.255.255.255</mask></std-ace></permit>
      </access-list-seq-rule></standard>
      <extended xmlns="{ACL}"><name>NAT</name><access-list-seq-rule><sequence>10</sequence>
        <ace-rule><action>permit</action><protocol>ip</protocol><ipv4-address>192.168.10.0</ipv4-address>
        <mask>0.0.0.255</mask><dst-any/></ace-rule></access-list-seq-rule></extended>
    </access-list>
    <http xmlns="{HTTP}"><server>false</server><secure-server>false</secure-server></http>
    <nat xmlns="{NAT}"><inside><source>{nat}</source></inside></nat>
  </ip>
  <interface>
    <GigabitEthernet><name>1</name><ip><nat xmlns="{NAT}"><outside/></nat></ip></GigabitEthernet>
    <Loopback><name>100</name><ip><address><primary><address>10.0.0.1</address>
      <mask>255.255.255.255</mask></primary></address></ip></Loopback>
    <Virtual-Template><name>100</name><type>tunnel</type>
      <ip><unnumbered>Loopback100</unnumbered><mtu>1400</mtu></ip>
      <tunnel xmlns="{TUNNEL}"><mode><ipsec>{ipv4}</ipsec></mode>{protection}</tunnel>
    </Virtual-Template>
  </interface>
  <crypto>
    <pki xmlns="{CRYPTO}"><trustpoint><id>IKEv2-TP</id></trustpoint></pki>
    <ikev2 xmlns="{CRYPTO}">
      <authorization><policy><policy-name>ikev2-auth-policy</policy-name>{authz_body}</policy></authorization>
      <http-url>{http_url}</http-url>
      <policy><name>IKEv2-pol</name>{proposal_ref}</policy>
      <profile><name>AnyConnect-EAP</name>
        <aaa>
          <authentication><anyconnect-eap>a-eap-authen-local</anyconnect-eap></authentication>
          <authorization><group><anyconnect-eap>{group}</anyconnect-eap></group>
            <user><anyconnect-eap><cached/></anyconnect-eap></user></authorization>
        </aaa>
        {"<anyconnect><profile>acvpn</profile></anyconnect>" if full else ""}
        <authentication><local><rsa-sig/></local><remote><anyconnect-eap><aggregate/></anyconnect-eap></remote></authentication>
        <match><identity><remote><{key_id}>*$AnyConnectClient$*</{key_id}></remote></identity></match>
        <pki>{pki}</pki>
        <virtual-template><number>100</number></virtual-template>
      </profile>
      <proposal><name>IKEv2-prop1</name><encryption><aes-cbc-256/></encryption>
        <group><fourteen/></group><integrity><sha256/></integrity></proposal>
    </ikev2>
    <ipsec xmlns="{CRYPTO}">
      <transform-set><tag>TS</tag><esp>esp-aes</esp><key-bit>256</key-bit>
        <esp-hmac>esp-sha256-hmac</esp-hmac><mode>{mode}</mode></transform-set>
      <profile><name>AnyConnect-EAP</name><set><ikev2-profile>AnyConnect-EAP</ikev2-profile>
        <transform-set>TS</transform-set></set></profile>
    </ipsec>
    <vpn xmlns="{CRYPTO}"><anyconnect>{anyconnect}</anyconnect></vpn>
  </crypto>
  <aaa>
    <new-model xmlns="{AAA}"/>
    <authentication xmlns="{AAA}"><login><name>a-eap-authen-local</name><a1><local/></a1></login></authentication>
    <authorization xmlns="{AAA}"><network><id>a-eap-author-grp</id><a1><local/></a1></network></authorization>
  </aaa>
</native></config>"""


def cli_items_for(release: Release) -> list[CliItem]:
    """What the release's models cannot carry (the payload builder's CLI channel)."""
    items = [CliItem("virtual_template", "ip nat inside", (VT,), "no model")]
    if release == Release.V16_9_1:
        items += [
            CliItem("ikev2_authorization_policy", "pool ACPOOL", (AUTHZ,)),
            CliItem("ikev2_authorization_policy", "dns 10.0.1.1", (AUTHZ,)),
            CliItem("ikev2_authorization_policy", "route set access-list split_tunnel", (AUTHZ,)),
            CliItem("ikev2_profile", "anyconnect profile acvpn", (PROFILE,)),
            CliItem("virtual_template", "tunnel protection ipsec profile AnyConnect-EAP", (VT,)),
        ]
    return items


# --- the document's lines ---------------------------------------------------------------------
def digest_lines() -> list[str]:
    """Configuration lines of DIGEST.md steps 1 and 3-14 (step 2 is an exec command)."""
    text = _DIGEST.read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    lines: list[str] = []
    step = 0
    for raw in block.splitlines():
        marker = re.match(r"^! (\d+)\.", raw)
        if marker:
            step = int(marker.group(1))
            continue
        if raw.strip() and not raw.startswith("!") and step != 2 and step >= 1:
            lines.append(raw)
    return lines


def normal(line: str) -> str:
    """The document's spelling vs IOS's: interface names, and a user is its name.

    `username test password cisco123` (document) is `... password 0 cisco123`
    (type given) or `... secret 9 $9$...` (hashed); both are the same user.
    """
    words = line.split()
    if words[:1] == ["username"]:
        return " ".join(words[:2])
    if words[:1] == ["interface"]:
        return block_key(line)
    return " ".join(words)


def normal_set(text: str) -> set[str]:
    return {normal(line) for line in text.splitlines() if line.strip()}


def item_lines(items: list[CliItem]) -> set[str]:
    return {normal(item.line) for item in items}


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_seed_renders_every_document_line(release: Release) -> None:
    config = parse(seed_native(release))
    items = cli_items_for(release)
    with_items = normal_set(render_cli(config, release, items))
    missing = [line for line in digest_lines() if normal(line) not in with_items]
    assert missing == []
    without = normal_set(render_cli(config, release))
    carried = item_lines(items)
    assert carried.isdisjoint(without)
    assert [ln for ln in digest_lines() if normal(ln) not in without | carried] == []
    assert "! unrendered" not in render_cli(config, release, items)


def _block_of(text: str, header: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(header)
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return lines[start:end]


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_blocks_and_mode_lines_in_document_order(release: Release) -> None:
    text = render_cli(parse(seed_native(release)), release, cli_items_for(release))
    headers = [line for line in text.splitlines() if not line.startswith(" ")]
    assert headers == [
        "aaa new-model",
        "aaa authentication login a-eap-authen-local local",
        "aaa authorization network a-eap-author-grp local",
        "username test password 0 cisco123",
        "ip local pool ACPOOL 192.168.10.5 192.168.10.10",
        "crypto pki trustpoint IKEv2-TP",
        AUTHZ,
        "crypto ikev2 proposal IKEv2-prop1",
        "crypto ikev2 policy IKEv2-pol",
        "crypto vpn anyconnect profile acvpn bootflash:/acvpn.xml",
        PROFILE,
        "no crypto ikev2 http-url cert",
        "no ip http server",
        "no ip http secure-server",
        "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac",
        "crypto ipsec profile AnyConnect-EAP",
        "interface Loopback100",
        VT,
        "ip access-list standard split_tunnel",
        "ip access-list extended NAT",
        "ip nat inside source list NAT interface GigabitEthernet1 overload",
        "interface GigabitEthernet1",
    ]
    assert _block_of(text, PROFILE) == [
        PROFILE,
        " match identity remote key-id *$AnyConnectClient$*",
        " authentication local rsa-sig",
        " authentication remote anyconnect-eap aggregate",
        " pki trustpoint IKEv2-TP",
        " aaa authentication anyconnect-eap a-eap-authen-local",
        " aaa authorization group anyconnect-eap list a-eap-author-grp ikev2-auth-policy",
        " aaa authorization user anyconnect-eap cached",
        " virtual-template 100",
        " anyconnect profile acvpn",
    ]
    assert _block_of(text, VT) == [
        VT,
        " ip unnumbered Loopback100",
        " ip mtu 1400",
        " ip nat inside",
        " tunnel mode ipsec ipv4",
        " tunnel protection ipsec profile AnyConnect-EAP",
    ]
    assert _block_of(text, AUTHZ) == [
        AUTHZ,
        " pool ACPOOL",
        " dns 10.0.1.1",
        " route set access-list split_tunnel",
    ]


def _reverse_children(el: etree._Element) -> None:
    children = [c for c in el if isinstance(c.tag, str)]
    for child in children:
        el.remove(child)
    for child in reversed(children):
        el.append(child)
        _reverse_children(child)


def test_xml_order_does_not_change_the_text() -> None:
    release = Release.V17_15_1
    config = parse(seed_native(release))
    expected = render_cli(config, release)
    native = config[0]
    # Keys must stay first in list entries for YANG, but the renderer must not care either way.
    _reverse_children(native)
    assert render_cli(config, release) == expected


def test_accepts_native_data_and_rpc_reply() -> None:
    config = parse(seed_native(Release.V17_12_1))
    native = config[0]
    expected = render_cli(config)
    assert render_cli(native) == expected
    reply = parse(f'<rpc-reply xmlns="{NC}" message-id="1"><data/></rpc-reply>')
    reply[0].append(etree.fromstring(etree.tostring(native), _PARSER))
    assert render_cli(reply) == expected


# --- a device's running configuration ------------------------------------------------------------
DEVICE = f"""<data xmlns="{NC}">
<native xmlns="{NATIVE}">
  <version>17.15</version>
  <hostname>hub1</hostname>
  <username><name>admin</name><privilege>15</privilege>
    <secret><encryption>9</encryption><secret>$9$abcDEF$hash/value</secret></secret></username>
  <username><name>plain</name><password><password>typezero</password></password></username>
  <ip>
    <domain><name>example.net</name></domain>
    <http xmlns="{HTTP}"><server>true</server><secure-server>true</secure-server>
      <authentication><local/></authentication></http>
  </ip>
  <interface>
    <GigabitEthernet><name>1</name><description>outside</description>
      <ip><address><primary><address>198.51.100.2</address><mask>255.255.255.0</mask></primary></address></ip>
      <mop><enabled>false</enabled><sysid>false</sysid></mop>
      <negotiation xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-ethernet"><auto>true</auto></negotiation>
      <speed xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-ethernet"><value-1000/></speed>
    </GigabitEthernet>
    <GigabitEthernet><name>2</name><shutdown/><ip><address><dhcp/></address></ip></GigabitEthernet>
  </interface>
  <crypto>
    <ikev2 xmlns="{CRYPTO}">
      <keyring><name>KR</name><peer><name>p1</name><pre-shared-key><key>TopSecretPSK</key></pre-shared-key></peer></keyring>
      <profile><name>AnyConnect-EAP</name>
        <match><identity><remote><key-ids>*$AnyConnectClient$*</key-ids></remote></identity></match>
        <dpd><interval>10</interval><retry>2</retry><query>on-demand</query></dpd>
        <redirect><gateway><auth/></gateway></redirect>
      </profile>
    </ikev2>
  </crypto>
  <line><vty><first>0</first><last>4</last></vty></line>
</native>
<netconf-yang xmlns="http://cisco.com/yang/cisco-self-mgmt"><cisco-ia xmlns="http://cisco.com/yang/cisco-ia"/></netconf-yang>
</data>"""


def test_device_config_renders_known_lines_and_names_the_rest() -> None:
    text = render_cli(parse(DEVICE))
    lines = text.splitlines()
    assert lines[0] == "hostname hub1"
    assert "username admin privilege 15 secret 9 $9$abcDEF$hash/value" in lines
    assert "username plain password typezero" in lines
    assert "ip http server" in lines and "ip http secure-server" in lines
    assert _block_of(text, "interface GigabitEthernet1") == [
        "interface GigabitEthernet1",
        " description outside",
        " ip address 198.51.100.2 255.255.255.0",
        " negotiation auto",
        " no mop enabled",
        " no mop sysid",
    ]
    assert _block_of(text, "interface GigabitEthernet2") == [
        "interface GigabitEthernet2",
        " ip address dhcp",
        " shutdown",
    ]
    assert _block_of(text, PROFILE) == [
        PROFILE,
        " match identity remote key-id *$AnyConnectClient$*",
        " dpd 10 2 on-demand",
    ]
    unrendered = [line for line in lines if line.startswith("! unrendered: ")]
    assert unrendered == [
        "! unrendered: /native/version",
        "! unrendered: /native/ip/domain",
        "! unrendered: /native/ip/http/authentication",
        "! unrendered: /native/interface/GigabitEthernet[name='1']/speed",
        "! unrendered: /native/crypto/ikev2/keyring[name='KR']",
        "! unrendered: /native/crypto/ikev2/profile[name='AnyConnect-EAP']/redirect",
        "! unrendered: /native/line",
        "! unrendered: /netconf-yang",
    ]
    assert lines[-len(unrendered) :] == unrendered
    assert "TopSecretPSK" not in text


def test_unrendered_leaf_inside_a_rendered_list_entry() -> None:
    native = parse(
        f"""<native xmlns="{NATIVE}"><crypto><ikev2 xmlns="{CRYPTO}">
        <proposal><name>P</name><encryption><aes-gcm-256/></encryption><group><nineteen/>
        <twenty/></group><unknown-leaf>1</unknown-leaf></proposal></ikev2></crypto></native>"""
    )
    assert render_cli(native).splitlines() == [
        "crypto ikev2 proposal P",
        " encryption aes-gcm-256",
        " group 19 20",
        "! unrendered: /native/crypto/ikev2/proposal[name='P']/unknown-leaf",
    ]


def test_removals_render_as_no_lines() -> None:
    native = parse(
        f"""<native xmlns="{NATIVE}" xmlns:nc="{NC}">
        <username nc:operation="delete"><name>old</name></username>
        <crypto><ikev2 xmlns="{CRYPTO}"><profile nc:operation="remove"><name>X</name></profile>
        <http-url><cert nc:operation="delete"/></http-url></ikev2></crypto>
        <ip><http xmlns="{HTTP}"><server nc:operation="delete">true</server></http></ip>
        </native>"""
    )
    assert render_cli(native).splitlines() == [
        "no username old",
        "no crypto ikev2 profile X",
        "no crypto ikev2 http-url cert",
        "no ip http server",
    ]


def test_cli_items_merge_into_parents_or_create_them() -> None:
    native = parse(
        f"""<native xmlns="{NATIVE}"><interface><Virtual-Template><name>7</name>
        <type>tunnel</type><ip><mtu>1400</mtu></ip></Virtual-Template></interface></native>"""
    )
    items = [
        CliItem("virtual_template", "ip nat inside", ("interface Virtual-Template 7",)),
        CliItem("nat", "ip nat inside source list NAT interface GigabitEthernet1 overload"),
        CliItem("ikev2_authorization_policy", "pool ACPOOL", (AUTHZ,)),
        CliItem("x", "sub line", ("interface Loopback1", "mode line")),
        CliItem("x", "second", ("interface Loopback1", "mode line")),
    ]
    assert render_cli(native, Release.V16_9_1, items).splitlines() == [
        AUTHZ,
        " pool ACPOOL",
        "interface Loopback1",
        " mode line",
        "  sub line",
        "  second",
        "interface Virtual-Template7 type tunnel",
        " ip mtu 1400",
        " ip nat inside",
        "ip nat inside source list NAT interface GigabitEthernet1 overload",
    ]


def test_secrets_render_as_held_and_blocks_expose_them_structurally() -> None:
    native = parse(
        f"""<native xmlns="{NATIVE}"><crypto><ikev2 xmlns="{CRYPTO}"><profile><name>P</name>
        <authentication><local><pre-share><key><encryption>6</encryption><key>ENC</key></key>
        </pre-share></local></authentication></profile></ikev2></crypto></native>"""
    )
    blocks = render_blocks(native)
    assert [b.lines() for b in blocks] == [
        ["crypto ikev2 profile P", " authentication local pre-share key 6 ENC"]
    ]


def test_standard_acl_hosts_any_and_sequence_order() -> None:
    native = parse(
        f"""<native xmlns="{NATIVE}"><ip><access-list>
        <standard xmlns="{ACL}"><name>S</name>
          <access-list-seq-rule><sequence>30</sequence><deny><std-ace><any/></std-ace></deny></access-list-seq-rule>
          <access-list-seq-rule><sequence>10</sequence><permit><std-ace><host-address>10.1.1.1</host-address><log/></std-ace></permit></access-list-seq-rule>
        </standard>
        <extended xmlns="{ACL}"><name>E</name><access-list-seq-rule><sequence>10</sequence>
          <ace-rule><action>permit</action><protocol>tcp</protocol><host>10.0.0.1</host>
          <dst-host>10.0.0.2</dst-host><dst-eq>443</dst-eq><established/></ace-rule>
        </access-list-seq-rule></extended>
        </access-list></ip></native>"""
    )
    assert render_cli(native).splitlines() == [
        "ip access-list standard S",
        " permit 10.1.1.1 log",
        " deny any",
        "ip access-list extended E",
        " permit tcp host 10.0.0.1 host 10.0.0.2 eq 443 established",
    ]


def test_empty_and_foreign_input() -> None:
    assert render_cli(parse(f'<config xmlns="{NC}"/>')) == ""
    other = parse('<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>')
    assert render_cli(other) == "! unrendered: /interfaces\n"


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_hand_written_samples_follow_the_models(release: Release) -> None:
    assert [str(i) for i in validate_config(release, parse(seed_native(release)))] == []


# --- the payload builder's goldens -----------------------------------------------------------------
_GOLDENS = Path(__file__).resolve().parents[2] / "payloads"


def read_cli_items(path: Path) -> list[CliItem]:
    """`<host>.cli.txt`: CliItem.text blocks (mode lines, then the indented item); `!` comments.

    A line is an item when the next line is not indented deeper; the lines
    above it with less indentation are its parents.
    """
    rows = [
        (len(raw) - len(raw.lstrip(" ")), raw.strip())
        for raw in path.read_text(encoding="utf-8").splitlines()
        if raw.strip() and not raw.lstrip().startswith("!")
    ]
    items: list[CliItem] = []
    stack: list[tuple[int, str]] = []
    for index, (depth, text) in enumerate(rows):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        deeper_next = index + 1 < len(rows) and rows[index + 1][0] > depth
        if deeper_next:
            stack.append((depth, text))
        else:
            items.append(CliItem("golden", text, tuple(t for _, t in stack)))
    return items


def test_every_golden_renders_the_document() -> None:
    checked = 0
    for xml in sorted(_GOLDENS.glob("*/*.xml")):
        release = Release.parse(xml.parent.name)
        config = etree.parse(str(xml), _PARSER).getroot()
        cli_txt = xml.with_suffix(".cli.txt")
        items = read_cli_items(cli_txt) if cli_txt.exists() else []
        carried = item_lines(items)
        without = normal_set(render_cli(config, release))
        missing = [ln for ln in digest_lines() if normal(ln) not in without | carried]
        assert missing == [], xml
        with_items = normal_set(render_cli(config, release, items))
        assert [ln for ln in digest_lines() if normal(ln) not in with_items] == [], xml
        checked += 1
    assert checked >= len(Release)  # one golden per release at least


def test_cli_txt_reader_rebuilds_items(tmp_path: Path) -> None:
    # CliItem.text indents only the item itself, so one parent level round-trips.
    items = [
        CliItem("a", "ip nat inside", (VT,)),
        CliItem("b", "top level line"),
        CliItem("c", "pool ACPOOL", (AUTHZ,)),
    ]
    path = tmp_path / "h.cli.txt"
    path.write_text("! reason\n" + "\n".join(i.text for i in items) + "\n", encoding="utf-8")
    assert [(i.line, i.parents) for i in read_cli_items(path)] == [
        (i.line, i.parents) for i in items
    ]
