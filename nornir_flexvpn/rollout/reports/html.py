"""A static HTML report: summary, a timeline of the waves, and every host.

One self-contained file (inline CSS and SVG, no network). The timeline has a
band per wave and a bar per host from its start to its end, coloured by
outcome; hosts that never started are ticks at their wave's start. A few
lines of script record, in `data-*` attributes of <body>, how many bars the
browser actually laid out (what the headless-browser test reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from pathlib import Path

from nornir_flexvpn.rollout.records import HostRecord, HostStatus
from nornir_flexvpn.rollout.state import RolloutState

COLOURS = {
    HostStatus.CHANGED: "#2e9d4f",
    HostStatus.IN_SYNC: "#8fc9a0",
    HostStatus.WOULD_CHANGE: "#e0b000",
    HostStatus.FAILED: "#d33a2c",
    HostStatus.ROLLBACK_FAILED: "#7a0000",
    HostStatus.ROLLED_BACK: "#8a63d2",
    HostStatus.SKIPPED: "#b0b0b0",
    HostStatus.PENDING: "#d8d8d8",
    HostStatus.RUNNING: "#3b7dd8",
}
LABEL_W = 250
PLOT_W = 820
TOP = 28

CSS = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px} .muted{color:#666}
.status{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;font-weight:600}
.legend span{display:inline-block;margin-right:12px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
table{border-collapse:collapse;margin-top:16px;font-size:12px}
td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
svg text{font-size:11px;font-family:system-ui,sans-serif}
"""

SCRIPT = """
(function(){
  var bars = document.querySelectorAll('#timeline .bar');
  var seen = 0;
  bars.forEach(function(b){ var r = b.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) { seen++; } });
  document.body.dataset.barsLaidOut = String(seen);
  document.body.dataset.wavesLaidOut = String(
    document.querySelectorAll('#timeline .wave').length);
})();
"""


def _when(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def timeline_svg(state: RolloutState) -> str:
    hosts = state.plan.hosts
    row = 14 if len(hosts) <= 200 else 4
    wave_gap = 6
    starts = [r.started for r in state.records.values() if r.started is not None]
    starts += [w.started for w in state.waves]
    ends = [r.finished for r in state.records.values() if r.finished is not None]
    ends += [w.finished for w in state.waves if w.finished is not None]
    t0 = min(starts, default=state.created)
    t1 = max(ends + starts, default=t0)
    span = max(t1 - t0, 1e-3)

    def x(t: float) -> float:
        return LABEL_W + (t - t0) / span * PLOT_W

    logs = {w.name: w for w in state.waves}
    parts: list[str] = []
    y = TOP
    for wave in state.plan.waves:
        height = row * len(wave.hosts)
        log = logs.get(wave.name)
        outcome = log.outcome if log else "not run"
        parts.append(
            f'<g class="wave" data-wave="{escape(wave.name)}" data-outcome="{escape(outcome)}">'
            f'<rect x="0" y="{y}" width="{LABEL_W + PLOT_W}" height="{height}" '
            f'fill="#f4f6fa" stroke="#c9d1e0"/>'
            f'<text x="4" y="{y + min(height, 14) - 3}" font-weight="600">'
            f"{escape(wave.name)} · {escape(outcome)}</text>"
        )
        if log is not None:
            end = log.finished if log.finished is not None else t1
            parts.append(
                f'<line x1="{x(log.started):.1f}" x2="{x(log.started):.1f}" y1="{y}" '
                f'y2="{y + height}" stroke="#7d8aa5" stroke-dasharray="3,2"/>'
                f'<line x1="{x(end):.1f}" x2="{x(end):.1f}" y1="{y}" y2="{y + height}" '
                f'stroke="#7d8aa5" stroke-dasharray="3,2"/>'
            )
        for i, name in enumerate(wave.hosts):
            parts.append(_bar(state.records[name], y + i * row, row, x, log.started if log else t0))
        parts.append("</g>")
        y += height + wave_gap
    axis = (
        f'<text x="{LABEL_W}" y="14">0 s</text>'
        f'<text x="{LABEL_W + PLOT_W}" y="14" text-anchor="end">{span:.1f} s</text>'
    )
    return (
        f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + PLOT_W + 10}" '
        f'height="{y + 10}" role="img" aria-label="rollout timeline">{axis}{"".join(parts)}</svg>'
    )


def _bar(
    record: HostRecord, y: float, row: float, x: Callable[[float], float], wave_start: float
) -> str:
    colour = COLOURS[record.status]
    title = f"{record.name}: {record.status.value}"
    if record.error:
        title += f" ({record.error})"
    label = ""
    if row >= 10:
        label = f'<text x="{LABEL_W - 4}" y="{y + row - 3}" text-anchor="end">{escape(record.name)}</text>'
    if record.started is None:
        left = x(wave_start)
        return (
            f'{label}<rect class="tick" data-host="{escape(record.name)}" '
            f'data-status="{record.status.value}" x="{left:.1f}" y="{y + 1}" width="3" '
            f'height="{max(row - 2, 1)}" fill="{colour}"><title>{escape(title)}</title></rect>'
        )
    end = record.finished if record.finished is not None else record.started
    left = x(record.started)
    width = max(x(end) - left, 2.0)
    return (
        f'{label}<rect class="bar" data-host="{escape(record.name)}" '
        f'data-status="{record.status.value}" x="{left:.1f}" y="{y + 1}" width="{width:.1f}" '
        f'height="{max(row - 2, 1)}" fill="{colour}"><title>{escape(title)}</title></rect>'
    )


def render_html(state: RolloutState) -> str:
    counts = {k: v for k, v in state.counts().items() if v}
    status_colour = {
        "completed": "#2e9d4f",
        "halted": "#d33a2c",
        "interrupted": "#e08a00",
        "running": "#3b7dd8",
    }[state.status.value]
    legend = "".join(
        f'<span><i style="background:{c}"></i>{s.value}</span>' for s, c in COLOURS.items()
    )
    rows = "".join(_row(state.records[h]) for h in state.plan.hosts)
    spec = state.spec
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    reason = f"<p>{escape(state.reason)}</p>" if state.reason else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>flexvpn rollout {escape(state.rollout_id)}</title><style>{CSS}</style></head>
<body data-status="{state.status.value}" data-hosts="{len(state.records)}">
<h1>FlexVPN rollout {escape(state.rollout_id)}
 <span class="status" id="run-status" style="background:{status_colour}">{state.status.value}</span></h1>
<div class="muted">started {_when(state.created)} · inventory {escape(state.inventory)} ·
canary {escape(str(spec.canary_hosts or spec.canary))}, wave {spec.wave}, max-fail {spec.max_fail}
{f", per wave {spec.max_fail_wave}" if spec.max_fail_wave else ""}, concurrency {spec.concurrency}
{", dead-man" if spec.dead_man else ""}{", rollback-wave" if spec.rollback_wave else ""}
{", dry run" if spec.dry_run else ""}</div>
{reason}<p id="summary">{len(state.records)} hosts · {escape(summary)}</p>
<h2>Timeline</h2><div class="legend">{legend}</div>
{timeline_svg(state)}
<h2>Hosts</h2>
<table id="hosts"><thead><tr><th>host</th><th>wave</th><th>outcome</th><th>seconds</th>
<th>strategy</th><th>RPCs</th><th>detail</th></tr></thead><tbody>{rows}</tbody></table>
<script>{SCRIPT}</script>
</body></html>
"""


def _row(record: HostRecord) -> str:
    detail = "; ".join(x for x in (record.error, record.rollback) if x)
    colour = COLOURS[record.status]
    return (
        f'<tr data-host="{escape(record.name)}" data-status="{record.status.value}">'
        f"<td>{escape(record.name)}</td><td>{escape(record.wave)}</td>"
        f'<td style="color:{colour};font-weight:600">{record.status.value}</td>'
        f"<td>{record.seconds:.2f}</td><td>{escape(record.strategy or '-')}</td>"
        f"<td>{record.rpc_count}</td><td>{escape(detail)}</td></tr>"
    )


def write_html(state: RolloutState, path: Path) -> None:
    path.write_text(render_html(state), encoding="utf-8")
