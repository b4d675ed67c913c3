"""Reading an RPC's input strictly: every child known, required ones present."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from nornir_flexvpn.lab.replies import LabRpcError, missing_element, rpc_error
from nornir_flexvpn.lab.xmlutil import elements, qname


def rpc_params(
    operation: etree._Element,
    namespace: str,
    allowed: Iterable[str],
    *,
    required: Iterable[str] = (),
) -> dict[str, etree._Element]:
    """The operation's parameters by local name; unknown or repeated ones are errors."""
    known = set(allowed)
    found: dict[str, etree._Element] = {}
    for child in elements(operation):
        ns, name = qname(child)
        if ns != namespace or name not in known:
            raise unknown_parameter(operation, child)
        if name in found:
            raise rpc_error(
                f"<{name}> given twice",
                "bad-element",
                error_type="protocol",
                info={"bad-element": name},
            )
        found[name] = child
    for name in required:
        if name not in found:
            raise missing_element(name)
    return found


def unknown_parameter(operation: etree._Element, child: etree._Element) -> LabRpcError:
    ns, name = qname(child)
    op_ns, op_name = qname(operation)
    if ns != op_ns and ns:
        return rpc_error(
            f"<{name}> in namespace {ns!r} is not a parameter of <{op_name}>",
            "unknown-namespace",
            error_type="protocol",
            info={"bad-element": name, "bad-namespace": ns},
        )
    return rpc_error(
        f"<{name}> is not a parameter of <{op_name}>",
        "unknown-element",
        error_type="protocol",
        info={"bad-element": name},
    )


def one_choice(parent: etree._Element, namespace: str, choices: Iterable[str], *, what: str) -> str:
    """The single empty child naming a datastore (<running/>, ...) or the like."""
    options = set(choices)
    picked = elements(parent)
    if len(picked) != 1:
        if not picked:
            raise missing_element(what)
        raise rpc_error(
            f"<{qname(parent)[1]}> must name exactly one {what}",
            "bad-element",
            error_type="protocol",
            info={"bad-element": qname(parent)[1]},
        )
    ns, name = qname(picked[0])
    if ns != namespace or name not in options:
        raise rpc_error(
            f"<{name}> is not a {what} here (expected one of {', '.join(sorted(options))})",
            "invalid-value",
            error_type="protocol",
            info={"bad-element": name},
        )
    return name
