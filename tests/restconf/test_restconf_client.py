"""The RESTCONF client against a lab headend: reads, edits, RFC 8040 errors."""

from __future__ import annotations

import pytest
from lxml import etree

from nornir_flexvpn.errors import ConnectError, EditError, RpcError
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.restconf_fields import limit_depth, parse_fields, select_fields
from nornir_flexvpn.namespaces import NATIVE, qn
from nornir_flexvpn.releases import Release
from nornir_flexvpn.restconf.client import RestconfClient, RestconfParams
from nornir_flexvpn.restconf.paths import ApiPath, Step
from nornir_flexvpn.restconf.reader import RestconfReader
from tests.restconf.conftest import ClientFor

N = "Cisco-IOS-XE-native"
NATIVE_ROOT = ApiPath((Step(N, "native"),))
POOL = ApiPath(
    (Step(N, "native"), Step(N, "ip"), Step(N, "local"), Step(N, "pool", (("id", "P/1"),), True))
)


def test_paths_encode_keys_and_modules() -> None:
    http = ApiPath((Step(N, "native"), Step(N, "ip"), Step("Cisco-IOS-XE-http", "http")))
    assert http.url() == "Cisco-IOS-XE-native:native/ip/Cisco-IOS-XE-http:http"
    assert POOL.url().endswith("/pool=P%2F1")
    assert POOL.xpath().endswith("/pool[id='P/1']")


def test_fields_and_depth() -> None:
    assert parse_fields("a/b;c(d;e)") == {"a": {"b": None}, "c": {"d": None, "e": None}}
    doc = {"a": {"b": 1, "x": 2}, "m:c": [{"d": 1, "z": 3}], "q": 1}
    assert select_fields(doc, parse_fields("a/b;c(d)")) == {"a": {"b": 1}, "m:c": [{"d": 1}]}
    assert limit_depth({"x": {"y": {"z": 1}}, "w": 2}, 2) == {"x": {}, "w": 2}


def test_edit_read_delete_and_errors(lab: LabFactory, client_for: ClientFor) -> None:
    client = client_for(lab(Release.V17_15_1))
    pool = {f"{N}:pool": [{"id": "P/1", "start": "10.9.0.1", "last": "10.9.0.9"}]}
    client.put_data(pool, POOL)
    assert client.get_data(POOL) == pool
    assert client.get_data(POOL, fields="id;last") == {
        f"{N}:pool": [{"id": "P/1", "last": "10.9.0.9"}]
    }
    shallow = client.get_data(NATIVE_ROOT, content="config", depth=1)
    assert shallow == {f"{N}:native": {}}
    # A value the models refuse: RFC 8040 fields kept, no change made.
    with pytest.raises(EditError) as bad:
        client.patch_data({f"{N}:pool": [{"id": "P/1", "start": "not-an-address"}]}, POOL)
    assert bad.value.tag == "invalid-value"
    assert bad.value.info["http-status"] == "400"
    assert client.get_data(POOL) == pool
    client.delete_data(POOL)
    assert client.get_data(POOL) is None
    with pytest.raises(EditError) as missing:
        client.delete_data(POOL)
    assert missing.value.tag == "data-missing"
    assert missing.value.info["http-status"] == "404"
    with pytest.raises(RpcError) as unknown:
        client.invoke("cisco-ia", "no-such-rpc")
    assert unknown.value.info["http-status"] in ("400", "405")


def test_reader_returns_netconf_shaped_data(lab: LabFactory, client_for: ClientFor) -> None:
    reader = RestconfReader(client_for(lab(Release.V17_15_1)), Release.V17_15_1)
    flt = etree.Element(qn(NATIVE, "native"))
    etree.SubElement(flt, qn(NATIVE, "hostname"))
    gig = etree.SubElement(
        etree.SubElement(flt, qn(NATIVE, "interface")), qn(NATIVE, "GigabitEthernet")
    )
    etree.SubElement(gig, qn(NATIVE, "name")).text = "1"
    data = reader.get_config("running", filter=flt)
    assert etree.QName(data).localname == "data"
    assert data.findtext(f"{qn(NATIVE, 'native')}/{qn(NATIVE, 'hostname')}")
    assert data.find(f".//{qn(NATIVE, 'GigabitEthernet')}/{qn(NATIVE, 'ip')}") is not None
    assert data.find(f".//{qn(NATIVE, 'username')}") is None  # only what was asked


def test_wrong_password_is_refused(lab: LabFactory, client_for: ClientFor) -> None:
    good = client_for(lab(Release.V17_15_1)).params
    bad = RestconfParams(**{**good.__dict__, "password": "not-the-password"})
    with RestconfClient.open(bad) as client, pytest.raises(ConnectError, match="401") as refused:
        client.get_data(NATIVE_ROOT)
    assert "not-the-password" not in str(refused.value)
