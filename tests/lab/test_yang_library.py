"""The lab serves the platform's published ietf-yang-library module list."""

from __future__ import annotations

import pytest

from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.netconf.connection import ConnectionParams, NetconfConnection
from nornir_flexvpn.releases import Release


@pytest.mark.parametrize("release", [r for r in Release if r >= Release.V17_12_1], ids=str)
def test_modules_state_names_what_the_hello_does_not(lab: LabFactory, release: Release) -> None:
    headend = lab(release, candidate=True)
    params = ConnectionParams(
        host=headend.host,
        port=headend.port,
        username=headend.username,
        password=headend.password,
        known_hosts=headend.known_hosts,
    )
    with NetconfConnection.open(params) as conn:
        # From 17.12 the hello names no Cisco-IOS-XE module...
        assert not conn.capabilities.has_module("Cisco-IOS-XE-cli-rpc")
        caps = conn.load_yang_library()
        # ...the yang-library does (17.18.1's published file needs its stray first line cut).
        assert caps.cli_rpc and caps.cisco_ia and caps.crypto_oper
        assert caps.release_guess is not None and caps.release_guess.release is release


def test_no_yang_set_no_modules_state(lab: LabFactory) -> None:
    headend = lab(Release.V16_9_1)
    params = ConnectionParams(
        host=headend.host,
        port=headend.port,
        username=headend.username,
        password=headend.password,
        known_hosts=headend.known_hosts,
    )
    with NetconfConnection.open(params) as conn:
        assert conn.capabilities.has_module("Cisco-IOS-XE-native")  # 16.9 names them in the hello
        assert conn.capabilities.cisco_ia
