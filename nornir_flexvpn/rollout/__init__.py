"""Fleet rollout: canary, waves, failure budget, halt and resume, reports.

`spec` (what the operator asked), `plan` (who goes in which wave), `records`
and `state` (what happened, on disk for `--resume`), `budget`, `host_task`
(the Nornir tasks), `runner` (the waves), `interrupt` (Ctrl-C), `audit`
(half-applied check), `reports/` (JSON, JUnit XML, HTML timeline, tables).
"""
