"""CLI-channel lines found (or not) in running-config text."""

from __future__ import annotations

from nornir_flexvpn.deploy.cli_lines import cli_item_present, missing_items
from nornir_flexvpn.payload.types import CliItem

RUNNING = """\
hostname lab1
!
crypto ikev2 authorization policy ikev2-auth-policy
 pool ACPOOL
 dns 10.0.1.1
!
interface Virtual-Template100 type tunnel
 ip unnumbered Loopback100
 ip nat inside
 tunnel mode ipsec ipv4
!
interface Virtual-Template200 type tunnel
 ip mtu 1400
!
ip http secure-server
"""

NAT_INSIDE = CliItem(
    "virtual_template", "ip nat inside", ("interface Virtual-Template100 type tunnel",)
)


def test_line_inside_its_parent_is_present() -> None:
    assert cli_item_present(NAT_INSIDE, RUNNING)
    assert cli_item_present(
        CliItem("x", "pool ACPOOL", ("crypto ikev2 authorization policy ikev2-auth-policy",)),
        RUNNING,
    )


def test_same_line_under_another_parent_is_missing() -> None:
    other = CliItem(
        "virtual_template", "ip nat inside", ("interface Virtual-Template200 type tunnel",)
    )
    assert not cli_item_present(other, RUNNING)
    assert missing_items([NAT_INSIDE, other], RUNNING) == [other]


def test_parent_header_without_type_tunnel_matches() -> None:
    short = CliItem("virtual_template", "ip nat inside", ("interface Virtual-Template100",))
    assert cli_item_present(short, RUNNING)


def test_top_level_lines_and_whitespace() -> None:
    assert cli_item_present(CliItem("http", "ip  http secure-server"), RUNNING)
    assert not cli_item_present(CliItem("http", "ip http server"), RUNNING)
    # An indented line is not a top-level line.
    assert not cli_item_present(CliItem("x", "dns 10.0.1.1"), RUNNING)
