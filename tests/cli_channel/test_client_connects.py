"""The document's own release: deployed over NETCONF + NAPALM, an AnyConnect client gets in."""

from __future__ import annotations

from typing import Any

import pytest
from netmiko import ConnectHandler

from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.lab.clients import connect_client
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.pki import make_test_pkcs12
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn
from tests.pki.conftest import PASSPHRASE, MaterialNornir

USER_PASSWORD = "cisco123"  # the seed user's demo password
P12 = "bootflash:IKEv2-TP.p12"


def _import_by_hand(headend: Headend, lab_server: ThreadedLab, bundle: bytes) -> str:
    """16.9 has no PKI import RPC: the operator copies the bundle and imports it on the CLI."""
    device = headend.device
    assert isinstance(device, LabDevice)
    lab_server.call(lambda: device.bootflash.write(P12, bundle))
    session = ConnectHandler(
        device_type="cisco_ios",
        host=headend.host,
        port=headend.port,
        username=headend.username,
        password=headend.password,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(headend.known_hosts),
        use_keys=False,
        allow_agent=False,
    )
    try:
        output = str(
            session.send_command(
                f"crypto pki import IKEv2-TP pkcs12 {P12} password {PASSPHRASE}",
                cmd_verify=False,  # the lab echoes the passphrase as `*`
            )
        )
    finally:
        session.disconnect()
    return output


@pytest.mark.parametrize(
    ("release", "lab_args", "deploy_args"),
    [
        pytest.param(Release.V16_9_1, {}, {"allow_running": True}, id="16.9.1"),
        pytest.param(Release.parse("17.3.1"), {"candidate": True}, {}, id="17.3.1"),
    ],
)
def test_client_connects_after_deploy(
    lab: LabFactory,
    lab_server: ThreadedLab,
    material_nornir: MaterialNornir,
    release: Release,
    lab_args: dict[str, Any],
    deploy_args: dict[str, Any],
) -> None:
    headend = lab(release, **lab_args)
    device = headend.device
    assert isinstance(device, LabDevice)
    bundle = make_test_pkcs12(PASSPHRASE)
    by_hand = release is Release.V16_9_1
    nr, _ = material_nornir([headend], bundle=None if by_hand else bundle)
    # The operational post-checks are another part's; here the client is the check.
    agg = nr.run(task=deploy_flexvpn, on_failed=True, checks=[], **deploy_args)
    outcome = agg[headend.name][0].result
    assert isinstance(outcome, DeployOutcome), agg[headend.name][0].exception
    assert not outcome.failed, outcome.as_dict()
    if by_hand:
        output = _import_by_hand(headend, lab_server, bundle)
        assert "Imported PKCS12 file successfully" in output
    session = lab_server.call(lambda: connect_client(device, "test", USER_PASSWORD, "198.51.100.7"))
    assert session.assigned_ip.startswith("192.168.10.")
