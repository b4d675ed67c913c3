"""`flexvpn yang pull`: a device's own modules, usable as a models folder."""

from __future__ import annotations

from pathlib import Path

from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.intent.secrets import resolve_secrets
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.netconf.connection import ConnectionParams, NetconfConnection
from nornir_flexvpn.netconf.schema_pull import pull_modules
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.validate import validate_config


def test_pulled_modules_validate_the_payload(lab: LabFactory, tmp_path: Path) -> None:
    release = Release.V17_3_1
    headend = lab(release, candidate=True)
    params = ConnectionParams(
        host=headend.host,
        port=headend.port,
        username=headend.username,
        password=headend.password,
        known_hosts=headend.known_hosts,
    )
    with NetconfConnection.open(params) as conn:
        written = pull_modules(conn, release, tmp_path)
    names = {p.stem for p in written}
    # The headend set and what it imports/includes, and nothing the device lacks.
    assert {"Cisco-IOS-XE-native", "Cisco-IOS-XE-crypto", "cisco-ia"} <= names
    assert "Cisco-IOS-XE-interfaces" in names  # a submodule of native, via include
    assert "Cisco-IOS-XE-cli-rpc" not in names  # 17.3.1 has none
    intent = FlexVpnIntent()
    payload = build_payload(intent, release, resolve_secrets(intent, base_dir=tmp_path))
    # Validating against what the device served (repaired on load) finds the payload valid.
    assert validate_config(release, payload.config, models_dir=tmp_path) == []
