"""The client profile and local policy: the document's files, overridable, stable bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from nornir_flexvpn.anyconnect.client_profile import (
    check_identities,
    client_profiles,
    render_client_profile,
)
from nornir_flexvpn.anyconnect.export import export_client_files
from nornir_flexvpn.anyconnect.local_policy import (
    FILE_NAME,
    needs_bypass_downloader,
    render_local_policy,
)
from nornir_flexvpn.cli.main import app
from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.models import AnyConnectProfile, FlexVpnIntent, HostEntry, Ikev2Profile
from nornir_flexvpn.namespaces import ANYCONNECT_PROFILE
from nornir_flexvpn.releases import Release

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT.parent / "shared" / "seed" / "flexvpn-anyconnect-ikev2-local-db.ja.txt"
SEED_INVENTORY = ROOT / "inventory" / "seed"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
A = f"{{{ANYCONNECT_PROFILE}}}"

Shape = tuple[str, dict[str, str], str, list["Shape"]]


def _shape(element: etree._Element) -> Shape:
    """Tag, attributes, trimmed text and children: what a client reads, not the layout."""
    return (
        str(element.tag),
        {str(k): str(v) for k, v in element.attrib.items()},
        (element.text or "").strip(),
        [_shape(c) for c in element if isinstance(c.tag, str)],
    )


def _document_xml(root: str) -> etree._Element:
    text = DOCUMENT.read_text(encoding="utf-8")
    found = re.search(rf"<{root} .*?</{root}>", text, re.S)
    assert found is not None, f"the document has no <{root}>"
    return etree.fromstring(found.group(0).encode(), PARSER)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, PARSER)


def test_default_profile_is_the_documents_profile() -> None:
    ours = _parse(render_client_profile(AnyConnectProfile()))
    assert _shape(ours) == _shape(_document_xml("AnyConnectProfile"))


def test_local_policy_is_the_documents_and_only_for_old_headends() -> None:
    ours = _parse(render_local_policy())
    assert _shape(ours) == _shape(_document_xml("AnyConnectLocalPolicy"))
    assert needs_bypass_downloader("16.8.1") and needs_bypass_downloader("16.3.7")
    assert not needs_bypass_downloader("16.9.1")
    assert not any(needs_bypass_downloader(r) for r in Release)
    off = _parse(render_local_policy(bypass_downloader=False))
    assert off.findtext(f"{A}BypassDownloader") == "false"
    with pytest.raises(IntentError, match="not an IOS-XE version"):
        needs_bypass_downloader("seventeen")


def test_bytes_are_stable_and_well_formed() -> None:
    first = render_client_profile(AnyConnectProfile())
    again = render_client_profile(
        AnyConnectProfile.model_validate(AnyConnectProfile().model_dump())
    )
    assert first == again
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<AnyConnectProfile ')
    assert first.endswith(b"</AnyConnectProfile>\n") and b"\r" not in first
    # Mixed content keeps the value before the nested element, as the document writes it.
    assert b'<AutoReconnect UserControllable="false">true\n' in first


def test_overrides_change_values_keep_attributes_and_append_new_settings() -> None:
    profile = AnyConnectProfile(
        client_initialization={
            "AutoConnectOnStart": True,
            "AuthenticationTimeout": 30,
            "AutoReconnect/AutoReconnectBehavior": "DisconnectOnSuspend",
            "ZNewSetting": "x",
            "AllowManualHostInput": False,
        }
    )
    root = _parse(render_client_profile(profile))
    init = root.find(f"{A}ClientInitialization")
    assert init is not None
    start = init.find(f"{A}AutoConnectOnStart")
    assert start is not None and start.text == "true" and start.get("UserControllable") == "true"
    assert init.findtext(f"{A}AuthenticationTimeout") == "30"
    assert init.findtext(f"{A}AllowManualHostInput") == "false"
    assert init.findtext(f"{A}AutoReconnect/{A}AutoReconnectBehavior") == "DisconnectOnSuspend"
    names = [etree.QName(c).localname for c in init]
    assert names[-1] == "ZNewSetting" and names.count("AutoConnectOnStart") == 1
    assert render_client_profile(profile) != render_client_profile(AnyConnectProfile())


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"AutoUpdate/Nothing": "x"}, "client_initialization.AutoUpdate/Nothing"),
        ({"bad name": "x"}, "client_initialization.bad name"),
        ({"AutoReconnect/<x>": "x"}, "client_initialization.AutoReconnect/<x>"),
    ],
)
def test_bad_overrides_name_the_field(overrides: dict[str, str], path: str) -> None:
    with pytest.raises(IntentError) as caught:
        render_client_profile(AnyConnectProfile(client_initialization=overrides), path="p")
    assert caught.value.path == f"p.{path}"


def test_host_entries_and_ike_identity_must_match_an_ikev2_profile() -> None:
    entries = [
        HostEntry(name="HQ", address="hq.example.com"),
        HostEntry(name="DR", address="192.0.2.10", ike_identity="dr-clients"),
    ]
    intent = FlexVpnIntent(anyconnect_profiles=[AnyConnectProfile(host_entries=entries)])
    with pytest.raises(IntentError, match="'dr-clients' is matched by no IKEv2 profile") as bad:
        check_identities(intent)
    assert bad.value.path == "anyconnect_profiles[0].host_entries[1].ike_identity"
    fixed = intent.model_copy(
        update={
            "ikev2_profiles": [Ikev2Profile(match_key_ids=["*$AnyConnectClient$*", "dr-clients"])]
        }
    )
    root = _parse(client_profiles(fixed)["acvpn"])
    hosts = root.findall(f"{A}ServerList/{A}HostEntry")
    assert [h.findtext(f"{A}HostAddress") for h in hosts] == ["hq.example.com", "192.0.2.10"]
    ident = f"{A}PrimaryProtocol/{A}StandardAuthenticationOnly/{A}IKEIdentity"
    assert [h.findtext(ident) for h in hosts] == [None, "dr-clients"]
    method = f"{A}PrimaryProtocol/{A}StandardAuthenticationOnly/{A}AuthMethodDuringIKENegotiation"
    assert {h.findtext(method) for h in hosts} == {"EAP-AnyConnect"}


def test_profiles_not_delivered_are_not_rendered() -> None:
    intent = FlexVpnIntent(anyconnect_profiles=[AnyConnectProfile(deliver=False)])
    assert client_profiles(intent) == {}


def test_export_writes_profiles_and_the_local_policy_for_old_headends(tmp_path: Path) -> None:
    intent = FlexVpnIntent()
    new = export_client_files(intent, tmp_path / "new", headend_version=Release.V17_15_1)
    assert [p.name for p in new] == ["acvpn.xml"]
    assert new[0].read_bytes() == render_client_profile(AnyConnectProfile())
    old = export_client_files(intent, tmp_path / "old", headend_version="16.8.1")
    assert [p.name for p in old] == ["acvpn.xml", FILE_NAME]
    assert old[1].read_bytes() == render_local_policy()
    forced = export_client_files(intent, tmp_path / "forced", local_policy=True)
    assert [p.name for p in forced] == ["acvpn.xml", FILE_NAME]


def test_cli_render_prints_exactly_the_delivered_bytes(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["profile", "render", "--inventory", str(SEED_INVENTORY), "--host", "seed-headend"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == render_client_profile(AnyConnectProfile())
    missing = runner.invoke(app, ["profile", "render", "-i", str(SEED_INVENTORY), "-H", "nope"])
    assert isinstance(missing.exception, IntentError) and "seed-headend" in str(missing.exception)
    exported = runner.invoke(
        app,
        ["profile", "export", "-i", str(SEED_INVENTORY), "-H", "seed-headend", "-o", str(tmp_path)],
    )
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "acvpn.xml").read_bytes() == result.stdout_bytes
