"""Plan: what must change on a headend to reach the intent, read-only.

Flow: the payload (desired native XML) gives a subtree filter that reads
only the managed objects; the diff compares them object by object and yields
`Change`s plus the minimal edit-config that applies them.
"""

from nornir_flexvpn.plan.diff import Change, ChangeAction, diff_config
from nornir_flexvpn.plan.edit import build_edit, build_removal
from nornir_flexvpn.plan.managed import managed_filter

__all__ = ["Change", "ChangeAction", "build_edit", "build_removal", "diff_config", "managed_filter"]
