"""Who changed a headend by hand, where the device tells.

IOS-XE tells in two places: `archive / log config` (the exec command `show
archive log config all` lists each config line with `user@line`), and the
NETCONF `netconf-config-change` notification (ietf-netconf-notifications,
`changed-by` username / session-id / source-host). A device with neither (the
lab) yields `ChangeAuthor()`, i.e. user and source "unknown".

The controller takes any `AuthorLookup`; `archive_log_lookup(read)` builds one
from a function returning the archive log's text (e.g. over a CLI channel).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from nornir_flexvpn.gitops.status import ChangeAuthor

# Called with the host's name and the drift's CLI diff, while the plan's session is open.
AuthorLookup = Callable[[str, Sequence[str]], ChangeAuthor]

#  idx   sess           user@line      Logged command
#     3     2        admin@vty0        |  description hand-made
_ARCHIVE_LINE = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\S+?)@(\S+)\s+\|(.*)$")


def unknown_author(host: str, diff: Sequence[str]) -> ChangeAuthor:
    return ChangeAuthor()


def parse_archive_log(text: str) -> list[tuple[int, str, str, str, str]]:
    """(index, session, user, line, command) for each entry of `show archive log config all`."""
    entries = []
    for raw in text.splitlines():
        match = _ARCHIVE_LINE.match(raw)
        if match:
            index, session, user, line, command = match.groups()
            entries.append((int(index), session, user, line, command.strip()))
    return entries


def author_from_archive(text: str, diff: Sequence[str]) -> ChangeAuthor:
    """The newest archive entry whose command appears in the drift's diff
    (either side: a removed line was typed as its `no` form); else the newest
    entry that is not an exec command."""
    entries = parse_archive_log(text)
    changed = {line[1:].strip().lower() for line in diff if line[:1] in "+-"}
    best = None
    for entry in reversed(entries):
        command = entry[4].lower()
        bare = command[3:] if command.startswith("no ") else command
        if command in changed or bare in changed:
            best = entry
            break
    if best is None:
        best = next((e for e in reversed(entries) if not e[4].startswith("!exec")), None)
    if best is None:
        return ChangeAuthor()
    _, session, user, line, command = best
    return ChangeAuthor(user=user, source="archive-log", session=session, line=f"{line}: {command}")


def archive_log_lookup(read: Callable[[str], str]) -> AuthorLookup:
    """`read(host)` returns the text of `show archive log config all` on that host."""

    def lookup(host: str, diff: Sequence[str]) -> ChangeAuthor:
        try:
            return author_from_archive(read(host), diff)
        except Exception:
            return ChangeAuthor()  # attribution is best effort; drift is reported anyway

    return lookup
