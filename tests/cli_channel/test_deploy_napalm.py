"""The seed intent on 16.9.1 and 17.3.1 lab headends: NETCONF plus the NAPALM CLI channel."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir.core import Nornir
from nornir.core.task import Result

from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.deploy.planner import HostPlan
from nornir_flexvpn.errors import CheckError, CliChannelError, HostKeyError, RefusedError
from nornir_flexvpn.intent.models import FlexVpnIntent
from nornir_flexvpn.intent.secrets import resolve_secrets
from nornir_flexvpn.lab.cli_exec import IosCli, shell_state
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend, ThreadedLab
from nornir_flexvpn.netconf.transaction import Strategy
from nornir_flexvpn.payload.build import build_payload
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn, plan_flexvpn

NornirFor = Callable[[list[Headend]], Nornir]
RunningOf = Callable[[Headend], bytes]


def _one(nr: Nornir, task: Callable[..., Result], **kwargs: Any) -> Result:
    if task is deploy_flexvpn:
        # Files (PKCS12, AnyConnect profile) and operational post-checks are other
        # parts'; these tests are about the configuration and its CLI channel.
        kwargs.setdefault("material", False)
        kwargs.setdefault("checks", [])
    agg = nr.run(task=task, on_failed=True, **kwargs)
    (multi,) = agg.values()
    return multi[0]


def _deploy(nr: Nornir, **kwargs: Any) -> DeployOutcome:
    result = _one(nr, deploy_flexvpn, **kwargs)
    assert isinstance(result.result, DeployOutcome), result.exception
    return result.result


def _plan(nr: Nornir) -> HostPlan:
    result = _one(nr, plan_flexvpn)
    assert isinstance(result.result, HostPlan), result.exception
    return result.result


def _state(lab: ThreadedLab, headend: Headend) -> tuple[bytes, dict[str, list[str]], str]:
    """Running in full: the modelled datastore, the CLI overlay, and `show running-config`."""
    device: Any = headend.device

    def read() -> tuple[bytes, dict[str, list[str]], str]:
        overlay = {k: list(v) for k, v in device.cli_overlay.items()}
        return device.datastore_xml("running"), overlay, IosCli(device, "t").running_text()

    return lab.call(read)


def _seed_cli(release: Release) -> list[str]:
    secrets = resolve_secrets(FlexVpnIntent(), base_dir=Path.cwd())
    return [item.text for item in build_payload(FlexVpnIntent(), release, secrets).cli]


def _seed_password() -> str:
    secrets = resolve_secrets(FlexVpnIntent(), base_dir=Path.cwd())
    return secrets.user_password(FlexVpnIntent().aaa.users[0].name)


@pytest.mark.parametrize(
    ("release", "lab_args", "deploy_args", "strategy", "count"),
    [
        pytest.param(
            Release.V16_9_1,
            {},
            {"allow_running": True},
            Strategy.RUNNING_CHECKPOINT,
            6,
            id="16.9.1-running",
        ),
        pytest.param(
            Release.parse("17.3.1"),
            {"candidate": True},
            {},
            Strategy.CANDIDATE_CHECKPOINT,
            1,
            id="17.3.1-candidate",
        ),
    ],
)
def test_seed_deploys_over_netconf_and_napalm_then_converges(
    lab: LabFactory,
    lab_server: ThreadedLab,
    nornir_for: NornirFor,
    release: Release,
    lab_args: dict[str, Any],
    deploy_args: dict[str, Any],
    strategy: Strategy,
    count: int,
) -> None:
    headend = lab(release, **lab_args)
    nr = nornir_for([headend])
    expected = _seed_cli(release)
    assert len(expected) == count

    first = _deploy(nr, **deploy_args)
    assert not first.failed, json.dumps(first.as_dict(), indent=1)
    tx = first.transaction
    assert tx is not None and tx.committed and not tx.rolled_back
    assert tx.strategy is strategy
    assert tx.cli_lines == expected
    assert "cli-channel:napalm" in [p.name for p in tx.phases]
    assert tx.saved
    # Every line sent over SSH is listed with the release's missing node.
    sent = [n for n in first.notes if n.startswith("sent over the napalm CLI channel")]
    assert len(sent) == count
    assert all(f"{release.value}: no " in n for n in sent)

    xml, overlay, text = _state(lab_server, headend)
    for item in expected:
        section, line = item.split("\n")
        assert line.strip() in overlay[section]
    assert " ip nat inside" in text.splitlines()

    plan = _plan(nr)
    assert not plan.changed, plan.cli_diff
    second = _deploy(nr, **deploy_args)
    assert not second.failed and not second.changed
    assert second.transaction is None
    assert _state(lab_server, headend) == (xml, overlay, text)

    shown = json.dumps([first.as_dict(), second.as_dict(), plan.as_dict()])
    assert _seed_password() not in shown


def test_refused_cli_line_rolls_back_netconf_part_too(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend = lab(Release.V16_9_1)
    nr = nornir_for([headend])
    before = _state(lab_server, headend)
    # The fifth of six lines is refused: four are in the overlay by then.
    lab_server.call(lambda: shell_state(headend.device).faults.reject_lines("tunnel protection"))  # type: ignore[arg-type]

    result = _one(nr, deploy_flexvpn, allow_running=True)
    assert result.failed
    assert isinstance(result.exception, CliChannelError)
    assert "tunnel protection ipsec profile AnyConnect-EAP" in str(result.exception)
    outcome = result.result
    assert isinstance(outcome, DeployOutcome) and outcome.transaction is not None
    assert outcome.transaction.committed and outcome.transaction.rolled_back
    assert not outcome.transaction.saved
    assert _state(lab_server, headend) == before


def test_cli_readback_gate_failure_rolls_back(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend = lab(Release.parse("17.3.1"), candidate=True)
    nr = nornir_for([headend])
    before = _state(lab_server, headend)

    def gate(conn: object, payload: object) -> None:
        raise CheckError("operator check failed")

    result = _one(nr, deploy_flexvpn, gate=gate)
    assert result.failed and isinstance(result.exception, CheckError)
    assert _state(lab_server, headend) == before


def test_never_refuses_naming_the_lines(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend = lab(Release.V16_9_1)
    nr = nornir_for([headend])
    before = _state(lab_server, headend)
    result = _one(nr, deploy_flexvpn, allow_running=True, cli_channel="never")
    assert result.failed
    assert isinstance(result.exception, RefusedError)
    message = str(result.exception)
    assert "anyconnect profile acvpn" in message and "ip nat inside" in message
    assert "--cli-channel never" in message
    assert _state(lab_server, headend) == before


def _napalm_options(nr: Nornir, folder: Path, napalm: dict[str, Any]) -> None:
    defaults_file = folder / "defaults.yaml"
    defaults = yaml.safe_load(defaults_file.read_text())
    defaults["connection_options"]["napalm"] = napalm
    defaults_file.write_text(yaml.safe_dump(defaults))


def test_unknown_host_key_is_refused_on_the_cli_channel(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend = lab(Release.V16_9_1)
    nr = nornir_for([headend])
    # Same server, another name: known_hosts has no key for `[localhost]:port`.
    host = nr.inventory.hosts[headend.name]
    from nornir.core.inventory import ConnectionOptions

    host.connection_options["napalm"] = ConnectionOptions(hostname="localhost")
    before = _state(lab_server, headend)
    result = _one(nr, deploy_flexvpn, allow_running=True)
    assert result.failed
    assert isinstance(result.exception, HostKeyError), result.exception
    assert "localhost" in str(result.exception)
    assert _state(lab_server, headend) == before


def _netmiko(headend: Headend) -> Any:
    from netmiko import ConnectHandler

    return ConnectHandler(
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


def test_drift_of_a_cli_line_is_planned_and_only_it_is_sent(
    lab: LabFactory, lab_server: ThreadedLab, nornir_for: NornirFor
) -> None:
    headend = lab(Release.parse("17.3.1"), candidate=True)
    nr = nornir_for([headend])
    assert not _deploy(nr).failed
    converged = _state(lab_server, headend)
    # By hand, on the router's CLI: someone removes `ip nat inside`.
    session = _netmiko(headend)
    session.send_config_set(["interface Virtual-Template100 type tunnel", "no ip nat inside"])
    session.disconnect()
    assert " ip nat inside" not in _state(lab_server, headend)[2].splitlines()

    plan = _plan(nr)
    assert plan.changed and not plan.changes  # nothing modelled differs
    assert plan.cli_diff == ["+ interface Virtual-Template100 type tunnel", "+  ip nat inside"]
    fixed = _deploy(nr)
    assert not fixed.failed and fixed.transaction is not None
    assert fixed.transaction.cli_lines == [
        "interface Virtual-Template100 type tunnel\n ip nat inside"
    ]
    assert _state(lab_server, headend) == converged
    assert not _plan(nr).changed


def test_sixteen_nine_with_candidate_datastore_uses_candidate_checkpoint(
    lab: LabFactory, nornir_for: NornirFor
) -> None:
    # `netconf-yang feature candidate-datastore` on 16.9: no confirmed commit, candidate + cisco-ia.
    headend = lab(Release.V16_9_1, candidate=True)
    outcome = _deploy(nornir_for([headend]))
    assert not outcome.failed
    assert outcome.transaction is not None
    assert outcome.transaction.strategy is Strategy.CANDIDATE_CHECKPOINT
    assert len(outcome.transaction.cli_lines) == 6


def test_plan_command_reads_cli_lines_back_unless_told_never(
    lab: LabFactory, lab_server: ThreadedLab, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from nornir_flexvpn.cli.fleet import open_nornir
    from nornir_flexvpn.cli.main import app
    from nornir_flexvpn.lab.inventory import write_inventory

    headend = lab(Release.parse("17.3.1"), candidate=True)
    folder = write_inventory(lab_server.server, tmp_path / "inv", [headend])
    nr = open_nornir(folder)
    try:
        assert not _deploy(nr).failed
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    session = _netmiko(headend)
    session.send_config_set(["interface Virtual-Template100 type tunnel", "no ip nat inside"])
    session.disconnect()

    runner = CliRunner()
    # The command quiets ncclient's logger for good; other tests read its DEBUG records.
    ncclient_log = logging.getLogger("ncclient")
    level = ncclient_log.level
    try:
        found = runner.invoke(app, ["plan", "-i", str(folder), "--json"])
        blind = runner.invoke(app, ["plan", "-i", str(folder), "--json", "--cli-channel", "never"])
    finally:
        ncclient_log.setLevel(level)
    assert found.exit_code == 2, found.output
    hosts = json.loads(found.stdout)["hosts"]
    assert hosts[0]["cli_channel"] == ["interface Virtual-Template100 type tunnel\n ip nat inside"]
    # Without the CLI channel nothing can read the line back: only NETCONF is compared.
    assert blind.exit_code == 0, blind.output
