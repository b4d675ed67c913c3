"""Nornir tasks, one per module: render_payload, plan_flexvpn, deploy_flexvpn, remove_flexvpn,
verify_flexvpn."""

from nornir_flexvpn.tasks.deploy_flexvpn import deploy_flexvpn
from nornir_flexvpn.tasks.plan_flexvpn import plan_flexvpn
from nornir_flexvpn.tasks.remove_flexvpn import remove_flexvpn
from nornir_flexvpn.tasks.render_payload import render_payload
from nornir_flexvpn.tasks.verify_flexvpn import verify_flexvpn

__all__ = ["deploy_flexvpn", "plan_flexvpn", "remove_flexvpn", "render_payload", "verify_flexvpn"]
