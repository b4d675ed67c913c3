"""Secrets never come back in the lab's rpc-errors."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.lab.redact import MASK, redact, redact_cli_line, secret_values
from nornir_flexvpn.lab.replies import rpc_error
from nornir_flexvpn.lab.testing import connect, make_device, native
from nornir_flexvpn.namespaces import CLI_RPC


def test_model_error_quoting_a_secret_is_masked() -> None:
    roots = [
        etree.fromstring(
            native("<username><name>u</name><secret><secret>hunter2</secret></secret></username>")
        )
    ]
    assert secret_values(roots) == {"hunter2"}
    error = rpc_error(
        'Unsatisfied pattern - "hunter2" does not conform',
        "invalid-value",
        path="/native/username[name='u']/secret/secret",
        app_tag="pattern-violation",
    )
    masked = redact(error, secret_values(roots))
    assert "hunter2" not in str(masked) and MASK in masked.message
    assert masked.tag == "invalid-value" and masked.app_tag == "pattern-violation"


def test_refused_cli_line_does_not_echo_a_password() -> None:
    assert redact_cli_line("username bob password 0 hunter2") == f"username bob password 0 {MASK}"
    assert redact_cli_line("ip nat sideways") == "ip nat sideways"
    device, _ = make_device()
    error = connect(device).error(
        f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>username bob secret hunter2'
        "</config-clis></config-ios-cli-rpc>"
    )
    assert "hunter2" not in error.message and "hunter2" not in str(error)
    assert "Invalid input" in error.message
