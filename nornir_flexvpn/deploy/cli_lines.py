"""Whether a CLI-channel line is already in a device's running-config text.

Only the CLI channel can read these lines back (no model holds them), as
`show running-config` text: a line counts as present when it appears inside
its parent blocks, compared with whitespace folded.
"""

from __future__ import annotations

from nornir_flexvpn.payload.types import CliItem


def _fold(line: str) -> str:
    return " ".join(line.split()).lower()


def _same_header(a: str, b: str) -> bool:
    # IOS prints `interface Virtual-Template100 type tunnel`; intents may omit `type tunnel`.
    fa, fb = _fold(a), _fold(b)
    return fa == fb or fa.startswith(fb + " ") or fb.startswith(fa + " ")


def cli_item_present(item: CliItem, running: str) -> bool:
    lines = running.splitlines()
    want = _fold(item.line)
    if not item.parents:
        return any(_fold(line) == want and not line.startswith(" ") for line in lines)
    depth = 0
    inside = False
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or line.strip() == "!":
            continue
        if (
            depth < len(item.parents)
            and indent == depth
            and _same_header(line, item.parents[depth])
        ):
            depth += 1
            inside = depth == len(item.parents)
            continue
        if indent < depth:
            depth = indent
            inside = False
            if indent == 0 and _same_header(line, item.parents[0]):
                depth, inside = 1, len(item.parents) == 1
            continue
        if inside and _fold(line) == want:
            return True
    return False


def missing_items(items: list[CliItem], running: str) -> list[CliItem]:
    return [item for item in items if not cli_item_present(item, running)]
