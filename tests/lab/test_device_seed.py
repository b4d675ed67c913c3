"""The seed headend is accepted on every release; model violations are refused
with the model's message and path, and nothing changes."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from nornir_flexvpn.lab.testing import SEED_SAMPLE, all_datastores, connect, make_device, native
from nornir_flexvpn.lab.xmlutil import elements
from nornir_flexvpn.namespaces import CLI_RPC, CRYPTO, NATIVE, NC
from nornir_flexvpn.releases import Release

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads"


def _goldens(release: Release) -> list[Path]:
    return sorted((PAYLOADS / release.dirname).glob("*.xml")) + sorted(
        (PAYLOADS / release.value).glob("*.xml")
    )


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_seed_sample_is_accepted_and_kept(release: Release) -> None:
    device, _ = make_device(release)
    client = connect(device)
    assert client.edit(SEED_SAMPLE) is None
    data = client.get_config()
    pools = data.findall(f".//{{{NATIVE}}}ip/{{{NATIVE}}}local/{{{NATIVE}}}pool")
    assert [p.findtext(f"{{{NATIVE}}}id") for p in pools] == ["ACPOOL"]
    profile = data.find(f".//{{{CRYPTO}}}ipsec/{{{CRYPTO}}}profile")
    assert profile is not None
    assert profile.findtext(f"{{{CRYPTO}}}set/{{{CRYPTO}}}ikev2-profile") == "AnyConnect-EAP"
    # the baseline is still there: merge, not replace
    assert data.findtext(f"{{{NATIVE}}}native/{{{NATIVE}}}hostname") == "hq"


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_payload_goldens_are_accepted(release: Release) -> None:
    """The payload builders' goldens (payloads/<release>/*.xml) and, where the
    release has the CLI RPC, their CLI-channel lines (*.cli.txt)."""
    goldens = _goldens(release)
    assert goldens, f"no goldens under {PAYLOADS / release.value}"
    for golden in goldens:
        device, _ = make_device(release)
        client = connect(device)
        root = etree.parse(str(golden), etree.XMLParser(resolve_entities=False, no_network=True))
        config = root.getroot()
        inner = "".join(etree.tostring(e).decode() for e in elements(config))
        assert client.edit(inner) is None, golden
        cli = golden.with_name(golden.name.removesuffix(".xml") + ".cli.txt")
        if release >= Release.V17_9_1 and cli.is_file():
            text = cli.read_text(encoding="utf-8")
            client.rpc(
                f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>{escape(text)}'
                "</config-clis></config-ios-cli-rpc>"
            )
            assert device.cli_overlay == {
                "interface Virtual-Template100 type tunnel": ["ip nat inside"]
            }


def _rejected(release: Release, config: str) -> tuple[str, str | None, str]:
    device, _ = make_device(release)
    client = connect(device)
    before = all_datastores(device)
    error = client.edit_error(config)
    assert all_datastores(device) == before
    return error.tag, error.path, error.message


BAD_CASES = {
    "misspelled element": (
        SEED_SAMPLE.replace("<start>192.168.10.5</start>", "<strat>192.168.10.5</strat>"),
        "unknown-element",
        'Node "strat" not found',
        "/pool",
    ),
    "bad enum": (
        SEED_SAMPLE.replace("<esp>esp-aes</esp>", "<esp>esp-aes-999</esp>"),
        "invalid-value",
        "esp-aes-999",
        "transform-set",
    ),
    "wrong namespace": (
        SEED_SAMPLE.replace(f'<ikev2 xmlns="{CRYPTO}">', '<ikev2 xmlns="urn:example:crypto">'),
        "unknown-namespace",
        "urn:example:crypto",
        "ikev2",
    ),
    "dangling reference": (
        SEED_SAMPLE.replace(
            "<Loopback><name>100</name>",
            "<Loopback><name>100</name><vrf><forwarding>NO-SUCH-VRF</forwarding></vrf>",
        ),
        "operation-failed",
        "VRF must be created 1st",
        "Loopback[name='100']/vrf/forwarding",
    ),
}


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
@pytest.mark.parametrize("case", list(BAD_CASES))
def test_model_violations_are_refused_and_change_nothing(release: Release, case: str) -> None:
    config, tag, message_part, path_part = BAD_CASES[case]
    got_tag, path, message = _rejected(release, config)
    assert got_tag == tag
    assert message_part in message
    assert path is not None and path_part in path


@pytest.mark.parametrize("release", [r for r in Release if r >= Release.V17_3_1], ids=str)
def test_reference_to_a_missing_ikev2_profile_is_refused(release: Release) -> None:
    device, _ = make_device(release)
    client = connect(device)
    before = all_datastores(device)
    error = client.edit_error(
        SEED_SAMPLE.replace(
            "<ikev2-profile>AnyConnect-EAP</ikev2-profile>", "<ikev2-profile>NOPE</ikev2-profile>"
        )
    )
    assert error.tag == "operation-failed"
    assert getattr(error, "app_tag", None) == "must-violation"
    assert "IKEv2 profile doesn't exist" in error.message
    assert error.path is not None and error.path.endswith("/set/ikev2-profile")
    assert all_datastores(device) == before


def test_deleting_a_referenced_node_is_refused() -> None:
    """Removing the transform set an IPsec profile uses breaks the profile's must."""
    device, _ = make_device()
    client = connect(device)
    client.edit(SEED_SAMPLE)
    before = all_datastores(device)
    error = client.edit_error(
        native(
            f'<crypto><ipsec xmlns="{CRYPTO}"><transform-set nc:operation="delete" '
            f'xmlns:nc="{NC}"><tag>TS</tag></transform-set></ipsec></crypto>'
        )
    )
    assert error.tag == "operation-failed"
    assert "transform set" in error.message
    assert all_datastores(device) == before


def test_the_config_wrapper_namespace_is_base() -> None:
    device, _ = make_device()
    client = connect(device)
    reply = client.get_config()
    assert etree.QName(reply).namespace == NC
