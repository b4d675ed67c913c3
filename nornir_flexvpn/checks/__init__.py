"""Post-checks on operational YANG: parsers, checks, the commit gate, verify.

- `source`: the `OperSource` protocol (`get(filter) -> <data>`) and the filters;
- `crypto_oper`, `pki_oper`, `interfaces_oper`, `config_read`: strict parsers;
- `state.read_state`: one read of what the checks need;
- `rules`: the checks (ids in `rules.ALL_CHECK_IDS`), `results`: their verdicts;
- `gate.CommitGate`: the checks between commit and confirm;
- `probe`: a synthetic client; `show`: the document's show commands;
- `verify.verify`: all of it for one headend.
"""
