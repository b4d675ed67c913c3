"""The transport in front of the real lab device (`lab.device.LabDevice`), via ncclient."""

from __future__ import annotations

import time

import pytest
from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError

from nornir_flexvpn.lab.fixtures import LabFactory
from nornir_flexvpn.lab.identity import CANDIDATE, hello_capabilities
from nornir_flexvpn.namespaces import NATIVE, NC
from nornir_flexvpn.releases import Release

HOSTNAME_FILTER = f'<native xmlns="{NATIVE}"><hostname/></native>'


@pytest.mark.parametrize(
    ("release", "candidate"), [(Release.V16_9_1, False), (Release.V17_15_1, True)]
)
def test_real_device_hello_and_get_config(
    lab: LabFactory, release: Release, candidate: bool
) -> None:
    headend = lab(release, candidate=candidate)
    with manager.connect(**headend.ncclient_args()) as m:
        assert set(m.server_capabilities) == set(hello_capabilities(headend.identity))
        assert (CANDIDATE in m.server_capabilities) is candidate
        reply = m.get_config(source="running", filter=("subtree", HOSTNAME_FILTER))
        hostname = reply.data_ele.find(f"{{{NATIVE}}}native/{{{NATIVE}}}hostname")
        assert hostname is not None and hostname.text == headend.name


def test_real_device_lock_conflict_and_kill_session(lab: LabFactory) -> None:
    headend = lab(Release.V17_15_1, candidate=True)
    victim = manager.connect(**headend.ncclient_args())
    victim.lock("candidate")
    with manager.connect(**headend.ncclient_args()) as other:
        with pytest.raises(RPCError) as caught:
            other.lock("candidate")
        assert caught.value.tag == "lock-denied"
        assert f"<session-id>{victim.session_id}</session-id>" in caught.value.info
        kill = etree.fromstring(
            f'<kill-session xmlns="{NC}"><session-id>{victim.session_id}</session-id>'
            "</kill-session>"
        )
        assert other.dispatch(kill).ok
        deadline = time.monotonic() + 5
        while victim.connected and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not victim.connected
        assert other.lock("candidate").ok
