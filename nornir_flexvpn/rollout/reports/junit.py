"""JUnit XML for CI systems: one testsuite per wave, one testcase per host.

failed / rollback-failed -> <failure>; rolled back, skipped or never started
-> <skipped> with the reason; the rest pass.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from nornir_flexvpn.rollout.records import HostRecord, HostStatus
from nornir_flexvpn.rollout.state import RolloutState

_SKIPPED = {
    HostStatus.ROLLED_BACK: "rolled back with its wave",
    HostStatus.SKIPPED: "not started: the rollout stopped",
    HostStatus.PENDING: "not started: its wave did not run",
    HostStatus.RUNNING: "no outcome recorded",
}


def junit_tree(state: RolloutState) -> etree._Element:
    root = etree.Element("testsuites", name=f"flexvpn rollout {state.rollout_id}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    total_time = 0.0
    for wave in state.plan.waves:
        records = [state.records[h] for h in wave.hosts]
        suite = etree.SubElement(root, "testsuite", name=wave.name)
        failures = skipped = 0
        wave_time = 0.0
        for record in records:
            case = _case(suite, record, wave.name)
            wave_time += record.seconds
            kind = case[0].tag if len(case) else ""
            failures += kind == "failure"
            skipped += kind == "skipped"
        suite.set("tests", str(len(records)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        suite.set("time", f"{wave_time:.3f}")
        totals["tests"] += len(records)
        totals["failures"] += failures
        totals["skipped"] += skipped
        total_time += wave_time
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    root.set("time", f"{total_time:.3f}")
    return root


def _case(suite: etree._Element, record: HostRecord, wave: str) -> etree._Element:
    case = etree.SubElement(
        suite,
        "testcase",
        classname=f"rollout.{wave}",
        name=record.name,
        time=f"{record.seconds:.3f}",
    )
    status = record.status
    if status.failure:
        failure = etree.SubElement(case, "failure", message=record.error or status.value)
        failure.set("type", status.value)
        failure.text = "\n".join(x for x in (record.error, record.rollback) if x)
    elif status in _SKIPPED:
        reason = _SKIPPED[status]
        if status is HostStatus.ROLLED_BACK and record.rollback:
            reason = f"{reason}: {record.rollback}"
        etree.SubElement(case, "skipped", message=reason)
    out = etree.SubElement(case, "system-out")
    out.text = f"status={status.value} strategy={record.strategy or '-'} rpcs={record.rpc_count}"
    return case


def write_junit(state: RolloutState, path: Path) -> None:
    path.write_bytes(
        etree.tostring(junit_tree(state), pretty_print=True, xml_declaration=True, encoding="UTF-8")
    )
