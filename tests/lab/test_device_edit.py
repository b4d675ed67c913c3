"""edit-config operations on any node: merge, replace, create, delete, remove,
default-operation, choices and user-ordered lists."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.lab.testing import NCOP, all_datastores, connect, loopback, make_device, native
from nornir_flexvpn.namespaces import NAT, NATIVE, YANG_XML

N = f"{{{NATIVE}}}"
YANG = f'xmlns:yang="{YANG_XML}"'


def _loopback(data: etree._Element, number: int) -> etree._Element | None:
    for lo in data.iterfind(f"{N}native/{N}interface/{N}Loopback"):
        if lo.findtext(f"{N}name") == str(number):
            return lo
    return None


def _description(data: etree._Element, number: int) -> str | None:
    lo = _loopback(data, number)
    return None if lo is None else lo.findtext(f"{N}description")


def test_merge_creates_then_updates_a_leaf() -> None:
    client = connect(make_device()[0])
    client.edit(loopback(1, extra="<description>one</description>"))
    client.edit(
        native(
            "<interface><Loopback><name>1</name><description>uno</description>"
            "</Loopback></interface>"
        )
    )
    data = client.get_config()
    assert _description(data, 1) == "uno"
    lo = _loopback(data, 1)
    assert lo is not None and lo.findtext(f".//{N}primary/{N}address") == "10.0.0.1"


def test_replace_swaps_the_whole_node() -> None:
    client = connect(make_device()[0])
    client.edit(loopback(1, extra="<description>one</description>"))
    client.edit(
        native(
            f'<interface><Loopback nc:operation="replace" {NCOP}><name>1</name>'
            "<description>only</description></Loopback></interface>"
        )
    )
    lo = _loopback(client.get_config(), 1)
    assert lo is not None
    assert lo.findtext(f"{N}description") == "only"
    assert lo.find(f"{N}ip") is None


def test_create_delete_remove_semantics() -> None:
    device, _ = make_device()
    client = connect(device)
    create = (
        f'<interface><Loopback nc:operation="create" {NCOP}><name>2</name></Loopback></interface>'
    )
    client.edit(native(create))
    assert _loopback(client.get_config(), 2) is not None
    exists = client.edit_error(native(create))
    assert exists.tag == "data-exists"
    assert exists.path == "/Cisco-IOS-XE-native:native/interface/Loopback[name='2']"
    delete = (
        f'<interface><Loopback nc:operation="delete" {NCOP}><name>2</name></Loopback></interface>'
    )
    client.edit(native(delete))
    assert _loopback(client.get_config(), 2) is None
    missing = client.edit_error(native(delete))
    assert missing.tag == "data-missing"
    before = all_datastores(device)
    remove = (
        f'<interface><Loopback nc:operation="remove" {NCOP}><name>2</name></Loopback></interface>'
    )
    assert client.edit(native(remove)) is None
    assert all_datastores(device) == before


def test_delete_a_leaf_inside_an_entry() -> None:
    client = connect(make_device()[0])
    client.edit(loopback(3, extra="<description>three</description>"))
    client.edit(
        native(
            f'<interface><Loopback><name>3</name><description nc:operation="delete" '
            f"{NCOP}/></Loopback></interface>"
        )
    )
    assert _description(client.get_config(), 3) is None
    assert _loopback(client.get_config(), 3) is not None


def test_default_operation_none_only_applies_explicit_operations() -> None:
    device, _ = make_device()
    client = connect(device)
    client.edit(loopback(4, extra="<description>four</description>"))
    client.edit(
        native(
            "<interface><Loopback><name>4</name><description>ignored</description>"
            f'<shutdown nc:operation="create" {NCOP}/></Loopback></interface>'
        ),
        extra="<default-operation>none</default-operation>",
    )
    lo = _loopback(client.get_config(), 4)
    assert lo is not None
    assert lo.findtext(f"{N}description") == "four"
    assert lo.find(f"{N}shutdown") is not None
    before = all_datastores(device)
    absent = client.edit_error(
        native(
            "<interface><Loopback><name>99</name><description>x</description>"
            "</Loopback></interface>"
        ),
        extra="<default-operation>none</default-operation>",
    )
    assert absent.tag == "data-missing"
    assert all_datastores(device) == before


def test_default_operation_replace_replaces_the_datastore() -> None:
    client = connect(make_device()[0])
    client.edit(
        native("<hostname>only-this</hostname>"),
        extra="<default-operation>replace</default-operation>",
    )
    data = client.get_config()
    assert data.findtext(f"{N}native/{N}hostname") == "only-this"
    assert data.find(f"{N}native/{N}interface") is None
    assert data.find("{http://cisco.com/yang/cisco-self-mgmt}netconf-yang") is None


def test_a_case_replaces_the_other_cases_of_its_choice() -> None:
    client = connect(make_device()[0])
    gi = (
        '<interface><GigabitEthernet><name>1</name><ip><nat xmlns="{ns}">{leaf}</nat></ip>'
        "</GigabitEthernet></interface>"
    )
    client.edit(native(gi.format(ns=NAT, leaf="<outside/>")))
    nat = client.get_config().find(f".//{N}GigabitEthernet/{N}ip/{{{NAT}}}nat")
    assert nat is not None and nat.find(f"{{{NAT}}}outside") is not None
    client.edit(native(gi.format(ns=NAT, leaf="<inside/>")))
    nat = client.get_config().find(f".//{N}GigabitEthernet/{N}ip/{{{NAT}}}nat")
    assert nat is not None
    assert nat.find(f"{{{NAT}}}inside") is not None
    assert nat.find(f"{{{NAT}}}outside") is None


def _name_servers(data: etree._Element) -> list[str]:
    return [e.text or "" for e in data.iterfind(f".//{N}name-server/{N}no-vrf-ordered")]


def test_user_ordered_leaf_list_insert_positions() -> None:
    client = connect(make_device()[0])

    def ns(value: str, attrs: str = "") -> str:
        return native(
            f"<ip><name-server><no-vrf-ordered {attrs}>{value}</no-vrf-ordered></name-server></ip>"
        )

    client.edit(ns("192.0.2.1"))
    client.edit(ns("192.0.2.2"))
    client.edit(ns("192.0.2.3", f'{YANG} yang:insert="first"'))
    client.edit(ns("192.0.2.4", f'{YANG} yang:insert="before" yang:value="192.0.2.2"'))
    assert _name_servers(client.get_config()) == [
        "192.0.2.3",
        "192.0.2.1",
        "192.0.2.4",
        "192.0.2.2",
    ]
    client.edit(ns("192.0.2.2", f'{YANG} yang:insert="first"'))
    assert _name_servers(client.get_config())[0] == "192.0.2.2"
    bad = client.edit_error(ns("192.0.2.9", f'{YANG} yang:insert="after" yang:value="10.9.9.9"'))
    assert bad.tag == "data-missing"
    no_anchor = client.edit_error(ns("192.0.2.9", f'{YANG} yang:insert="after"'))
    assert no_anchor.tag == "missing-attribute"


def test_values_are_stored_canonically() -> None:
    client = connect(make_device()[0])
    client.edit(
        native(
            "<interface><Loopback><name>5</name><ip><address><primary>"
            "<address> 10.0.0.5 </address><mask>255.255.255.255</mask>"
            "</primary></address></ip></Loopback></interface>"
        )
    )
    lo = _loopback(client.get_config(), 5)
    assert lo is not None and lo.findtext(f".//{N}primary/{N}address") == "10.0.0.5"


def test_unknown_child_anywhere_is_unknown_element_with_the_path() -> None:
    device, _ = make_device()
    client = connect(device)
    before = all_datastores(device)
    error = client.edit_error(loopback(6, extra="<colour>blue</colour>"))
    assert error.tag == "unknown-element"
    assert error.info == {"bad-element": "colour"}
    assert error.path == "/Cisco-IOS-XE-native:native/interface/Loopback[name='6']/colour"
    assert all_datastores(device) == before


def test_an_edit_without_changes_leaves_everything_as_is() -> None:
    device, _ = make_device(candidate=True)
    client = connect(device)
    client.edit(loopback(8))
    before = all_datastores(device)
    client.edit(loopback(8))
    assert all_datastores(device) == before
    client.edit(loopback(8), target="candidate")
    assert not device.candidate_dirty


def test_misspelled_operation_attribute_and_elements_inside_a_leaf() -> None:
    device, _ = make_device()
    client = connect(device)
    before = all_datastores(device)
    typo = client.edit_error(
        native(
            f'<interface><Loopback nc:operaton="delete" {NCOP}><name>1</name></Loopback>'
            "</interface>"
        )
    )
    assert typo.tag == "unknown-attribute"
    assert typo.info == {"bad-attribute": "operaton", "bad-element": "Loopback"}
    inside_leaf = client.edit_error(native("<hostname><short>x</short></hostname>"))
    assert inside_leaf.tag == "unknown-element"
    assert inside_leaf.info == {"bad-element": "short"}
    assert all_datastores(device) == before
