"""Writing the client-side files for distribution (the profile folder of each client:
`C:\\ProgramData\\Cisco\\Cisco AnyConnect Secure Mobility Client\\Profile`,
`/opt/cisco/anyconnect/profile`)."""

from __future__ import annotations

from pathlib import Path

from nornir_flexvpn.anyconnect.client_profile import check_identities, file_name
from nornir_flexvpn.anyconnect.client_profile import render_client_profile as render
from nornir_flexvpn.anyconnect.local_policy import (
    FILE_NAME,
    needs_bypass_downloader,
    render_local_policy,
)
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.releases import Release


def export_client_files(
    intent: FlexVpnIntent,
    out_dir: Path,
    *,
    headend_version: Release | str | None = None,
    local_policy: bool | None = None,
) -> list[Path]:
    """Write every profile (`<file name of its url>`) and, when the headend is older than
    16.9.1 or `local_policy` is True, AnyConnectLocalPolicy.xml; returns the paths."""
    check_identities(intent)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i, profile in enumerate(intent.anyconnect_profiles):
        target = out_dir / file_name(profile)
        target.write_bytes(render(profile, path=f"anyconnect_profiles[{i}]"))
        written.append(target)
    if local_policy is None:
        local_policy = headend_version is not None and needs_bypass_downloader(headend_version)
    if local_policy:
        target = out_dir / FILE_NAME
        target.write_bytes(render_local_policy())
        written.append(target)
    return written
