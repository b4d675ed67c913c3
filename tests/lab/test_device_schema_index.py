"""schema.index: what edit-config learns about each element from the models."""

from __future__ import annotations

import pytest

from nornir_flexvpn.namespaces import CRYPTO, HTTP, NAT, NATIVE
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex


@pytest.fixture(scope="module")
def index() -> SchemaIndex:
    return SchemaIndex.for_release(Release.V17_15_1)


def test_kinds_and_keys(index: SchemaIndex) -> None:
    gi = index.lookup([(NATIVE, "native"), (NATIVE, "interface"), (NATIVE, "GigabitEthernet")])
    assert gi is not None and gi.kind is NodeKind.LIST and gi.keys == ("name",)
    name = index.child(gi, NATIVE, "name")
    assert name is not None and name.is_key and name.kind is NodeKind.LEAF
    shutdown = index.child(gi, NATIVE, "shutdown")
    assert shutdown is not None and shutdown.empty_type
    transform = index.lookup(
        [(NATIVE, "native"), (NATIVE, "crypto"), (CRYPTO, "ipsec"), (CRYPTO, "transform-set")]
    )
    assert transform is not None and transform.keys == ("tag",)
    assert transform.module == "Cisco-IOS-XE-crypto"


def test_augmented_leaf_default_and_namespace(index: SchemaIndex) -> None:
    server = index.lookup([(NATIVE, "native"), (NATIVE, "ip"), (HTTP, "http"), (HTTP, "server")])
    assert server is not None
    assert server.namespace == HTTP and server.default == "true"
    older = SchemaIndex.for_release(Release.V16_9_1)
    old_server = older.lookup(
        [(NATIVE, "native"), (NATIVE, "ip"), (HTTP, "http"), (HTTP, "server")]
    )
    assert old_server is not None and old_server.default is None


def test_choices_exclude_other_cases(index: SchemaIndex) -> None:
    nat = index.lookup(
        [
            (NATIVE, "native"),
            (NATIVE, "interface"),
            (NATIVE, "GigabitEthernet"),
            (NATIVE, "ip"),
            (NAT, "nat"),
        ]
    )
    assert nat is not None
    inside, outside = index.child(nat, NAT, "inside"), index.child(nat, NAT, "outside")
    assert inside is not None and outside is not None
    assert inside.excludes(outside) and outside.excludes(inside)
    enable = index.child(nat, NAT, "enable")
    assert enable is not None and not inside.excludes(enable)


def test_user_ordering_and_unknowns(index: SchemaIndex) -> None:
    servers = index.lookup(
        [(NATIVE, "native"), (NATIVE, "ip"), (NATIVE, "name-server"), (NATIVE, "no-vrf-ordered")]
    )
    assert servers is not None
    assert servers.kind is NodeKind.LEAF_LIST and servers.ordered_by_user
    assert index.lookup([(NATIVE, "native"), (NATIVE, "hostnam")]) is None
    assert NATIVE in index.namespaces() and "urn:example" not in index.namespaces()
    index.refresh()  # nothing loaded since: the cache stays valid
    assert index.root(NATIVE, "native") is not None
