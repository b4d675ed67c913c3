"""Nornir task: import the trustpoint's PKCS12 bundle (step 2 of the document)."""

from __future__ import annotations

from nornir.core.task import Result, Task

from nornir_flexvpn.errors import FlexVpnError
from nornir_flexvpn.files.material import deliver_material
from nornir_flexvpn.tasks._host import connection, host_intent, host_secrets


def import_pki(task: Task) -> Result:
    """`result` is a files.material.MaterialReport (`.pki` None: the intent names no
    bundle); `changed` when the bundle was delivered or imported."""
    host = host_intent(task)
    secrets = host_secrets(task, host)
    try:
        report = deliver_material(connection(task), host, secrets, profiles=False, pki=True)
    except FlexVpnError as exc:
        return Result(host=task.host, result=None, failed=True, exception=exc)
    return Result(host=task.host, result=report, changed=report.changed)
