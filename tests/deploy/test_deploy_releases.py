"""The seed intent deploys on every supported release with the default gate,
then plans to nothing (the CLI channel carries what the models cannot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from nornir.core import Nornir

from nornir_flexvpn.deploy.apply import DeployOutcome
from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.server import Headend
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn, plan_flexvpn

NornirFor = Callable[[list[Headend]], Nornir]


@pytest.mark.parametrize("release", list(Release), ids=lambda r: r.value)
def test_seed_deploys_and_converges_on_every_release(
    lab: LabFactory, nornir_for: NornirFor, release: Release
) -> None:
    # 16.9.1's virtual router offers no candidate: the running strategy, opted in.
    candidate = release is not Release.V16_9_1
    nr = nornir_for([lab(release, candidate=candidate)])
    kwargs: dict[str, Any] = {} if candidate else {"allow_running": True}
    result = next(iter(nr.run(task=deploy_flexvpn, on_failed=True, **kwargs).values()))[0]
    outcome = result.result
    assert isinstance(outcome, DeployOutcome), result.exception
    assert not result.failed, outcome.as_dict()
    assert outcome.transaction is not None and outcome.transaction.committed
    if release < Release.V17_9_1:
        # No cli-rpc before 17.9.1: the lines no model carries went over NAPALM/SSH.
        assert any("napalm" in p.name for p in outcome.transaction.phases)
    plan = next(iter(nr.run(task=plan_flexvpn).values()))[0]
    assert not plan.failed, plan.exception
    assert not plan.changed, plan.diff
