"""A lab inventory whose trustpoint is imported through the real flow (the demo's).

The lab's headends accept bundles signed by the lab CA (`lab.pki`); this
writes one next to the inventory, encrypted with the passphrase the group's
own secret reference resolves to, and points `trustpoint.pkcs12_source` at it.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from nornir_flexvpn.errors import IntentError
from nornir_flexvpn.intent.models import SecretRef
from nornir_flexvpn.intent.secrets import resolve_ref
from nornir_flexvpn.lab.inventory import SEED_GROUP
from nornir_flexvpn.lab.pki import make_test_pkcs12

BUNDLE_NAME = "IKEv2-TP.p12"


def provision_lab_bundle(folder: Path, *, group: str = SEED_GROUP) -> Path:
    """Write `folder/IKEv2-TP.p12` and name it in `group`'s intent; returns its path."""
    path = folder / "groups.yaml"
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        trustpoint = groups[group]["data"]["flexvpn"].setdefault("trustpoint", {})
    except (KeyError, TypeError):
        raise IntentError(f"no group {group!r} with flexvpn data", path=str(path)) from None
    ref = SecretRef.model_validate(
        trustpoint.get("passphrase", {"env": "FLEXVPN_TRUSTPOINT_PASSPHRASE", "demo": True})
    )
    passphrase, _ = resolve_ref(ref, field="trustpoint.passphrase", base_dir=folder)
    bundle = folder / BUNDLE_NAME
    bundle.write_bytes(make_test_pkcs12(passphrase))
    os.chmod(bundle, 0o600)
    trustpoint["pkcs12_source"] = BUNDLE_NAME
    path.write_text(yaml.safe_dump(groups, sort_keys=False), encoding="utf-8")
    return bundle
