"""The lab headend's device model: datastores, NETCONF operations, strict YANG.

`LabDevice` implements `contract.DeviceModel` for the lab transport. Every
change is applied to a copy, validated as a whole against the release's
models (libyang, the project's shared context) and only then swapped in, so
a rejected RPC leaves every datastore exactly as it was. RPCs arrive on the
transport's loop, timers on their own threads: one re-entrant lock
serialises everything.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from lxml import etree

from nornir_flexvpn.lab import cisco_ia, cli_rpc, files_rpc, pki
from nornir_flexvpn.lab.baseline import baseline_config
from nornir_flexvpn.lab.bootflash import Bootflash
from nornir_flexvpn.lab.confirmed import ConfirmedCommit
from nornir_flexvpn.lab.contract import KillSession, SessionInfo
from nornir_flexvpn.lab.datastore import (
    DatastoreName,
    Snapshot,
    container_of,
    roots_from_printed,
    same,
)
from nornir_flexvpn.lab.edit import DEFAULT_OPERATIONS, DefaultOperation, EditEngine
from nornir_flexvpn.lab.filters import subtree_filter, xpath_filter
from nornir_flexvpn.lab.identity import HeadendIdentity, hello_capabilities
from nornir_flexvpn.lab.locks import LockableStore, LockTable
from nornir_flexvpn.lab.models import ModelValidationFailed, WithDefaults, validate_and_print
from nornir_flexvpn.lab.params import one_choice, rpc_params
from nornir_flexvpn.lab.redact import redact, secret_values
from nornir_flexvpn.lab.replies import (
    LabRpcError,
    from_model_issue,
    invalid_value,
    missing_element,
    operation_not_supported,
    rpc_error,
)
from nornir_flexvpn.lab.runtime import LabRuntime
from nornir_flexvpn.lab.timers import ThreadTimers, Timers
from nornir_flexvpn.lab.xmlutil import default_nsmap, elements, nc, qname, text_of
from nornir_flexvpn.namespaces import (
    CISCO_IA,
    CLI_RPC,
    NATIVE,
    NC,
    NC_MONITORING,
    WITH_DEFAULTS,
    XE_RPC,
)
from nornir_flexvpn.releases import Release
from nornir_flexvpn.schema.context import module_files
from nornir_flexvpn.schema.index import NodeKind, SchemaIndex

StateProvider = Callable[["LabDevice"], list[etree._Element]]
"""Returns top-level operational data nodes for <get> (called with the device lock held)."""

# Vendor RPCs are served only on releases whose models define them.
_RPC_MODULES = {
    CISCO_IA: "cisco-ia",
    CLI_RPC: "Cisco-IOS-XE-cli-rpc",
    XE_RPC: "Cisco-IOS-XE-rpc",
}
_TEST_OPTIONS = ("test-then-set", "set", "test-only")
_ERROR_OPTIONS = ("stop-on-error", "continue-on-error", "rollback-on-error")
_WITH_DEFAULTS_MODES = ("explicit", "trim", "report-all", "report-all-tagged")


class LabDevice:
    """A simulated IOS-XE headend (see the module docstring)."""

    def __init__(
        self,
        identity: HeadendIdentity,
        models_dir: str | Path | None = None,
        *,
        timers: Timers | None = None,
    ) -> None:
        self.identity = identity
        self.release: Release = identity.release
        self.models_dir = Path(models_dir) if models_dir is not None else None
        self.timers: Timers = timers or ThreadTimers()
        self.lock = threading.RLock()
        self.index = SchemaIndex.for_release(self.release, self.models_dir)
        self._engine = EditEngine(self.index)
        self._caps = hello_capabilities(identity, self.models_dir)
        self._ids = itertools.count(1)
        self.sessions: dict[int, SessionInfo] = {}
        self.locks = LockTable()
        self._killer: KillSession | None = None
        self._state_providers: list[StateProvider] = []
        # Snapshots written by checkpoint/copy, by URL (the lab's "bootflash:").
        self.files: dict[str, Snapshot] = {}
        self.cli_overlay: dict[str, list[str]] = {}
        self._candidate_dirty_by: int | None = None
        self._rpc_cache: dict[tuple[str, str], bool] = {}
        boot = self._canonical(baseline_config(self.release, identity.name), full=True)
        self._stores: dict[str, list[etree._Element]] = {
            "running": boot,
            "startup": [_clone(r) for r in boot],
        }
        self._startup_overlay: dict[str, list[str]] = {}
        if identity.candidate:
            self._stores["candidate"] = [_clone(r) for r in boot]
        self.confirmed = ConfirmedCommit(self)
        self.ia = cisco_ia.CiscoIa(self)
        # Lab state (bootflash files, PKI, AnyConnect sessions, oper data providers).
        self.bootflash = Bootflash()
        self.running_listeners: list[Callable[[LabDevice], None]] = []
        self.runtime = LabRuntime(self)

    # --- DeviceModel ----------------------------------------------------------------------
    def capabilities(self) -> list[str]:
        return list(self._caps)

    def open_session(self, username: str, peer: str) -> SessionInfo:
        with self.lock:
            info = SessionInfo(session_id=next(self._ids), username=username, peer=peer)
            self.sessions[info.session_id] = info
            return info

    def close_session(self, session_id: int) -> None:
        with self.lock:
            if self.sessions.pop(session_id, None) is None:
                return
            held_candidate = self.locks.holder("candidate") == session_id
            self.locks.release_all(session_id)
            if held_candidate and self._candidate_dirty_by is not None:
                # RFC 6241 §8.3.5.2: a lost lock discards the candidate's changes.
                _discard(self)
            self.confirmed.session_lost(session_id)

    def set_session_killer(self, killer: KillSession) -> None:
        self._killer = killer

    def rpc(self, session: SessionInfo, operation: etree._Element) -> etree._Element | None:
        with self.lock:
            self.ia.activity()
            namespace, name = qname(operation)
            handler = _HANDLERS.get((namespace, name))
            module = _RPC_MODULES.get(namespace)
            if handler is None or (module is not None and not self.has_rpc(module, name)):
                raise rpc_error(
                    f"operation <{name}> is not supported",
                    "operation-not-supported",
                    error_type="protocol",
                    info={"bad-element": name},
                )
            if (namespace, name) in _WRITES:
                self._check_write_access(session)
            return handler(self, session, operation)

    # --- public helpers (white-box tests, state providers, later features) --------------
    def register_state(self, provider: StateProvider) -> None:
        with self.lock:
            self._state_providers.append(provider)

    def datastore(self, name: DatastoreName) -> list[etree._Element]:
        """Copies of a datastore's top-level nodes."""
        with self.lock:
            return [_clone(r) for r in self._store(name)]

    def datastore_xml(self, name: DatastoreName) -> bytes:
        with self.lock:
            return b"".join(etree.tostring(r) for r in self._store(name))

    @property
    def candidate_dirty(self) -> bool:
        return self._candidate_dirty_by is not None

    def render_running_config(self) -> str:
        """The running configuration as XML plus the CLI overlay as IOS lines."""
        with self.lock:
            parts = [etree.tostring(r, pretty_print=True).decode() for r in self._stores["running"]]
            for section, lines in self.cli_overlay.items():
                parts.append("\n".join([section, *(f" {line}" for line in lines), "!"]))
            return "\n".join(parts)

    def snapshot(self, name: DatastoreName = "running") -> Snapshot:
        with self.lock:
            overlay = self.cli_overlay if name == "running" else self._startup_overlay
            return Snapshot(self.datastore(name), overlay).copy()

    def restore_running(self, snapshot: Snapshot) -> None:
        """Swap a snapshot in as running (validated first); candidate follows if clean."""
        with self.lock:
            roots = self._canonical(snapshot.roots, full=True)
            self._set_running(roots)
            self.cli_overlay = {k: list(v) for k, v in snapshot.cli_overlay.items()}

    def has_rpc(self, module: str, rpc: str) -> bool:
        """Whether the release's models define that RPC (only then is it served)."""
        key = (module, rpc)
        if key not in self._rpc_cache:
            files = module_files(self.release, self.models_dir)
            entry = files.get(module)
            text = entry[1].read_text(encoding="utf-8") if entry else ""
            self._rpc_cache[key] = (
                re.search(rf"^\s*rpc\s+{re.escape(rpc)}\s*\{{", text, re.M) is not None
            )
        return self._rpc_cache[key]

    # --- internals --------------------------------------------------------------------------
    def _check_write_access(self, session: SessionInfo) -> None:
        """IOS-XE lets only privilege-15 users change configuration over NETCONF."""
        for root in self._stores["running"]:
            for user in root.iterfind(f"{{{NATIVE}}}username"):
                if text_of(user.find(f"{{{NATIVE}}}name")) != session.username:
                    continue
                privilege = text_of(user.find(f"{{{NATIVE}}}privilege")) or "1"
                if privilege != "15":
                    raise rpc_error(
                        f"user {session.username!r} has privilege {privilege}; "
                        "configuration changes need privilege 15",
                        "access-denied",
                        error_type="application",
                    )

    def _store(self, name: str) -> list[etree._Element]:
        if name == "candidate" and "candidate" not in self._stores:
            raise _no_candidate()
        return self._stores[name]

    def _canonical(self, roots: list[etree._Element], *, full: bool) -> list[etree._Element]:
        try:
            printed = validate_and_print(self.release, self.models_dir, roots, parse_only=not full)
        except ModelValidationFailed as failed:
            raise redact(from_model_issue(failed.issues[0]), secret_values(roots)) from None
        return roots_from_printed(printed)

    def _set_running(self, roots: list[etree._Element]) -> None:
        self._stores["running"] = roots
        self._prune_overlay()
        if "candidate" in self._stores and self._candidate_dirty_by is None:
            self._stores["candidate"] = [_clone(r) for r in roots]
        for listener in list(self.running_listeners):
            listener(self)

    def _prune_overlay(self) -> None:
        for section in list(self.cli_overlay):
            if not cli_rpc.section_exists(self, section):
                del self.cli_overlay[section]

    def _keys_of(self, element: etree._Element) -> tuple[str, ...]:
        steps: list[tuple[str, str]] = []
        node: etree._Element | None = element
        while node is not None:
            steps.append(qname(node))
            node = node.getparent()
        info = self.index.lookup(list(reversed(steps)))
        if info is None or info.kind is not NodeKind.LIST:
            return ()
        return info.keys

    def _read(
        self,
        roots: list[etree._Element],
        params: dict[str, etree._Element],
        *,
        full: bool,
        state: list[etree._Element] | None = None,
    ) -> etree._Element:
        mode = "explicit"
        if "with-defaults" in params:
            mode = text_of(params["with-defaults"])
            if mode not in _WITH_DEFAULTS_MODES:
                raise invalid_value(f"with-defaults {mode!r} is not supported")
        if mode != "explicit" and roots:
            roots = self._printed_with_defaults(roots, cast(WithDefaults, mode), full=full)
        # State providers own their defaults; with-defaults shapes configuration only.
        roots = [*roots, *(state or [])]
        filter_el = params.get("filter")
        if filter_el is not None:
            roots = self._filtered(roots, filter_el)
        data = etree.Element(nc("data"), nsmap=default_nsmap(NC))
        for root in roots:
            data.append(_clone(root))
        return data

    def _printed_with_defaults(
        self, roots: list[etree._Element], mode: WithDefaults, *, full: bool
    ) -> list[etree._Element]:
        try:
            printed = validate_and_print(
                self.release, self.models_dir, roots, with_defaults=mode, parse_only=not full
            )
        except ModelValidationFailed:
            printed = validate_and_print(
                self.release, self.models_dir, roots, with_defaults=mode, parse_only=True
            )
        return roots_from_printed(printed)

    def _filtered(
        self, roots: list[etree._Element], filter_el: etree._Element
    ) -> list[etree._Element]:
        kind = filter_el.get("type") or filter_el.get(f"{{{NC}}}type") or "subtree"
        if kind == "subtree":
            return subtree_filter(roots, filter_el, self._keys_of)
        if kind == "xpath":
            select = filter_el.get("select") or filter_el.get(f"{{{NC}}}select")
            if select is None:
                raise rpc_error(
                    "an xpath filter needs a select attribute",
                    "missing-attribute",
                    error_type="protocol",
                    info={"bad-attribute": "select", "bad-element": "filter"},
                )
            namespaces = {k: v for k, v in filter_el.nsmap.items() if k}
            return xpath_filter(roots, select, namespaces, self._keys_of)
        raise rpc_error(
            f"filter type {kind!r} is not supported",
            "bad-attribute",
            error_type="protocol",
            info={"bad-attribute": "type", "bad-element": "filter"},
        )

    def _state(self) -> list[etree._Element]:
        out: list[etree._Element] = []
        for provider in self._state_providers:
            out.extend(provider(self))
        return out

    def _edit(
        self,
        target: str,
        config: etree._Element,
        default_operation: DefaultOperation,
        *,
        full: bool,
    ) -> list[etree._Element]:
        self.index.refresh()
        holder = container_of(self._store(target))
        self._engine.apply(holder, config, default_operation)
        return self._canonical(elements(holder), full=full)

    def _mark_candidate(self, session: SessionInfo, new: list[etree._Element]) -> None:
        if not same(new, self._stores["candidate"]):
            self._stores["candidate"] = new
            self._candidate_dirty_by = session.session_id

    def _commit_candidate(self) -> None:
        candidate = self._stores["candidate"]
        roots = self._canonical(candidate, full=True)
        self._candidate_dirty_by = None
        self._set_running(roots)


def _clone(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _no_candidate() -> LabRpcError:
    return rpc_error(
        "this headend has no candidate datastore (netconf-yang feature candidate-datastore)",
        "operation-not-supported",
        error_type="protocol",
    )


# --- the base operations -----------------------------------------------------------------
Handler = Callable[[LabDevice, SessionInfo, etree._Element], "etree._Element | None"]


def _datastores(device: LabDevice) -> tuple[str, ...]:
    return (
        ("running", "candidate", "startup")
        if device.identity.candidate
        else (
            "running",
            "startup",
        )
    )


def _source(device: LabDevice, params: dict[str, etree._Element], *, allow_config: bool) -> str:
    if "source" not in params:
        raise missing_element("source")
    choices = (*_datastores(device), "config") if allow_config else _datastores(device)
    if allow_config:
        return one_choice(params["source"], NC, choices, what="source")
    return one_choice(params["source"], NC, choices, what="datastore")


def _get_config(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    params = _params_with_defaults(op, ("source", "filter"))
    source = _source(device, params, allow_config=False)
    roots = device._store(source)
    return device._read(roots, params, full=source != "candidate")


def _get(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    params = _params_with_defaults(op, ("filter",))
    return device._read(device._store("running"), params, full=True, state=device._state())


def _params_with_defaults(
    op: etree._Element, allowed: tuple[str, ...]
) -> dict[str, etree._Element]:
    wd = op.find(f"{{{WITH_DEFAULTS}}}with-defaults")
    if wd is not None:
        op = _without(op, wd)
    params = rpc_params(op, NC, allowed)
    if wd is not None:
        params["with-defaults"] = wd
    return params


def _without(op: etree._Element, drop: etree._Element) -> etree._Element:
    copy_ = etree.Element(op.tag, nsmap=cast(Any, op.nsmap))
    for child in elements(op):
        if child is not drop:
            copy_.append(_clone(child))
    return copy_


def _edit_config(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    params = rpc_params(
        op,
        NC,
        ("target", "default-operation", "test-option", "error-option", "config", "url"),
        required=("target",),
    )
    target = one_choice(params["target"], NC, _datastores(device), what="datastore")
    if target == "startup":
        raise rpc_error(
            "the startup datastore cannot be edited (use copy-config or save-config)",
            "operation-not-supported",
            error_type="protocol",
        )
    if "url" in params:
        raise operation_not_supported("<url> (capability :url)")
    if "config" not in params:
        raise missing_element("config")
    default_op = _choice_text(params, "default-operation", DEFAULT_OPERATIONS, "merge")
    test_option = _choice_text(params, "test-option", _TEST_OPTIONS, "test-then-set")
    # IOS-XE applies an edit as one transaction whatever error-option says.
    _choice_text(params, "error-option", _ERROR_OPTIONS, "stop-on-error")
    device.locks.check_writable(cast(LockableStore, target), session.session_id)
    new = device._edit(
        target, params["config"], cast(DefaultOperation, default_op), full=target == "running"
    )
    if test_option == "test-only":
        return None
    if target == "running":
        if not same(new, device._stores["running"]):
            device._set_running(new)
    else:
        device._mark_candidate(session, new)
    return None


def _choice_text(
    params: dict[str, etree._Element], name: str, choices: tuple[str, ...], default: str
) -> str:
    element = params.get(name)
    if element is None:
        return default
    value = text_of(element)
    if value not in choices:
        raise rpc_error(
            f"<{name}> {value!r} is not one of {', '.join(choices)}",
            "invalid-value",
            error_type="protocol",
            info={"bad-element": name},
        )
    return value


def _copy_config(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    params = rpc_params(op, NC, ("target", "source"), required=("target", "source"))
    target = one_choice(params["target"], NC, _datastores(device), what="datastore")
    source = _source(device, params, allow_config=True)
    if source == target:
        raise invalid_value("source and target are the same datastore")
    if source == "config":
        config = elements(params["source"])[0]
        roots = device._canonical(elements(config), full=target != "candidate")
        overlay: dict[str, list[str]] | None = None
    else:
        roots = [_clone(r) for r in device._store(source)]
        roots = device._canonical(roots, full=target != "candidate")
        # The CLI overlay travels with running and startup; candidate has none.
        overlays = {"running": device.cli_overlay, "startup": device._startup_overlay}
        overlay = overlays.get(source)
    device.locks.check_writable(cast(LockableStore, target), session.session_id)
    if target == "running":
        device._set_running(roots)
        if overlay is not None:
            device.cli_overlay = {k: list(v) for k, v in overlay.items()}
    elif target == "startup":
        device._stores["startup"] = roots
        device._startup_overlay = {k: list(v) for k, v in (overlay or {}).items()}
    else:
        device._mark_candidate(session, roots)
    return None


def _delete_config(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    params = rpc_params(op, NC, ("target",), required=("target",))
    target = one_choice(params["target"], NC, _datastores(device), what="datastore")
    if target != "startup":
        raise rpc_error(
            f"the {target} datastore cannot be deleted",
            "operation-failed",
            error_type="protocol",
        )
    device.locks.check_writable("startup", session.session_id)
    device._stores["startup"] = []
    device._startup_overlay = {}
    return None


def _lock(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    params = rpc_params(op, NC, ("target",), required=("target",))
    target = cast(
        LockableStore, one_choice(params["target"], NC, _datastores(device), what="datastore")
    )
    if (
        target == "candidate"
        and device._candidate_dirty_by is not None
        and device._candidate_dirty_by != session.session_id
        and device.locks.holder("candidate") is None
    ):
        # RFC 6241 §8.3.5.1: no lock on a candidate holding someone's uncommitted changes.
        raise rpc_error(
            "the candidate has uncommitted changes; commit or discard them first",
            "lock-denied",
            error_type="protocol",
            info={"session-id": str(device._candidate_dirty_by)},
        )
    device.locks.lock(target, session.session_id)
    return None


def _unlock(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    params = rpc_params(op, NC, ("target",), required=("target",))
    target = cast(
        LockableStore, one_choice(params["target"], NC, _datastores(device), what="datastore")
    )
    device.locks.unlock(target, session.session_id)
    if target == "candidate" and device._candidate_dirty_by == session.session_id:
        # Changes made under a lock do not outlive it (RFC 6241 §8.3.5.2).
        _discard(device)
    return None


def _discard(device: LabDevice) -> None:
    device._stores["candidate"] = [_clone(r) for r in device._stores["running"]]
    device._candidate_dirty_by = None


def _discard_changes(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    rpc_params(op, NC, ())
    device._store("candidate")
    device.locks.check_writable("candidate", session.session_id)
    _discard(device)
    return None


def _validate(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    params = rpc_params(op, NC, ("source",), required=("source",))
    source = _source(device, params, allow_config=True)
    if source == "config":
        config = elements(params["source"])[0]
        holder = container_of([])
        device._engine.apply(holder, config, "merge")
        device._canonical(elements(holder), full=True)
    else:
        device._canonical(device._store(source), full=True)
    return None


def _commit(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    device._store("candidate")
    allowed: tuple[str, ...] = ()
    if device.identity.confirmed_commit:
        allowed = ("confirmed", "confirm-timeout", "persist", "persist-id")
    params = rpc_params(op, NC, allowed)
    device.locks.check_writable("running", session.session_id)
    device.confirmed.commit(session, params)
    return None


def _cancel_commit(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    if not device.identity.confirmed_commit:
        raise operation_not_supported("<cancel-commit> (capability :confirmed-commit)")
    params = rpc_params(op, NC, ("persist-id",))
    device.confirmed.cancel(session, params)
    return None


def _close_session(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    rpc_params(op, NC, ())
    device.close_session(session.session_id)
    return None


def _kill_session(device: LabDevice, session: SessionInfo, op: etree._Element) -> None:
    params = rpc_params(op, NC, ("session-id",), required=("session-id",))
    raw = text_of(params["session-id"])
    if not raw.isdigit():
        raise invalid_value(f"session-id {raw!r} is not a number")
    target = int(raw)
    if target == session.session_id:
        raise invalid_value("a session cannot kill itself (use close-session)")
    if target not in device.sessions:
        raise invalid_value(f"no session {target}")
    if device._killer is not None:
        device._killer(target)
    device.close_session(target)
    return None


def _get_schema(device: LabDevice, session: SessionInfo, op: etree._Element) -> etree._Element:
    params = rpc_params(
        op, NC_MONITORING, ("identifier", "version", "format"), required=("identifier",)
    )
    identifier = text_of(params["identifier"])
    version = text_of(params.get("version"))
    fmt = text_of(params.get("format")) or "yang"
    if fmt.split(":")[-1] != "yang":
        raise invalid_value(f"format {fmt!r} is not served (only yang)")
    files = module_files(device.release, device.models_dir)
    entry = files.get(identifier)
    if entry is None or (version and version != entry[0]):
        wanted = f"{identifier}@{version}" if version else identifier
        raise rpc_error(
            f"no schema {wanted} on this device",
            "invalid-value",
            error_type="application",
            info={"bad-element": "identifier"},
        )
    data = etree.Element(f"{{{NC_MONITORING}}}data", nsmap=default_nsmap(NC_MONITORING))
    data.text = entry[1].read_text(encoding="utf-8")
    return data


_WRITES = frozenset(
    {
        (NC, "edit-config"),
        (NC, "copy-config"),
        (NC, "delete-config"),
        (NC, "lock"),
        (NC, "discard-changes"),
        (NC, "commit"),
        (NC, "cancel-commit"),
        (CISCO_IA, "rollback"),
        (CISCO_IA, "revert"),
        (CISCO_IA, "save-config"),
        (CISCO_IA, "checkpoint"),
        (CLI_RPC, "config-ios-cli-rpc"),
        (CLI_RPC, "config-ios-cli-trans"),
        (XE_RPC, "crypto"),
        (XE_RPC, "copy"),
        (XE_RPC, "delete"),
    }
)

_HANDLERS: dict[tuple[str, str], Handler] = {
    (NC, "get-config"): _get_config,
    (NC, "get"): _get,
    (NC, "edit-config"): _edit_config,
    (NC, "copy-config"): _copy_config,
    (NC, "delete-config"): _delete_config,
    (NC, "lock"): _lock,
    (NC, "unlock"): _unlock,
    (NC, "discard-changes"): _discard_changes,
    (NC, "validate"): _validate,
    (NC, "commit"): _commit,
    (NC, "cancel-commit"): _cancel_commit,
    (NC, "close-session"): _close_session,
    (NC, "kill-session"): _kill_session,
    (NC_MONITORING, "get-schema"): _get_schema,
    (CISCO_IA, "checkpoint"): cisco_ia.checkpoint,
    (CISCO_IA, "rollback"): cisco_ia.rollback,
    (CISCO_IA, "revert"): cisco_ia.revert,
    (CISCO_IA, "save-config"): cisco_ia.save_config,
    (CISCO_IA, "is-syncing"): cisco_ia.is_syncing,
    (CLI_RPC, "config-ios-cli-rpc"): cli_rpc.config_ios_cli_rpc,
    (CLI_RPC, "config-ios-cli-trans"): cli_rpc.config_ios_cli_trans,
    (XE_RPC, "crypto"): pki.crypto_rpc,
    (XE_RPC, "copy"): files_rpc.copy,
    (XE_RPC, "delete"): files_rpc.delete,
}
