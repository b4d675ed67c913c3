"""The assembled payload: valid on every release, stable bytes, exact CLI items, pure."""

from __future__ import annotations

import builtins
import io
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import libyang
import pytest
from lxml import etree

from nornir_flexvpn.intent.secrets import DEMO_SECRET, resolve_secrets, verify_secret9
from nornir_flexvpn.namespaces import CRYPTO, NATIVE, NC, qn
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.payload.goldens import xml_text
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema import parse_config, validate_config

from .payload_support import OLDEST, SEED, FixedSecrets, build, native, seed_with, texts, xp

ALL = list(Release)
ids = [r.value for r in ALL]


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_seed_payload_validates(release: Release) -> None:
    payload = build(release)
    assert payload.release is release
    assert validate_config(release, payload.config) == []


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_wrapper_and_single_shared_containers(release: Release) -> None:
    config = build(release).config
    assert config.tag == qn(NC, "config")
    assert [child.tag for child in config] == [qn(NATIVE, "native")]
    root = native(build(release))
    order = [etree.QName(child).localname for child in root]
    assert order == ["aaa", "username", "crypto", "ip", "interface"]
    crypto = root.find(qn(NATIVE, "crypto"))
    assert crypto is not None
    assert [etree.QName(c).localname for c in crypto] == ["pki", "ikev2", "vpn", "ipsec"]
    assert len(crypto.findall(qn(CRYPTO, "ikev2"))) == 1


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_same_input_same_bytes(release: Release) -> None:
    first = etree.tostring(build(release).config)
    second = etree.tostring(build(release).config)
    assert first == second


SEED_16_9_1_ITEMS = [
    (
        "ikev2_authorization_policy",
        ("crypto ikev2 authorization policy ikev2-auth-policy",),
        "pool ACPOOL",
    ),
    (
        "ikev2_authorization_policy",
        ("crypto ikev2 authorization policy ikev2-auth-policy",),
        "dns 10.0.1.1",
    ),
    (
        "ikev2_authorization_policy",
        ("crypto ikev2 authorization policy ikev2-auth-policy",),
        "route set access-list split_tunnel",
    ),
    ("ikev2_profile", ("crypto ikev2 profile AnyConnect-EAP",), "anyconnect profile acvpn"),
    (
        "virtual_template",
        ("interface Virtual-Template100 type tunnel",),
        "tunnel protection ipsec profile AnyConnect-EAP",
    ),
    ("virtual_template", ("interface Virtual-Template100 type tunnel",), "ip nat inside"),
]
NAT_INSIDE_ONLY = [SEED_16_9_1_ITEMS[-1]]


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_cli_items_per_release(release: Release) -> None:
    items = build(release).cli
    expected = SEED_16_9_1_ITEMS if release == OLDEST else NAT_INSIDE_ONLY
    assert [(i.area, i.parents, i.line) for i in items] == expected
    for item in items:
        assert item.reason.startswith(f"{release.value}: ")
        assert "Cisco-IOS-XE-" in item.reason
    assert items[-1].reason == (
        f"{release.value}: no 'ip nat inside' on Virtual-Template in Cisco-IOS-XE-nat"
    )


def test_builders_do_no_io(monkeypatch: pytest.MonkeyPatch) -> None:
    # Warm every import first: only the builders' own work is watched.
    for release in ALL:
        build(release)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"I/O attempted: {args!r}")

    for target, name in (
        (builtins, "open"),
        (io, "open"),
        (os, "open"),
        (os, "listdir"),
        (os, "scandir"),
        (os, "stat"),
        (Path, "open"),
        (Path, "read_text"),
        (Path, "read_bytes"),
        (socket, "socket"),
        (socket, "create_connection"),
        (subprocess, "Popen"),
    ):
        monkeypatch.setattr(target, name, refuse)
    for release in ALL:
        payload = build(release, seed_with(aaa={"users": [
            {"name": "a", "password": {"env": "A", "demo": True}, "hash": "scrypt"}
        ]}))  # fmt: skip
        assert len(payload.config) == 1


@pytest.mark.parametrize("release", [OLDEST, Release.V17_15_1], ids=["16.9.1", "17.15.1"])
def test_secret_values_only_where_the_model_puts_them(release: Release) -> None:
    payload = build(release)
    text = xml_text(payload.config)
    assert text.count("pw-test") == 1
    assert texts(native(payload), "n:username/n:password/n:password") == ["pw-test"]
    assert "pw-test" not in repr(payload)
    assert all("pw-test" not in item.text for item in payload.cli)


def test_resolved_scrypt_user_goes_out_hashed(tmp_path: Path) -> None:
    intent = seed_with(
        aaa={
            "users": [
                {"name": "alice", "password": {"env": "A_PW", "demo": True}, "hash": "scrypt"}
            ]
        }
    )
    secrets = resolve_secrets(intent, base_dir=tmp_path, environ={}, salt_source=lambda: "A" * 14)
    payload = build_payload(intent, Release.V17_15_1, secrets)
    (hashed,) = texts(native(payload), "n:username[n:name='alice']/n:secret/n:secret")
    assert hashed.startswith("$9$AAAAAAAAAAAAAA$")
    assert verify_secret9(DEMO_SECRET, hashed)
    assert DEMO_SECRET not in xml_text(payload.config)
    assert validate_config(Release.V17_15_1, payload.config) == []


def test_payload_repr_names_no_secret() -> None:
    payload = build_payload(SEED, Release.V17_15_1, FixedSecrets())
    assert "pw-" not in repr(payload)
    assert xp(native(payload), "n:username")


@pytest.mark.parametrize("release", ALL, ids=ids)
def test_no_deprecated_or_obsolete_node_is_written(release: Release) -> None:
    """The newest non-deprecated shape on each release (containers are judged by their leaves)."""
    old: list[str] = []
    with parse_config(release, build(release).config) as tree:
        assert tree is not None
        for top in tree.siblings():
            for node in top.iter_tree():
                schema = node.schema()
                flags: dict[str, bool] = node.flags()  # type: ignore[no-untyped-call]
                if flags["default"]:
                    continue
                if isinstance(schema, libyang.SContainer) and not schema.presence():
                    continue
                if schema.deprecated() or schema.obsolete():
                    old.append(node.path())
    assert old == []
