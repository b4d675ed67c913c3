"""Nornir task: import the trustpoint's PKCS12 bundle (step 2 of the document)."""

from __future__ import annotations

from nornir.core.task import Result, Task

from nornir_flexvpn.errors import FlexVpnError
from nornir_flexvpn.files.material import deliver_material
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets
from nornir_flexvpn.tasks.material import pki_channel, pki_cli


def import_pki(task: Task, pki_via_cli: bool = False) -> Result:
    """`result` is a files.material.MaterialReport (`.pki` None: the intent names no
    bundle); `changed` when the bundle was delivered or imported. `pki_via_cli`: on
    releases without the import RPC (16.9.1) use the exec command over the NAPALM CLI
    channel instead of refusing."""
    host = host_intent(task)
    secrets = host_secrets(task, host)
    channel = None
    try:
        channel = pki_channel(task, host, secrets, pki_via_cli)
        report = deliver_material(
            connection(task), host, secrets, profiles=False, pki=True, pki_cli=pki_cli(channel)
        )
    except FlexVpnError as exc:
        return Result(host=task.host, result=None, failed=True, exception=exc)
    finally:
        if channel is not None:
            channel.close()
    return Result(host=task.host, result=report, changed=report.changed)
