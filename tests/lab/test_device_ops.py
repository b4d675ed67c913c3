"""RFC 6241 operations of the lab device, driven in-process with XML."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.identity import CANDIDATE, CONFIRMED_COMMIT
from nornir_flexvpn.lab.testing import NCOP, all_datastores, connect, loopback, make_device, native
from nornir_flexvpn.namespaces import HTTP, NATIVE, NC, NC_MONITORING, WITH_DEFAULTS
from nornir_flexvpn.releases import Release

N = f"{{{NATIVE}}}"


def _loopbacks(data: etree._Element) -> list[str]:
    return [
        e.findtext(f"{N}name") or "" for e in data.iterfind(f"{N}native/{N}interface/{N}Loopback")
    ]


# --- capabilities, get, get-config -----------------------------------------------------------
def test_capabilities_follow_the_identity() -> None:
    plain, _ = make_device()
    assert CANDIDATE not in plain.capabilities()
    standards, _ = make_device(confirmed_commit=True)
    assert CANDIDATE in standards.capabilities()
    assert CONFIRMED_COMMIT in standards.capabilities()


def test_baseline_has_the_shipped_lines() -> None:
    device, _ = make_device(Release.V16_9_1, name="edge1")
    data = connect(device).get_config()
    assert data.findtext(f"{N}native/{N}hostname") == "edge1"
    http = data.find(f"{N}native/{N}ip/{{{HTTP}}}http")
    assert http is not None and http.findtext(f"{{{HTTP}}}server") == "true"
    gi = data.find(f"{N}native/{N}interface/{N}GigabitEthernet")
    assert gi is not None and gi.find(f"{N}shutdown") is None
    assert data.find(f"{N}native/{N}username") is not None
    assert device.datastore_xml("startup") == device.datastore_xml("running")


def test_get_adds_registered_state() -> None:
    device, _ = make_device()
    client = connect(device)

    def state(dev: LabDevice) -> list[etree._Element]:
        node = etree.Element("{urn:example:state}counters")
        etree.SubElement(node, "{urn:example:state}sessions").text = str(len(dev.sessions))
        return [node]

    device.register_state(state)
    reply = client.rpc(f'<get xmlns="{NC}"/>')
    assert reply is not None
    assert reply.findtext("{urn:example:state}counters/{urn:example:state}sessions") == "1"
    assert reply.find(f"{N}native") is not None
    config = client.get_config()
    assert config.find("{urn:example:state}counters") is None
    full = client.rpc(
        f'<get xmlns="{NC}"><with-defaults xmlns="{WITH_DEFAULTS}">report-all</with-defaults></get>'
    )
    assert full is not None
    assert full.find("{urn:example:state}counters") is not None


def test_get_config_with_defaults_modes() -> None:
    device, _ = make_device()
    client = connect(device)
    explicit = client.get_config()
    wd = f'<with-defaults xmlns="{WITH_DEFAULTS}">report-all</with-defaults>'
    full = client.get_config(inner=wd)
    assert len(etree.tostring(full)) > len(etree.tostring(explicit))
    tagged = client.get_config(
        inner=f'<with-defaults xmlns="{WITH_DEFAULTS}">report-all-tagged</with-defaults>'
    )
    assert b'default="true"' in etree.tostring(tagged)
    bad = client.error(
        f'<get-config xmlns="{NC}"><source><running/></source>'
        f'<with-defaults xmlns="{WITH_DEFAULTS}">everything</with-defaults></get-config>'
    )
    assert bad.tag == "invalid-value"


def test_get_config_parameter_errors() -> None:
    device, _ = make_device()
    client = connect(device)
    assert client.error(f'<get-config xmlns="{NC}"/>').tag == "missing-element"
    two = client.error(
        f'<get-config xmlns="{NC}"><source><running/><startup/></source></get-config>'
    )
    assert two.tag == "bad-element"
    cand = client.error(f'<get-config xmlns="{NC}"><source><candidate/></source></get-config>')
    assert cand.tag == "invalid-value"
    unknown = client.error(
        f'<get-config xmlns="{NC}"><source><running/></source><sauce/></get-config>'
    )
    assert unknown.tag == "unknown-element" and unknown.info == {"bad-element": "sauce"}
    foreign = client.error(
        f'<get-config xmlns="{NC}"><source><running/></source>'
        '<x xmlns="urn:example:other"/></get-config>'
    )
    assert foreign.tag == "unknown-namespace"
    assert foreign.info["bad-namespace"] == "urn:example:other"
    no_select = client.error(
        f'<get-config xmlns="{NC}"><source><running/></source><filter type="xpath"/></get-config>'
    )
    assert no_select.tag == "missing-attribute"
    assert no_select.info["bad-attribute"] == "select"


def test_unknown_operation_is_not_supported() -> None:
    device, _ = make_device()
    error = connect(device).error(f'<frobnicate xmlns="{NC}"/>')
    assert error.tag == "operation-not-supported"
    vendor = connect(device).error('<frobnicate xmlns="urn:example:vendor"/>')
    assert vendor.tag == "operation-not-supported"


# --- edit-config parameters ----------------------------------------------------------------
def test_edit_config_parameter_errors() -> None:
    device, _ = make_device()
    client = connect(device)
    before = all_datastores(device)
    assert client.error(f'<edit-config xmlns="{NC}"><config/></edit-config>').tag == (
        "missing-element"
    )
    missing_config = client.error(
        f'<edit-config xmlns="{NC}"><target><running/></target></edit-config>'
    )
    assert missing_config.tag == "missing-element"
    assert missing_config.info == {"bad-element": "config"}
    bad_default = client.edit_error(
        loopback(1), extra="<default-operation>obliterate</default-operation>"
    )
    assert bad_default.tag == "invalid-value"
    bad_test = client.edit_error(loopback(1), extra="<test-option>maybe</test-option>")
    assert bad_test.tag == "invalid-value"
    bad_error = client.edit_error(loopback(1), extra="<error-option>ignore</error-option>")
    assert bad_error.tag == "invalid-value"
    assert client.edit_error(loopback(1), target="startup").tag == "operation-not-supported"
    assert client.edit_error(loopback(1), target="candidate").tag == "invalid-value"
    url = client.error(
        f'<edit-config xmlns="{NC}"><target><running/></target><url>file:///x</url></edit-config>'
    )
    assert url.tag == "operation-not-supported"
    bad_op = client.edit_error(
        native(
            f'<interface><Loopback nc:operation="smash" {NCOP}><name>1</name></Loopback>'
            "</interface>"
        )
    )
    assert bad_op.tag == "bad-attribute"
    missing_key = client.edit_error(
        native("<interface><Loopback><description>x</description></Loopback></interface>")
    )
    assert missing_key.tag == "missing-element" and missing_key.info == {"bad-element": "name"}
    assert all_datastores(device) == before


def test_error_options_are_accepted_and_the_edit_is_atomic() -> None:
    device, _ = make_device()
    client = connect(device)
    for option in ("stop-on-error", "continue-on-error", "rollback-on-error"):
        before = all_datastores(device)
        # first Loopback valid, second refers to a VRF that does not exist
        error = client.edit_error(
            native(
                "<interface><Loopback><name>5</name></Loopback>"
                "<Loopback><name>6</name><vrf><forwarding>NOPE</forwarding></vrf></Loopback>"
                "</interface>"
            ),
            extra=f"<error-option>{option}</error-option>",
        )
        assert error.tag == "operation-failed"
        assert all_datastores(device) == before


def test_test_only_validates_without_changing() -> None:
    device, _ = make_device()
    client = connect(device)
    before = all_datastores(device)
    assert client.edit(loopback(9), extra="<test-option>test-only</test-option>") is None
    assert all_datastores(device) == before
    error = client.edit_error(
        loopback(9, extra="<vrf><forwarding>NOPE</forwarding></vrf>"),
        extra="<test-option>test-only</test-option>",
    )
    assert error.tag == "operation-failed"
    client.edit(loopback(9), extra="<test-option>set</test-option>")
    assert _loopbacks(client.get_config()) == ["9"]


def test_state_data_cannot_be_configured() -> None:
    device, _ = make_device()
    client = connect(device)
    error = client.edit_error(
        '<crypto-oper-data xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-oper"/>'
    )
    assert error.tag in ("invalid-value", "unknown-element")


# --- copy-config, delete-config, save ------------------------------------------------------------
def test_copy_running_to_startup_and_delete_startup() -> None:
    device, _ = make_device()
    client = connect(device)
    client.edit(loopback(3))
    assert device.datastore_xml("startup") != device.datastore_xml("running")
    client.rpc(
        f'<copy-config xmlns="{NC}"><target><startup/></target><source><running/></source>'
        "</copy-config>"
    )
    assert device.datastore_xml("startup") == device.datastore_xml("running")
    client.rpc(f'<delete-config xmlns="{NC}"><target><startup/></target></delete-config>')
    assert device.datastore_xml("startup") == b""
    refused = client.error(
        f'<delete-config xmlns="{NC}"><target><running/></target></delete-config>'
    )
    assert refused.tag == "operation-failed"
    same = client.error(
        f'<copy-config xmlns="{NC}"><target><running/></target><source><running/></source>'
        "</copy-config>"
    )
    assert same.tag == "invalid-value"


def test_copy_inline_config_replaces_running_after_validation() -> None:
    device, _ = make_device()
    client = connect(device)
    before = all_datastores(device)
    error = client.error(
        f'<copy-config xmlns="{NC}"><target><running/></target><source><config>'
        f"{native('<hostnam>x</hostnam>')}</config></source></copy-config>"
    )
    assert error.tag == "unknown-element"
    assert all_datastores(device) == before
    client.rpc(
        f'<copy-config xmlns="{NC}"><target><running/></target><source><config>'
        f"{native('<hostname>fresh</hostname>')}</config></source></copy-config>"
    )
    data = client.get_config()
    assert data.findtext(f"{N}native/{N}hostname") == "fresh"
    assert data.find(f"{N}native/{N}interface") is None


# --- locks -------------------------------------------------------------------------------------
def test_lock_denied_names_the_holder_and_edits_are_in_use() -> None:
    device, _ = make_device()
    alice, bob = connect(device), connect(device)
    alice.rpc(f'<lock xmlns="{NC}"><target><running/></target></lock>')
    denied = bob.error(f'<lock xmlns="{NC}"><target><running/></target></lock>')
    assert denied.tag == "lock-denied"
    assert denied.info == {"session-id": str(alice.session.session_id)}
    in_use = bob.edit_error(loopback(4))
    assert in_use.tag == "in-use"
    not_mine = bob.error(f'<unlock xmlns="{NC}"><target><running/></target></unlock>')
    assert not_mine.tag == "operation-failed"
    alice.edit(loopback(4))
    alice.rpc(f'<unlock xmlns="{NC}"><target><running/></target></unlock>')
    bob.edit(loopback(5))
    assert _loopbacks(bob.get_config()) == ["4", "5"]


def test_closing_a_session_releases_its_locks() -> None:
    device, _ = make_device()
    alice, bob = connect(device), connect(device)
    alice.rpc(f'<lock xmlns="{NC}"><target><running/></target></lock>')
    assert alice.rpc(f'<close-session xmlns="{NC}"/>') is None
    assert alice.session.session_id not in device.sessions
    bob.rpc(f'<lock xmlns="{NC}"><target><running/></target></lock>')
    device.close_session(alice.session.session_id)  # idempotent


def test_candidate_lock_refused_while_another_session_has_changes() -> None:
    device, _ = make_device(candidate=True)
    alice, bob = connect(device), connect(device)
    alice.edit(loopback(7), target="candidate")
    assert device.candidate_dirty
    denied = bob.error(f'<lock xmlns="{NC}"><target><candidate/></target></lock>')
    assert denied.tag == "lock-denied"
    assert denied.info == {"session-id": str(alice.session.session_id)}
    alice.rpc(f'<lock xmlns="{NC}"><target><candidate/></target></lock>')  # own changes: fine


def test_kill_session() -> None:
    device, _ = make_device()
    killed: list[int] = []

    def killer(session_id: int) -> bool:
        killed.append(session_id)
        return True

    device.set_session_killer(killer)
    alice, bob = connect(device), connect(device)
    bob.rpc(f'<lock xmlns="{NC}"><target><running/></target></lock>')
    self_kill = alice.error(
        f'<kill-session xmlns="{NC}"><session-id>{alice.session.session_id}</session-id>'
        "</kill-session>"
    )
    assert self_kill.tag == "invalid-value"
    assert (
        alice.error(f'<kill-session xmlns="{NC}"><session-id>999</session-id></kill-session>').tag
        == "invalid-value"
    )
    assert alice.error(f'<kill-session xmlns="{NC}"/>').tag == "missing-element"
    alice.rpc(
        f'<kill-session xmlns="{NC}"><session-id>{bob.session.session_id}</session-id>'
        "</kill-session>"
    )
    assert killed == [bob.session.session_id]
    assert device.locks.holder("running") is None
    alice.rpc(f'<lock xmlns="{NC}"><target><running/></target></lock>')


def test_low_privilege_user_cannot_write() -> None:
    device, _ = make_device()
    admin = connect(device)
    admin.edit(native("<username><name>viewer</name><privilege>1</privilege></username>"))
    viewer = connect(device, "viewer")
    before = all_datastores(device)
    assert viewer.edit_error(loopback(2)).tag == "access-denied"
    assert all_datastores(device) == before
    assert viewer.get_config() is not None


# --- candidate: discard, validate, commit ----------------------------------------------------------
def test_candidate_commit_and_discard() -> None:
    device, _ = make_device(candidate=True)
    client = connect(device)
    client.edit(loopback(11), target="candidate")
    assert _loopbacks(client.get_config()) == []
    assert _loopbacks(client.get_config("candidate")) == ["11"]
    client.rpc(f'<discard-changes xmlns="{NC}"/>')
    assert _loopbacks(client.get_config("candidate")) == []
    assert not device.candidate_dirty
    client.edit(loopback(12), target="candidate")
    client.rpc(f'<commit xmlns="{NC}"/>')
    assert _loopbacks(client.get_config()) == ["12"]
    assert not device.candidate_dirty


def test_candidate_may_hold_unfinished_references_until_commit() -> None:
    device, _ = make_device(candidate=True)
    client = connect(device)
    dangling = loopback(13, extra="<vrf><forwarding>BLUE</forwarding></vrf>")
    client.edit(dangling, target="candidate")
    invalid = client.error(f'<validate xmlns="{NC}"><source><candidate/></source></validate>')
    assert invalid.tag == "operation-failed" and "VRF" in invalid.message
    before_running = device.datastore_xml("running")
    refused = client.error(f'<commit xmlns="{NC}"/>')
    assert refused.tag == "operation-failed"
    assert device.datastore_xml("running") == before_running
    client.edit(
        native(
            "<vrf><definition><name>BLUE</name>"
            "<address-family><ipv4/></address-family></definition></vrf>"
        ),
        target="candidate",
    )
    client.rpc(f'<validate xmlns="{NC}"><source><candidate/></source></validate>')
    client.rpc(f'<commit xmlns="{NC}"/>')
    assert _loopbacks(client.get_config()) == ["13"]


def test_validate_sources() -> None:
    device, _ = make_device()
    client = connect(device)
    client.rpc(f'<validate xmlns="{NC}"><source><running/></source></validate>')
    ok = client.rpc(
        f'<validate xmlns="{NC}"><source><config>{loopback(1)}</config></source></validate>'
    )
    assert ok is None
    bad = client.error(
        f'<validate xmlns="{NC}"><source><config>{native("<hostnam/>")}</config></source>'
        "</validate>"
    )
    assert bad.tag == "unknown-element"
    assert client.error(f'<commit xmlns="{NC}"/>').tag == "operation-not-supported"


def test_unlock_discards_changes_made_under_the_lock() -> None:
    device, _ = make_device(candidate=True)
    client = connect(device)
    client.rpc(f'<lock xmlns="{NC}"><target><candidate/></target></lock>')
    client.edit(loopback(14), target="candidate")
    client.rpc(f'<unlock xmlns="{NC}"><target><candidate/></target></unlock>')
    assert not device.candidate_dirty
    assert _loopbacks(client.get_config("candidate")) == []


def test_running_edits_show_in_a_clean_candidate() -> None:
    device, _ = make_device(candidate=True)
    client = connect(device)
    client.edit(loopback(15))
    assert _loopbacks(client.get_config("candidate")) == ["15"]


# --- get-schema -------------------------------------------------------------------------------
def test_get_schema_serves_the_release_text() -> None:
    device, _ = make_device(Release.V17_9_1)
    client = connect(device)
    reply = client.rpc(
        f'<get-schema xmlns="{NC_MONITORING}"><identifier>Cisco-IOS-XE-cli-rpc</identifier>'
        "<format>yang</format></get-schema>"
    )
    assert reply is not None and etree.QName(reply).namespace == NC_MONITORING
    assert (reply.text or "").startswith("module Cisco-IOS-XE-cli-rpc")
    with_version = client.rpc(
        f'<get-schema xmlns="{NC_MONITORING}"><identifier>Cisco-IOS-XE-cli-rpc</identifier>'
        "<version>2022-07-01</version></get-schema>"
    )
    assert with_version is not None
    wrong_version = client.error(
        f'<get-schema xmlns="{NC_MONITORING}"><identifier>Cisco-IOS-XE-cli-rpc</identifier>'
        "<version>1999-01-01</version></get-schema>"
    )
    assert wrong_version.tag == "invalid-value"
    unknown = client.error(
        f'<get-schema xmlns="{NC_MONITORING}"><identifier>no-such-module</identifier></get-schema>'
    )
    assert unknown.tag == "invalid-value"
    missing = client.error(f'<get-schema xmlns="{NC_MONITORING}"/>')
    assert missing.tag == "missing-element"
