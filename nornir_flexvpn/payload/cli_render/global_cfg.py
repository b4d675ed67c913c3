"""hostname, AAA (steps 1), local users, the client pool (3) and the HTTP servers (8)."""

from __future__ import annotations

from lxml import etree

from nornir_flexvpn.payload.cli_render.blocks import Block
from nornir_flexvpn.payload.cli_render.xmlread import (
    Reader,
    element_children,
    is_removed,
    localname,
)

_METHOD_SLOTS = ("a1", "a2", "a3", "a4")
_VALUED_METHODS = frozenset({"group", "cache"})


def no(el: etree._Element | None, line: str) -> str:
    """The line, or its `no` form when the payload removes the node."""
    return f"no {line}" if el is not None and is_removed(el) else line


def methods(r: Reader, entry: etree._Element) -> str:
    """`local`, `group radius local` ...: the method slots a1..a4 in order."""
    words: list[str] = []
    for slot in _METHOD_SLOTS:
        node = r.find(entry, slot)
        if node is None:
            continue
        for choice in element_children(node):
            name = localname(choice)
            value = r.text(node, name)
            words.append(f"{name} {value}" if name in _VALUED_METHODS and value else name)
    return " ".join(words)


def render_hostname(r: Reader, native: etree._Element, out: list[Block]) -> None:
    node = r.find(native, "hostname")
    name = r.text(native, "hostname")
    if name is not None:
        out.append(Block(no(node, f"hostname {name}")))


def render_aaa(r: Reader, native: etree._Element, out: list[Block]) -> None:
    aaa = r.find(native, "aaa")
    if aaa is None:
        return
    node = r.find(aaa, "new-model")
    if r.flag(aaa, "new-model"):
        out.append(Block(no(node, "aaa new-model")))
    for kind, key in (("authentication/login", "name"), ("authorization/network", "id")):
        for entry in r.find_all(aaa, kind):
            line = f"aaa {kind.replace('/', ' ')} {r.text(entry, key)}"
            if is_removed(entry):
                r.use(entry)
                out.append(Block(f"no {line}"))
            else:
                out.append(Block(f"{line} {methods(r, entry)}"))


def render_usernames(r: Reader, native: etree._Element, out: list[Block]) -> None:
    for user in r.find_all(native, "username"):
        name = r.text(user, "name")
        if is_removed(user):
            r.use(user)
            out.append(Block(f"no username {name}"))
            continue
        words = ["username", name or ""]
        privilege = r.text(user, "privilege")
        if privilege is not None:
            words += ["privilege", privilege]
        view = r.text(user, "view")
        if view is not None:
            words += ["view", view]
        for kind in ("password", "secret"):
            value = r.text(user, f"{kind}/{kind}")
            if value is None:
                continue
            encryption = r.text(user, f"{kind}/encryption")
            words += [kind, *([encryption] if encryption else []), value]
        out.append(Block(" ".join(words)))


def render_local_pools(r: Reader, native: etree._Element, out: list[Block]) -> None:
    for pool in r.find_all(native, "ip/local/pool"):
        name = r.text(pool, "id")
        if is_removed(pool):
            r.use(pool)
            out.append(Block(f"no ip local pool {name}"))
            continue
        words = ["ip local pool", name or ""]
        for leaf in ("start", "last"):
            value = r.text(pool, leaf)
            if value:
                words.append(value)
        group = r.text(pool, "group")
        if group:
            words += ["group", group]
        out.append(Block(" ".join(words)))


def render_http(r: Reader, native: etree._Element, out: list[Block]) -> None:
    http = r.find(native, "ip/http")
    for leaf in ("server", "secure-server"):
        node = r.find(http, leaf)
        if node is None:
            continue
        value = r.boolean(http, leaf)
        off = value is False or is_removed(node)
        out.append(Block(f"{'no ' if off else ''}ip http {leaf}"))
