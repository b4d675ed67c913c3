"""RESTCONF over HTTPS for a lab headend, on the same device as its NETCONF.

Every request becomes the NETCONF operation a real IOS-XE runs underneath
(`get-config`/`get` with a subtree filter, `edit-config` on running, the
operation itself for `/restconf/operations`), executed by the device in a
short-lived session under the device's own lock, so both transports see
and change the same datastores, with the same YANG validation and errors.
Bodies are RFC 7951 JSON printed and parsed by libyang.

As on the device, the listener follows `ip http secure-server` in running:
turning it off closes the listener (and drops open connections after their
current reply), turning it back on listens again on the same port.

Served: GET (content=config|all, depth, fields, with-defaults), PATCH
(plain merge), PUT, DELETE on `/restconf/data[/path]`; POST on
`/restconf/operations/module:rpc`; `/.well-known/host-meta`; `/restconf`.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import ssl
import threading
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from nornir_flexvpn.errors import RpcError, YangValidationError
from nornir_flexvpn.lab.restconf_fields import limit_depth, parse_fields, select_fields
from nornir_flexvpn.namespaces import HTTP, NATIVE, NC, WITH_DEFAULTS, qn
from nornir_flexvpn.restconf import codec
from nornir_flexvpn.restconf.codec import JsonDoc
from nornir_flexvpn.restconf.errors import errors_body, status_of
from nornir_flexvpn.restconf.paths import ApiPath, PathError, parse_url_path

if TYPE_CHECKING:
    from nornir_flexvpn.lab.device import LabDevice

log = logging.getLogger(__name__)

YANG_DATA_JSON: Final = "application/yang-data+json"
_HOST_META: Final = (
    b"<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
    b"<Link rel='restconf' href='/restconf'/></XRD>"
)
_YANG_LIBRARY_VERSION: Final = "2016-06-21"
_POLL: Final = 0.05  # how quickly a closed listener stops accepting
_HANDSHAKE_TIMEOUT: Final = 10.0

Reply = tuple[int, JsonDoc | None]


class _Failure(Exception):
    def __init__(self, status: int, body: JsonDoc) -> None:
        self.status = status
        self.body = body


def _bad(message: str, tag: str = "invalid-value", status: int = 400, path: str = "") -> _Failure:
    return _Failure(status, errors_body(tag, message, error_type="protocol", path=path or None))


class RestconfEndpoint:
    """One headend's RESTCONF listener (see the module docstring)."""

    def __init__(
        self,
        device: LabDevice,
        *,
        username: str,
        password: str,
        tls: ssl.SSLContext,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.device = device
        self.release = device.release
        self.models_dir = device.models_dir
        self.username = username
        self._password = password
        self.tls = tls
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._state = threading.Lock()
        self._stopped = False
        self._namespaces: dict[str, str] = {}

    def __repr__(self) -> str:
        state = "listening" if self.listening else "closed"
        return f"RestconfEndpoint({self.device.identity.name}, {self.host}:{self.port}, {state})"

    # --- life cycle -------------------------------------------------------------------------
    @property
    def listening(self) -> bool:
        return self._server is not None

    def start(self) -> int:
        """Listen (if running allows it) and follow running from now on; returns the port."""
        with self._state:
            self._listen()
        with self.device.lock:
            self.device.running_listeners.append(self._on_running)
            self._on_running(self.device)
        return self.port

    def stop(self) -> None:
        """Close for good (the headend is going away)."""
        with self.device.lock, suppress(ValueError):
            self.device.running_listeners.remove(self._on_running)
        with self._state:
            self._stopped = True
            self._close()

    def _on_running(self, device: LabDevice) -> None:
        enabled = secure_server_enabled(device)
        with self._state:
            if self._stopped:
                return
            if enabled and self._server is None:
                self._listen()
            elif not enabled and self._server is not None:
                log.info("%s: ip http secure-server is off: RESTCONF closed", self.host)
                self._close()

    def _listen(self) -> None:
        server = _Server((self.host, self.port), _Handler, self)
        self.port = server.server_address[1]
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL},
            name=f"restconf-{self.device.identity.name}",
            daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()

    def _close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.drop_connections()

    # --- requests ----------------------------------------------------------------------------
    def authorized(self, header: str | None) -> bool:
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user.encode(), self.username.encode()) and hmac.compare_digest(
            password.encode(), self._password.encode()
        )

    def handle(self, method: str, target: str, body: bytes, peer: str = "127.0.0.1") -> Reply:
        """One request (already authenticated): status and JSON body (or None)."""
        split = urlsplit(target)
        path, query = split.path, parse_qs(split.query, keep_blank_values=True)
        try:
            if path == "/restconf" or path == "/restconf/":
                return self._root(method)
            if path == "/restconf/yang-library-version":
                _only(method, "GET")
                return 200, {"ietf-restconf:yang-library-version": _YANG_LIBRARY_VERSION}
            if path == "/restconf/data" or path.startswith("/restconf/data/"):
                rest = path[len("/restconf/data") :]
                return self._data(method, rest, query, body, peer)
            if path.startswith("/restconf/operations/"):
                _only(method, "POST")
                return self._operation(path[len("/restconf/operations/") :], body, peer)
            raise _bad(f"no resource {path}", status=404)
        except _Failure as failure:
            return failure.status, failure.body
        except PathError as exc:
            return 400, errors_body("invalid-value", exc.message, error_type="protocol", path=path)
        except YangValidationError as exc:
            return 400, errors_body(
                "invalid-value", exc.message, error_type="application", path=exc.path
            )
        except RpcError as exc:
            status = status_of(exc.tag)
            if exc.tag == "data-missing" and method == "DELETE":
                status = 404
            return status, errors_body(
                exc.tag, exc.message, error_type=exc.error_type, path=exc.path, info=exc.info
            )

    def _root(self, method: str) -> Reply:
        _only(method, "GET")
        return 200, {
            "ietf-restconf:restconf": {
                "data": {},
                "operations": {},
                "yang-library-version": _YANG_LIBRARY_VERSION,
            }
        }

    def _api_path(self, raw: str) -> ApiPath:
        index = self.device.index

        def key_names(trail: tuple[tuple[str, str], ...]) -> tuple[str, ...] | None:
            info = None
            for module, name in trail:
                namespace = self._namespace(module)
                if namespace is None:
                    return None
                info = index.child(info, namespace, name)
                if info is None:
                    return None
            return info.keys if info is not None else None

        return parse_url_path(raw, key_names)

    def _namespace(self, module: str) -> str | None:
        if module not in self._namespaces:
            try:
                self._namespaces[module] = codec.namespace_of_module(
                    self.release, module, self.models_dir
                )
            except YangValidationError:
                return None
        return self._namespaces[module]

    def _data(
        self, method: str, raw: str, query: dict[str, list[str]], body: bytes, peer: str
    ) -> Reply:
        path = self._api_path(raw)
        if method == "GET":
            return self._get(path, query, peer)
        if method in ("PATCH", "PUT"):
            doc = _body(body)
            if method == "PUT" and not path.steps:
                raise _bad(
                    "PUT on the whole datastore is not served", "operation-not-supported", 405
                )
            self._edit(self._edit_roots(path, doc, replace=method == "PUT"), peer)
            return 204, None
        if method == "DELETE":
            if not path.steps:
                raise _bad("DELETE needs a data resource", "operation-not-supported", 405)
            self._edit([self._skeleton(path, "delete")], peer)
            return 204, None
        raise _bad(f"{method} is not served on data resources", "operation-not-supported", 405)

    def _get(self, path: ApiPath, query: dict[str, list[str]], peer: str) -> Reply:
        content = _one(query, "content") or "all"
        if content not in ("config", "all"):
            raise _bad(f"content={content} is not served (config, all)")
        if content == "config":
            op = etree.Element(qn(NC, "get-config"))
            etree.SubElement(etree.SubElement(op, qn(NC, "source")), qn(NC, "running"))
        else:
            op = etree.Element(qn(NC, "get"))
        if path.steps:
            flt = etree.SubElement(op, qn(NC, "filter"))
            flt.set("type", "subtree")
            flt.append(self._skeleton(path, None))
        with_defaults = _one(query, "with-defaults")
        if with_defaults:
            etree.SubElement(op, qn(WITH_DEFAULTS, "with-defaults")).text = with_defaults
        data = self._call(op, peer)
        roots = [c for c in data if isinstance(c.tag, str)] if data is not None else []
        state = content == "all"
        doc = codec.select_json(self.release, roots, path, state=state, models_dir=self.models_dir)
        if doc is None:
            if not path.steps:
                return 200, {}
            raise _bad("uri keypath not found", status=404, path=str(path))
        fields = _one(query, "fields")
        depth = _one(query, "depth")
        if fields:
            selection = parse_fields(fields)
            doc = {k: select_fields(v, selection) for k, v in doc.items()}
        if depth and depth != "unbounded":
            if not depth.isdigit() or int(depth) < 1:
                raise _bad(f"depth={depth} is not 1..65535 or unbounded")
            doc = {k: limit_depth(v, int(depth)) for k, v in doc.items()}
        return 200, doc

    def _edit_roots(self, path: ApiPath, doc: JsonDoc, *, replace: bool) -> list[etree._Element]:
        step = path.target
        if step is not None:
            if len(doc) != 1:
                raise _bad("the body must hold exactly the target resource", "malformed-message")
            member = next(iter(doc))
            if member not in (f"{step.module}:{step.name}", step.name):
                raise _bad(f"the body names {member!r}, not the target {step.name!r}")
        roots = codec.assemble(
            self.release,
            [(path.parent, doc)] if step else [(ApiPath(), doc)],
            models_dir=self.models_dir,
        )
        if replace:
            target = _find(roots, path, self._namespace)
            if target is None:
                raise _bad("the body's keys do not match the target's", path=str(path))
            target.set(qn(NC, "operation"), "replace")
        return roots

    def _skeleton(self, path: ApiPath, operation: str | None) -> etree._Element:
        """The path as nested elements (list entries with their keys)."""
        top: etree._Element | None = None
        parent: etree._Element | None = None
        for step in path.steps:
            namespace = self._namespace(step.module)
            if namespace is None:
                raise _bad(f"no module {step.module}", path=str(path))
            node = (
                etree.Element(qn(namespace, step.name))
                if parent is None
                else etree.SubElement(parent, qn(namespace, step.name))
            )
            for key, value in step.keys:
                etree.SubElement(node, qn(namespace, key)).text = value
            top = node if top is None else top
            parent = node
        if top is None or parent is None:
            raise _bad("no data resource named", path=str(path))
        if operation:
            parent.set(qn(NC, "operation"), operation)
        return top

    def _edit(self, roots: list[etree._Element], peer: str) -> None:
        op = etree.Element(qn(NC, "edit-config"))
        etree.SubElement(etree.SubElement(op, qn(NC, "target")), qn(NC, "running"))
        config = etree.SubElement(op, qn(NC, "config"))
        for root in roots:
            config.append(root)
        self._call(op, peer)

    def _operation(self, name: str, body: bytes, peer: str) -> Reply:
        module, sep, rpc = name.partition(":")
        if not sep or not module or not rpc or "/" in rpc:
            raise _bad(f"operation {name!r} must be module:name", status=404)
        if self._namespace(module) is None:
            raise _bad(f"no module {module}", status=404)
        doc = _body(body) if body.strip() else None
        op = codec.rpc_input_xml(self.release, module, rpc, doc, models_dir=self.models_dir)
        reply = self._call(op, peer)
        output = codec.rpc_output_json(self.release, module, rpc, reply, models_dir=self.models_dir)
        return (200, output) if output else (204, None)

    def _call(self, op: etree._Element, peer: str) -> etree._Element | None:
        """Run one operation as the device runs NETCONF's, in a session of its own."""
        session = self.device.open_session(self.username, peer)
        try:
            return self.device.rpc(session, op)
        finally:
            self.device.close_session(session.session_id)


def secure_server_enabled(device: LabDevice) -> bool:
    """`ip http secure-server` in running (absent: on, as the image ships it)."""
    for root in device.datastore("running"):
        if root.tag != qn(NATIVE, "native"):
            continue
        leaf = root.find(f"{qn(NATIVE, 'ip')}/{qn(HTTP, 'http')}/{qn(HTTP, 'secure-server')}")
        if leaf is not None:
            return (leaf.text or "").strip() != "false"
    return True


def _only(method: str, *allowed: str) -> None:
    if method not in allowed:
        raise _bad(f"{method} is not allowed here", "operation-not-supported", 405)


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise _bad(f"{name} given {len(values)} times")
    return values[0]


def _body(body: bytes) -> JsonDoc:
    try:
        doc: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _bad("the body is not JSON", "malformed-message") from None
    if not isinstance(doc, dict):
        raise _bad("the body is not a JSON object", "malformed-message")
    return doc


def _find(roots: list[etree._Element], path: ApiPath, namespace_of: Any) -> etree._Element | None:
    candidates = roots
    found: etree._Element | None = None
    for step in path.steps:
        tag = qn(namespace_of(step.module), step.name)
        found = None
        for node in candidates:
            if node.tag != tag:
                continue
            keys = {
                etree.QName(c).localname: (c.text or "") for c in node if isinstance(c.tag, str)
            }
            if all(keys.get(k) == v for k, v in step.keys):
                found = node
                break
        if found is None:
            return None
        candidates = [c for c in found if isinstance(c.tag, str)]
    return found


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        endpoint: RestconfEndpoint,
    ) -> None:
        self.endpoint = endpoint
        self._open: set[ssl.SSLSocket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # TLS per connection, in the connection's thread: a slow or failed
        # handshake never blocks accepting the next client.
        raw: socket = request
        raw.settimeout(_HANDSHAKE_TIMEOUT)
        try:
            tls = self.endpoint.tls.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.debug("RESTCONF TLS handshake from %s failed: %s", client_address, exc)
            with suppress(OSError):
                raw.close()
            return
        tls.settimeout(None)
        with self._open_lock:
            self._open.add(tls)
        try:
            _Handler(tls, client_address, self)
        finally:
            with self._open_lock:
                self._open.discard(tls)
            with suppress(OSError):
                tls.close()

    def drop_connections(self) -> None:
        with self._open_lock:
            open_now = list(self._open)
        for conn in open_now:
            with suppress(OSError):
                conn.shutdown(2)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("RESTCONF connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("RESTCONF %s", format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        endpoint = self.server.endpoint
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if self.path == "/.well-known/host-meta":
            self._send(200, _HOST_META, "application/xrd+xml")
            return
        if not endpoint.authorized(self.headers.get("Authorization")):
            doc = errors_body("access-denied", "authentication failed", error_type="protocol")
            self._send(401, json.dumps(doc).encode(), YANG_DATA_JSON, basic=True)
            return
        kind = (self.headers.get("Content-Type") or YANG_DATA_JSON).split(";")[0].strip()
        if body and kind not in (YANG_DATA_JSON, "application/json"):
            doc = errors_body("invalid-value", f"media type {kind} is not served")
            self._send(415, json.dumps(doc).encode(), YANG_DATA_JSON)
            return
        status, reply = endpoint.handle(method, self.path, body, self.client_address[0])
        payload = json.dumps(reply).encode() if reply is not None else b""
        self._send(status, payload, YANG_DATA_JSON)
        if not endpoint.listening:
            self.close_connection = True

    def _send(self, status: int, payload: bytes, kind: str, *, basic: bool = False) -> None:
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", kind)
        if basic:
            self.send_header("WWW-Authenticate", 'Basic realm="restconf"')
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)
