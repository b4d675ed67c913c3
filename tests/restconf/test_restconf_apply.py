"""Apply over RESTCONF: the self-lockout guard, rollback on failure, trust."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nornir.core import Nornir
from nornir.core.task import Result

from nornir_flexvpn.errors import CheckError, RefusedError, TlsError
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.restconf_ca import load_or_create_ca
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.payload.types import Payload
from nornir_flexvpn.releases import Release
from nornir_flexvpn.restconf.apply import RestconfApplyOutcome
from nornir_flexvpn.restconf.client import RestconfClient, RestconfParams
from nornir_flexvpn.restconf.reader import RestconfReader
from nornir_flexvpn.restconf.tasks import apply_flexvpn_restconf
from tests.restconf.conftest import ClientFor, InventoryFor
from tests.restconf.test_restconf_cli import keep_https

NornirOn = Callable[[list[Headend]], Nornir]


def _running(lab_server: ThreadedLab, headend: Headend) -> bytes:
    device: Any = headend.device
    data: bytes = lab_server.call(lambda: device.datastore_xml("running"))
    return data


def _apply(nr: Nornir, **kwargs: Any) -> Result:
    agg = nr.run(task=apply_flexvpn_restconf, on_failed=True, **kwargs)
    return next(iter(agg.values()))[0]


def test_apply_that_turns_off_https_is_refused_with_no_change(
    lab: LabFactory, nornir_on: NornirOn, lab_server: ThreadedLab
) -> None:
    headend = lab(Release.V17_15_1)
    nr = nornir_on([headend])  # the seed intent: `no ip http secure-server`
    before = _running(lab_server, headend)
    result = _apply(nr)
    assert result.failed
    assert isinstance(result.exception, RefusedError)
    message = str(result.exception)
    assert "no ip http secure-server" in message
    assert "NETCONF" in message and "http_secure_server: true" in message
    assert result.exception.path and result.exception.path.endswith("http_secure_server")
    assert _running(lab_server, headend) == before


def test_apply_converges_then_is_idempotent(
    lab: LabFactory, inventory_for: InventoryFor, lab_server: ThreadedLab
) -> None:
    from nornir_flexvpn.cli.fleet import open_nornir

    headend = lab(Release.V17_15_1)
    inventory = inventory_for([headend])
    keep_https(inventory)
    nr = open_nornir(inventory, workers=1)
    try:
        first = _apply(nr)
        outcome = first.result
        assert isinstance(outcome, RestconfApplyOutcome)
        assert not first.failed, outcome.as_dict()
        assert outcome.changed and outcome.applied and outcome.checkpoint_url
        assert outcome.saved
        after = _running(lab_server, headend)
        assert b"AnyConnect-EAP" in after
        second = _apply(nr).result
        assert isinstance(second, RestconfApplyOutcome)
        assert not second.changed and second.checkpoint_url is None
        assert _running(lab_server, headend) == after
    finally:
        nr.close_connections(on_good=True, on_failed=True)


def test_apply_failing_midway_leaves_the_headend_as_before(
    lab: LabFactory, inventory_for: InventoryFor, lab_server: ThreadedLab
) -> None:
    from nornir_flexvpn.cli.fleet import open_nornir

    headend = lab(Release.V17_15_1)
    inventory = inventory_for([headend])
    keep_https(inventory)
    before = _running(lab_server, headend)
    landed: list[bytes] = []

    def failing_gate(reader: RestconfReader, payload: Payload) -> None:
        landed.append(_running(lab_server, headend))  # the PATCH is in running now
        raise CheckError("post-check failed on purpose")

    nr = open_nornir(inventory, workers=1)
    try:
        result = _apply(nr, gate=failing_gate)
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    outcome = result.result
    assert isinstance(outcome, RestconfApplyOutcome)
    assert result.failed and isinstance(result.exception, CheckError)
    assert landed and landed[0] != before
    assert outcome.rolled_back and not outcome.changed
    assert _running(lab_server, headend) == before


def test_untrusted_certificate_is_refused(
    lab: LabFactory, client_for: ClientFor, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    headend = lab(Release.V17_15_1)
    trusted = client_for(headend).params
    # The system store does not know the lab CA; another CA does not either.
    with pytest.raises(TlsError, match="not trusted"):
        RestconfClient.open(RestconfParams(**{**trusted.__dict__, "ca_bundle": None}))
    stranger = load_or_create_ca(tmp_path / "other-ca")
    with pytest.raises(TlsError, match="not trusted") as refused:
        RestconfClient.open(RestconfParams(**{**trusted.__dict__, "ca_bundle": stranger.cert_path}))
    assert trusted.password is not None and trusted.password not in str(refused.value)
    # The explicit opt-out works, and says so.
    with caplog.at_level(logging.WARNING, logger="nornir_flexvpn.restconf.client"):
        insecure = RestconfClient.open(
            RestconfParams(**{**trusted.__dict__, "ca_bundle": None, "verify": False})
        )
    with insecure:
        assert insecure.get_data(content="config") is not None
    assert any("verification is OFF" in r.message for r in caplog.records)
    assert trusted.password not in repr(insecure)
