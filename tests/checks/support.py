"""Helpers for the post-check tests: deploy the seed, install a certificate, connect clients,
edit running behind the tool's back, and run verify with every reply recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from ncclient import manager
from nornir.core import Nornir
from nornir.core.task import Result, Task

from nornir_flexvpn.checks.results import Status, VerifyReport
from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.lab.clients import ClientSession, connect_client
from nornir_flexvpn.lab.device import LabDevice
from nornir_flexvpn.lab.pki import import_pkcs12, make_test_pkcs12
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.namespaces import NC
from nornir_flexvpn.tasks.deploy_flexvpn import deploy_flexvpn
from nornir_flexvpn.tasks.verify_flexvpn import verify_flexvpn

PASSPHRASE = "cisco123"
USER, USER_PASSWORD = "test", "cisco123"
P12_URL = "bootflash:IKEv2-TP.p12"


def one(nr: Nornir, task: Callable[..., Result], **kwargs: Any) -> Result:
    agg = nr.run(task=task, on_failed=True, **kwargs)
    assert len(agg) == 1
    multi = next(iter(agg.values()))
    return multi[0]


def deploy(nr: Nornir, **kwargs: Any) -> DeployOutcome:
    result = one(nr, deploy_flexvpn, **kwargs)
    assert isinstance(result.result, DeployOutcome), result.exception
    return result.result


def verify_report(nr: Nornir, **kwargs: Any) -> VerifyReport:
    result = one(nr, verify_flexvpn, **kwargs)
    assert isinstance(result.result, VerifyReport), result.exception
    return result.result


def device_of(headend: Headend) -> LabDevice:
    device = headend.device
    assert isinstance(device, LabDevice)
    return device


def install_trustpoint(
    lab: ThreadedLab, headend: Headend, *, self_signed: bool = False, expired: bool = False
) -> None:
    """`crypto pki import IKEv2-TP pkcs12 ...` with a bundle of the wanted kind."""
    device = device_of(headend)
    bundle = make_test_pkcs12(PASSPHRASE, self_signed=self_signed, expired=expired)

    def run() -> None:
        device.bootflash.write(P12_URL, bundle)
        import_pkcs12(device, "IKEv2-TP", P12_URL, PASSPHRASE)

    lab.call(run)


def connect(lab: ThreadedLab, headend: Headend, count: int = 1) -> list[ClientSession]:
    device = device_of(headend)

    def one_client(n: int) -> ClientSession:
        return lab.call(lambda: connect_client(device, USER, USER_PASSWORD, f"203.0.113.{10 + n}"))

    return [one_client(n) for n in range(count)]


def edit_running(headend: Headend, config: str) -> None:
    """An engineer's change over plain NETCONF (candidate + commit)."""
    with manager.connect(**headend.ncclient_args()) as m:
        m.edit_config(target="candidate", config=f'<config xmlns="{NC}">{config}</config>')
        m.commit()


def status(report: VerifyReport, check_id: str) -> Status:
    return report.get(check_id).status


class RecordingSource:
    """Passes gets through to the session and keeps every <data> reply."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.replies: list[etree._Element] = []

    def get(self, filter: etree._Element) -> etree._Element:
        data: etree._Element = self.inner.get(filter=filter)
        self.replies.append(data)
        return data


def on_host(nr: Nornir, fn: Callable[[Task], Any]) -> Any:
    result = one(nr, lambda task: Result(host=task.host, result=fn(task)))
    assert result.exception is None, result.exception
    return result.result
