"""Step 1: `aaa new-model`, the login / network method lists, local users."""

from __future__ import annotations

from typing import Final

from nornir_flexvpn.errors import PayloadError
from nornir_flexvpn.intent.models import Aaa, MethodList
from nornir_flexvpn.namespaces import AAA, NATIVE
from nornir_flexvpn.payload.elements import child, element, leaf
from nornir_flexvpn.payload.fragment import Fragment
from nornir_flexvpn.payload.secrets_protocol import UserSecrets
from nornir_flexvpn.releases import Release

# Method slots a1..a4 of Cisco-IOS-XE-aaa; each list's choice names the methods it takes.
_SLOTS: Final = ("a1", "a2", "a3", "a4")
_LOGIN_METHODS: Final = frozenset({"local", "local-case", "none"})
_NETWORK_METHODS: Final = frozenset({"local", "none", "if-authenticated"})


def _method_list(
    parent_local: str,
    key_local: str,
    lists: list[MethodList],
    allowed: frozenset[str],
    field: str,
    authz: str,
) -> list[tuple[str, MethodList]]:
    for index, entry in enumerate(lists):
        if len(entry.methods) > len(_SLOTS):
            raise PayloadError(
                f"at most {len(_SLOTS)} methods per list (aaa/{authz}/{parent_local}/a1..a4)",
                path=f"aaa.{field}[{index}].methods",
            )
        for position, method in enumerate(entry.methods):
            if method not in allowed:
                raise PayloadError(
                    f"method {method!r} is not offered by aaa/{authz}/{parent_local}"
                    f" (choices: {', '.join(sorted(allowed))})",
                    path=f"aaa.{field}[{index}].methods[{position}]",
                )
    return [(key_local, entry) for entry in lists]


def build_aaa(aaa: Aaa, release: Release, secrets: UserSecrets) -> Fragment:
    """`<aaa>` (new-model, authentication login, authorization network) and `<username>`s."""
    del release  # every release here models these lines the same way
    fragment = Fragment("aaa")
    login = _method_list(
        "login",
        "name",
        aaa.authentication_login,
        _LOGIN_METHODS,
        "authentication_login",
        "authentication",
    )
    network = _method_list(
        "network",
        "id",
        aaa.authorization_network,
        _NETWORK_METHODS,
        "authorization_network",
        "authorization",
    )
    if aaa.new_model or login or network:
        root = fragment.add(element(NATIVE, "aaa"))
        if aaa.new_model:
            child(root, AAA, "new-model")
        for container, local, entries in (
            ("authentication", "login", login),
            ("authorization", "network", network),
        ):
            if not entries:
                continue
            holder = child(root, AAA, container)
            for key_local, entry in entries:
                node = leaf(holder, local)
                leaf(node, key_local, entry.name)
                for slot, method in zip(_SLOTS, entry.methods, strict=False):
                    leaf(leaf(node, slot), method)
    for user in aaa.users:
        node = fragment.add(element(NATIVE, "username"))
        leaf(node, "name", user.name)
        if user.privilege is not None:
            leaf(node, "privilege", str(user.privilege))
        if user.hash == "scrypt":
            secret = leaf(node, "secret")
            leaf(secret, "encryption", "9")
            leaf(secret, "secret", secrets.user_secret9(user.name))
        else:
            password = leaf(node, "password")
            leaf(password, "encryption", "0")
            leaf(password, "password", secrets.user_password(user.name))
    return fragment
