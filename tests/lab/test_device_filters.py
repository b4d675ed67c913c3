"""get-config filters: subtree (RFC 6241 §6) and XPath."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.lab.testing import SEED_SAMPLE, Client, connect, make_device
from nornir_flexvpn.namespaces import CRYPTO, HTTP, NATIVE

N = f"{{{NATIVE}}}"
C = f"{{{CRYPTO}}}"


def _client() -> Client:
    client = connect(make_device()[0])
    client.edit(SEED_SAMPLE)
    return client


def _subtree(client: Client, inner: str) -> etree._Element:
    return client.get_config(inner=f'<filter type="subtree">{inner}</filter>')


def test_empty_filter_selects_nothing() -> None:
    assert len(_subtree(_client(), "")) == 0


def test_selection_node_returns_the_whole_subtree() -> None:
    data = _subtree(_client(), f'<native xmlns="{NATIVE}"><hostname/></native>')
    native = data.find(f"{N}native")
    assert native is not None
    assert [etree.QName(c).localname for c in native] == ["hostname"]


def test_containment_and_content_match_select_one_entry() -> None:
    client = _client()
    data = _subtree(
        client,
        f'<native xmlns="{NATIVE}"><interface><Loopback><name>100</name></Loopback>'
        "</interface></native>",
    )
    interfaces = data.find(f"{N}native/{N}interface")
    assert interfaces is not None
    assert [etree.QName(c).localname for c in interfaces] == ["Loopback"]
    miss = _subtree(
        client,
        f'<native xmlns="{NATIVE}"><interface><Loopback><name>7</name></Loopback>'
        "</interface></native>",
    )
    assert len(miss) == 0


def test_selection_inside_list_entries_keeps_their_keys() -> None:
    data = _subtree(
        _client(),
        f'<native xmlns="{NATIVE}"><interface><GigabitEthernet><ip/></GigabitEthernet>'
        "</interface></native>",
    )
    gi = data.find(f"{N}native/{N}interface/{N}GigabitEthernet")
    assert gi is not None
    assert [etree.QName(c).localname for c in gi] == ["name", "ip"]


def test_content_match_plus_selection() -> None:
    data = _subtree(
        _client(),
        f'<native xmlns="{NATIVE}"><crypto><ipsec xmlns="{CRYPTO}"><transform-set>'
        "<tag>TS</tag><esp-hmac/></transform-set></ipsec></crypto></native>",
    )
    ts = data.find(f"{N}native/{N}crypto/{C}ipsec/{C}transform-set")
    assert ts is not None
    assert {etree.QName(c).localname for c in ts} == {"tag", "esp-hmac"}
    assert ts.findtext(f"{C}esp-hmac") == "esp-sha256-hmac"


def test_namespaces_are_respected() -> None:
    client = _client()
    wrong = _subtree(client, '<native xmlns="urn:example:other"><hostname/></native>')
    assert len(wrong) == 0
    augmented = _subtree(
        client, f'<native xmlns="{NATIVE}"><ip><http xmlns="{HTTP}"/></ip></native>'
    )
    assert augmented.find(f"{N}native/{N}ip/{{{HTTP}}}http/{{{HTTP}}}server") is not None
    assert augmented.find(f"{N}native/{N}ip/{N}local") is None


def test_unqualified_filter_nodes_match_any_namespace() -> None:
    data = _subtree(_client(), '<native xmlns=""><hostname/></native>')
    assert data.findtext(f"{N}native/{N}hostname") == "hq"


def test_several_filter_siblings_combine() -> None:
    data = _subtree(
        _client(),
        f'<native xmlns="{NATIVE}"><hostname/><interface><Loopback/></interface></native>',
    )
    native = data.find(f"{N}native")
    assert native is not None
    assert [etree.QName(c).localname for c in native] == ["hostname", "interface"]


def test_xpath_filter() -> None:
    client = _client()
    data = client.get_config(
        inner=f'<filter type="xpath" xmlns:ios="{NATIVE}" '
        'select="/ios:native/ios:interface/ios:Loopback/ios:ip"/>'
    )
    lo = data.find(f"{N}native/{N}interface/{N}Loopback")
    assert lo is not None
    assert [etree.QName(c).localname for c in lo] == ["name", "ip"]
    bad = client.error(
        '<get-config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><source><running/>'
        '</source><filter type="xpath" select="/ios:native[["/></get-config>'
    )
    assert bad.tag == "invalid-value"


def test_unknown_filter_type_is_a_bad_attribute() -> None:
    error = _client().error(
        '<get-config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><source><running/>'
        '</source><filter type="regex"/></get-config>'
    )
    assert error.tag == "bad-attribute"
