"""Loading per-host intents from a SimpleInventory: merge order, strictness, error paths."""

from __future__ import annotations

import textwrap
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from nornir.core.inventory import Defaults, Group, Host, ParentGroups

from nornir_flexvpn.errors import IntentError, IntentIssuesError
from nornir_flexvpn.intent.loader import intent_from_host, load_hosts
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.releases import Release


def write_inventory(
    root: Path, hosts: str, groups: str | None = None, defaults: str | None = None
) -> Path:
    (root / "hosts.yaml").write_text(textwrap.dedent(hosts).lstrip(), encoding="utf-8")
    if groups is not None:
        (root / "groups.yaml").write_text(textwrap.dedent(groups).lstrip(), encoding="utf-8")
    if defaults is not None:
        (root / "defaults.yaml").write_text(textwrap.dedent(defaults).lstrip(), encoding="utf-8")
    return root


def test_host_without_intent_is_the_document_headend(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path, "h1:\n  hostname: 10.0.0.9\n")
    host = load_hosts(inv)["h1"]
    assert host.intent == FlexVpnIntent()
    assert host.release is Release.V17_15_1
    assert host.model == "c8000v"
    assert host.port is None
    assert host.inventory_dir == inv.resolve()


def test_defaults_groups_host_merge_in_nornir_order(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        hosts="""
        h1:
          hostname: 10.0.0.9
          groups: [early, late]
          data:
            flexvpn:
              aaa:
                users:
                  - {name: alice, password: "env:ALICE_PW", hash: scrypt}
        """,
        groups="""
        early:
          groups: [parent]
          data:
            flexvpn:
              loopbacks: [{number: 7, address: 10.7.7.7}]
        late:
          port: 2022
          data:
            release: 16.9.1
            flexvpn:
              loopbacks: [{number: 8, address: 10.8.8.8}]
              pools: [{name: LATE, start: 172.16.0.1, end: 172.16.0.9}]
        parent:
          data:
            release: 17.9.1
            flexvpn:
              pools: [{name: PARENT, start: 172.17.0.1, end: 172.17.0.9}]
              aaa:
                new_model: false
        """,
        defaults="""
        username: netops
        port: 830
        data:
          model: c8000v
          flexvpn:
            aaa:
              authentication_login: [{name: from-defaults}]
        """,
    )
    host = load_hosts(inv)["h1"]
    intent = host.intent
    # Earlier group beats the later one; a group's parent beats the next sibling.
    assert [lo.number for lo in intent.loopbacks] == [7]
    assert [p.name for p in intent.pools] == ["PARENT"]
    assert host.release is Release.V17_9_1
    # Mappings merge key by key across all layers; lists are replaced whole.
    assert intent.aaa.new_model is False
    assert [m.name for m in intent.aaa.authentication_login] == ["from-defaults"]
    assert [u.name for u in intent.aaa.users] == ["alice"]
    assert intent.aaa.users[0].password.env == "ALICE_PW"
    # Untouched keys keep the document's values.
    assert intent.ikev2_profiles == FlexVpnIntent().ikev2_profiles
    assert host.port == 2022 and host.username == "netops" and host.model == "c8000v"
    assert host.source == (
        "hosts.yaml:h1 < groups.yaml:early < groups.yaml:parent < groups.yaml:late < defaults.yaml"
    )


def test_only_requested_hosts_are_loaded(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        "good:\n  hostname: a\nbad:\n  hostname: b\n  data: {flexvpn: {pools: 3}}\n",
    )
    assert list(load_hosts(inv, hosts=["good"])) == ["good"]
    with pytest.raises(IntentError, match="unknown host"):
        load_hosts(inv, hosts=["nope"])


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path, "h1:\n  hostname: a\n  data:\n    flexvpn: [unclosed\n")
    with pytest.raises(IntentError) as caught:
        load_hosts(inv)
    assert caught.value.path == "hosts.yaml:5"
    assert "malformed YAML" in caught.value.message


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path, "h1:\n  hostname: a\n  hostname: b\n")
    with pytest.raises(IntentError) as caught:
        load_hosts(inv)
    assert caught.value.path == "hosts.yaml:h1.hostname"
    assert caught.value.message == "duplicate key 'hostname' (line 3)"


def test_unknown_key_in_intent_names_yaml_path(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        """
        seed-headend:
          hostname: a
          data:
            flexvpn:
              pools:
                - name: P
                  strat: 10.1.1.1
        """,
    )
    with pytest.raises(IntentIssuesError) as caught:
        load_hosts(inv)
    assert caught.value.issues == [
        (
            "hosts.yaml:seed-headend.data.flexvpn.pools[0].strat",
            "Extra inputs are not permitted (line 7)",
        )
    ]


def test_unknown_host_level_key(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path, "h1:\n  hostname: a\n  flexvpn: {}\n")
    with pytest.raises(IntentError) as caught:
        load_hosts(inv)
    assert caught.value.path == "hosts.yaml:h1.flexvpn"
    assert caught.value.message.startswith("unknown key 'flexvpn' (line 3); allowed: ")


def test_bad_ip_address_path_and_message(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        """
        seed-headend:
          hostname: a
          data:
            flexvpn:
              pools:
                - name: P
                  start: 10.0.0.300
        """,
    )
    with pytest.raises(IntentIssuesError) as caught:
        load_hosts(inv)
    assert str(caught.value).startswith(
        "hosts.yaml:seed-headend.data.flexvpn.pools[0].start: value is not a valid IPv4 address"
    )
    assert "(line 7)" in str(caught.value)


@pytest.mark.parametrize(
    ("snippet", "path", "fragment"),
    [
        # Quoted numbers are strings; no coercion to the DH group 14.
        ('proposals: [{name: P, group: ["14"]}]', "proposals[0].group[0]", "Input should be 1, 2"),
        # A quoted boolean is not a boolean.
        ('http_server: "false"', "http_server", "Input should be a valid boolean"),
        # An integer is not a name.
        ("pools: [{name: 5}]", "pools[0].name", "Input should be a valid string"),
        ("loopbacks: [{number: 1.5}]", "loopbacks[0].number", "Input should be a valid integer"),
        (
            "acls: [{kind: standard, name: A, entries: [{prefix: 1.2.3.4, bogus: 1}]}]",
            "acls[0].entries[0].bogus",
            "Extra inputs are not permitted",
        ),
        ("pools: [{name: P, start: 2024-01-01}]", "pools[0].start", "a YAML date is not accepted"),
    ],
)
def test_wrong_types_are_not_coerced(
    tmp_path: Path, snippet: str, path: str, fragment: str
) -> None:
    inv = write_inventory(tmp_path, f"h1:\n  hostname: a\n  data:\n    flexvpn:\n      {snippet}\n")
    with pytest.raises(IntentIssuesError) as caught:
        load_hosts(inv)
    first_path, first_message = caught.value.issues[0]
    assert first_path == f"hosts.yaml:h1.data.flexvpn.{path}"
    assert fragment in first_message


def test_error_in_inherited_value_names_the_group(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        "edge-1:\n  hostname: a\n  groups: [branch]\n",
        groups="""
        branch:
          data:
            flexvpn:
              pools:
                - name: P
                  start: not-an-ip
        """,
    )
    with pytest.raises(IntentIssuesError) as caught:
        load_hosts(inv)
    path, message = caught.value.issues[0]
    assert path == "groups.yaml:branch.data.flexvpn.pools[0].start"
    assert message.endswith("(line 6; inherited by host edge-1)")


def test_all_issues_are_reported(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        "h1:\n  hostname: a\n  data:\n    flexvpn:\n      http_server: 1\n      pools: 7\n",
    )
    with pytest.raises(IntentIssuesError) as caught:
        load_hosts(inv)
    assert [p for p, _ in caught.value.issues] == [
        "hosts.yaml:h1.data.flexvpn.pools",
        "hosts.yaml:h1.data.flexvpn.http_server",
    ]


def test_plain_string_secret_is_refused_without_echo(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        "h1:\n  hostname: a\n  data:\n    flexvpn:\n      aaa:\n"
        "        users: [{name: u, password: Sup3rS3cret}]\n",
    )
    with pytest.raises(IntentIssuesError) as caught:
        load_hosts(inv)
    assert caught.value.path == "hosts.yaml:h1.data.flexvpn.aaa.users[0].password"
    assert "Sup3rS3cret" not in str(caught.value)
    assert "Sup3rS3cret" not in repr(caught.value)


def test_secret_shorthand_in_yaml(tmp_path: Path) -> None:
    inv = write_inventory(
        tmp_path,
        "h1:\n  hostname: a\n  data:\n    flexvpn:\n      trustpoint:\n"
        "        passphrase: file:secrets/tp.txt\n",
    )
    tp = load_hosts(inv)["h1"].intent.trustpoint
    assert tp is not None and tp.passphrase.file == "secrets/tp.txt" and not tp.passphrase.demo


@pytest.mark.parametrize(
    ("hosts", "groups", "path", "fragment"),
    [
        (
            "h1:\n  hostname: a\n  groups: [ghost]\n",
            None,
            "hosts.yaml:h1.groups[0]",
            "unknown group 'ghost'",
        ),
        (
            "h1:\n  hostname: a\n  groups: [a]\n",
            "a: {groups: [b]}\nb: {groups: [a]}\n",
            "groups.yaml:b.groups",
            "group cycle: a -> b -> a",
        ),
        (
            "h1:\n  hostname: a\n  port: '830'\n",
            None,
            "hosts.yaml:h1.port",
            "expected an integer, got str",
        ),
        (
            "h1:\n  data: {release: 17.15.1}\n",
            None,
            "hosts.yaml:h1.hostname",
            "hostname is not set",
        ),
        (
            "h1:\n  hostname: a\n  data: {release: 16.9.2}\n",
            None,
            "hosts.yaml:h1.data.release",
            "unknown release '16.9.2'",
        ),
        (
            "h1:\n  hostname: a\n  data: {release: 17.9}\n",
            None,
            "hosts.yaml:h1.data.release",
            "expected a release string such as '17.15.1', got float",
        ),
        (
            "h1:\n  hostname: a\n  data: {release: 16.9.1, model: c8000v}\n",
            None,
            "hosts.yaml:h1.data.model",
            "no platform 'c8000v' in release 16.9.1",
        ),
        (
            "h1:\n  hostname: a\n  data: {flexvpn: [1]}\n",
            None,
            "hosts.yaml:h1.data.flexvpn",
            "expected a mapping, got list",
        ),
    ],
)
def test_inventory_shape_errors(
    tmp_path: Path, hosts: str, groups: str | None, path: str, fragment: str
) -> None:
    inv = write_inventory(tmp_path, hosts, groups=groups)
    with pytest.raises(IntentError) as caught:
        load_hosts(inv)
    assert caught.value.path == path
    assert fragment in caught.value.message


def test_release_default_platform(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path, "h1:\n  hostname: a\n  data: {release: 16.9.1}\n")
    host = load_hosts(inv)["h1"]
    assert (host.release, host.model) == (Release.V16_9_1, "csr1k")


def test_intent_from_nornir_host_merges_like_load_hosts() -> None:
    defaults = Defaults(username="netops", data={"flexvpn": {"aaa": {"new_model": False}}})
    parent = Group(
        "parent",
        data={"flexvpn": {"pools": [{"name": "G", "start": "10.9.0.1", "end": "10.9.0.5"}]}},
        defaults=defaults,
    )
    host = Host(
        "h1",
        hostname="192.0.2.1",
        port=830,
        groups=ParentGroups([parent]),
        data={
            "release": "17.12.1",
            "flexvpn": {"loopbacks": [{"number": 3, "address": "10.3.3.3"}]},
        },
        defaults=defaults,
    )
    got = intent_from_host(host)
    assert got.release is Release.V17_12_1 and got.username == "netops" and got.port == 830
    assert got.intent.pools[0].start == IPv4Address("10.9.0.1")
    assert got.intent.loopbacks[0].number == 3
    assert got.intent.aaa.new_model is False
    assert got.source == "hosts:h1 < groups:parent < defaults"

    broken = Group("broken", data={"flexvpn": {"pools": [{"name": 1}]}}, defaults=defaults)
    host2 = Host("h2", hostname="x", groups=ParentGroups([broken]), defaults=defaults)
    with pytest.raises(IntentIssuesError) as caught:
        intent_from_host(host2)
    assert caught.value.issues == [
        (
            "groups:broken.data.flexvpn.pools[0].name",
            "Input should be a valid string (inherited by host h2)",
        )
    ]
