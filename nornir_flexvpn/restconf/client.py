"""A RESTCONF (RFC 8040) client over HTTPS with RFC 7951 JSON bodies.

- the server's certificate is verified by default (system store, or a CA
  bundle), during the TLS handshake, before any credential is sent; turning
  verification off works and logs a warning;
- HTTP basic authentication; the password is kept out of repr and messages;
- one keep-alive connection per client, serialised by a lock; a read on a
  connection the server dropped while idle is retried once;
- non-2xx replies become the FlexVpnError tree with the RFC 8040 error fields.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import ssl
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal
from urllib.parse import quote

from nornir_flexvpn.errors import (
    ConnectError,
    DeviceError,
    IntentError,
    RpcTimeoutError,
    SessionClosedError,
    TlsError,
)
from nornir_flexvpn.restconf.codec import JsonDoc
from nornir_flexvpn.restconf.errors import Method, error_from_response
from nornir_flexvpn.restconf.paths import ApiPath

log = logging.getLogger(__name__)

RESTCONF_PORT: Final = 443
YANG_DATA_JSON: Final = "application/yang-data+json"
Content = Literal["config", "nonconfig", "all"]
WithDefaults = Literal["report-all", "report-all-tagged", "trim", "explicit"]
_IDEMPOTENT: Final = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# Characters RFC 8040 query values use as syntax (fields, depth) stay as they are.
_QUERY_SAFE: Final = ":/;(),"


@dataclass(frozen=True)
class RestconfParams:
    """Where and how to connect. `password` never appears in repr or messages."""

    host: str
    username: str
    password: str | None = field(default=None, repr=False)
    port: int = RESTCONF_PORT
    ca_bundle: Path | None = None  # None: the system's trust store
    verify: bool = True
    timeout: float = 30.0
    root: str = "/restconf"

    def __post_init__(self) -> None:
        if not self.host:
            raise IntentError("no host to connect to", path="hostname")
        if not self.username:
            raise IntentError(f"no username for {self.host}", path="username")
        if self.password is None:
            raise IntentError(
                f"RESTCONF basic authentication needs a password for {self.username}@{self.host}",
                path="password",
            )
        if not 0 < self.port < 65536:
            raise IntentError(f"port {self.port} is not a TCP port", path="port")
        if not self.timeout > 0:
            raise IntentError("timeout must be > 0 seconds", path="timeout")
        if not self.root.startswith("/"):
            raise IntentError(f"root {self.root!r} must start with '/'", path="root")


def tls_context(params: RestconfParams) -> ssl.SSLContext:
    """Verification on (with the CA bundle, if any) unless explicitly turned off."""
    if params.verify:
        if params.ca_bundle is not None and not params.ca_bundle.is_file():
            raise IntentError(f"CA bundle {params.ca_bundle} does not exist", path="ca_bundle")
        context = ssl.create_default_context(
            cafile=str(params.ca_bundle) if params.ca_bundle is not None else None
        )
    else:
        log.warning(
            "TLS certificate verification is OFF for %s:%s (verify=False): "
            "the server's identity is not checked",
            params.host,
            params.port,
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class RestconfClient:
    """An HTTPS session to one RESTCONF server; `RestconfClient.open(params)`."""

    def __init__(self, params: RestconfParams) -> None:
        self.params = params
        self._context = tls_context(params)
        self._conn: http.client.HTTPSConnection | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.request_count = 0
        token = f"{params.username}:{params.password}".encode()
        self._authorization = "Basic " + base64.b64encode(token).decode("ascii")

    @classmethod
    def open(cls, params: RestconfParams) -> RestconfClient:
        """Connect and complete the TLS handshake (the certificate is checked here)."""
        client = cls(params)
        with client._lock:
            client._conn = client._connect()
        return client

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()

    def __enter__(self) -> RestconfClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return (
            f"RestconfClient({self.params.username}@{self.host}:{self.params.port}, "
            f"verify={self.params.verify}, {state})"
        )

    @property
    def host(self) -> str:
        return self.params.host

    # --- datastore resources ----------------------------------------------------------
    def get_data(
        self,
        path: ApiPath | None = None,
        *,
        content: Content | None = None,
        depth: int | None = None,
        fields: str | None = None,
        with_defaults: WithDefaults | None = None,
    ) -> JsonDoc | None:
        """GET a data resource; None when it does not exist (404, or 204)."""
        query: dict[str, str] = {}
        if content is not None:
            query["content"] = content
        if depth is not None:
            if depth < 1:
                raise IntentError("depth must be >= 1", path="depth")
            query["depth"] = str(depth)
        if fields:
            query["fields"] = fields
        if with_defaults is not None:
            query["with-defaults"] = with_defaults
        status, body = self.request("GET", _data(path), query=query, missing_ok=True)
        if status in (204, 404) or not body.strip():
            return None
        return _json(body, self.host, _data(path))

    def patch_data(self, body: JsonDoc, path: ApiPath | None = None) -> None:
        """Merge `body` into the target (RFC 8040 §4.6.1 plain patch)."""
        self.request("PATCH", _data(path), body=body)

    def put_data(self, body: JsonDoc, path: ApiPath) -> None:
        """Create or replace the target resource."""
        self.request("PUT", _data(path), body=body)

    def delete_data(self, path: ApiPath) -> None:
        self.request("DELETE", _data(path))

    def invoke(self, module: str, name: str, input: JsonDoc | None = None) -> JsonDoc | None:
        """POST an operation (`/restconf/operations/module:name`); the output document."""
        body = {f"{module}:input": input} if input else None
        status, reply = self.request("POST", f"operations/{module}:{name}", body=body)
        if status == 204 or not reply.strip():
            return None
        return _json(reply, self.host, f"operations/{module}:{name}")

    # --- HTTP -----------------------------------------------------------------------------
    def request(
        self,
        method: Method,
        resource: str,
        *,
        query: dict[str, str] | None = None,
        body: JsonDoc | None = None,
        missing_ok: bool = False,
    ) -> tuple[int, bytes]:
        """One request below the RESTCONF root; raises for an error reply
        (a 404 is returned when `missing_ok`)."""
        target = f"{self.params.root}/{resource}"
        if query:
            target += "?" + "&".join(f"{k}={quote(v, safe=_QUERY_SAFE)}" for k, v in query.items())
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": self._authorization, "Accept": YANG_DATA_JSON}
        if payload is not None:
            headers["Content-Type"] = YANG_DATA_JSON
        with self._lock:
            if self._closed:
                raise SessionClosedError(f"the RESTCONF client for {self.host} is closed")
            status, data = self._exchange(method, target, payload, headers)
        log.debug("RESTCONF %s %s on %s: %s", method, resource, self.host, status)
        if status >= 400 and not (missing_ok and status == 404):
            raise error_from_response(
                status, data, method=method, resource=resource, host=self.host
            )
        return status, data

    def _exchange(
        self, method: str, target: str, payload: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            reused = self._conn is not None
            conn = self._conn or self._connect()
            self._conn = conn
            self.request_count += 1
            try:
                conn.request(method, target, body=payload, headers=headers)
            except (BrokenPipeError, ConnectionResetError, http.client.HTTPException) as exc:
                # Nothing reached the server: an idle keep-alive it had closed.
                self._drop()
                if reused and attempt == 1:
                    continue
                raise SessionClosedError(f"{self.host}: RESTCONF connection lost ({exc})") from None
            except TimeoutError:
                self._drop()
                raise RpcTimeoutError(f"{self.host}: RESTCONF {method} timed out") from None
            try:
                response = conn.getresponse()
                data = response.read()
            except TimeoutError:
                self._drop()
                raise RpcTimeoutError(
                    f"{self.host}: no reply to RESTCONF {method} within "
                    f"{self.params.timeout:g}s; the outcome is unknown until read back"
                ) from None
            except (http.client.RemoteDisconnected, ConnectionResetError) as exc:
                self._drop()
                if reused and attempt == 1 and method in _IDEMPOTENT:
                    continue
                raise SessionClosedError(
                    f"{self.host}: RESTCONF connection closed during {method} ({exc}); "
                    "the outcome is unknown until read back"
                ) from None
            if response.will_close:
                self._drop()
            return response.status, data
        raise SessionClosedError(f"{self.host}: RESTCONF connection lost")  # pragma: no cover

    def _connect(self) -> http.client.HTTPSConnection:
        where = f"{self.host}:{self.params.port}"
        conn = http.client.HTTPSConnection(
            self.host, self.params.port, timeout=self.params.timeout, context=self._context
        )
        try:
            conn.connect()
        except ssl.SSLCertVerificationError as exc:
            conn.close()
            raise TlsError(
                f"the TLS certificate of {where} is not trusted ({exc.verify_message}); "
                "give the CA that signed it (ca_bundle)",
                path="ca_bundle",
            ) from None
        except ssl.SSLError as exc:
            conn.close()
            raise TlsError(f"TLS with {where} failed ({exc.reason})") from None
        except TimeoutError:
            conn.close()
            raise ConnectError(
                f"timed out after {self.params.timeout:g}s connecting to {where}"
            ) from None
        except OSError as exc:
            conn.close()
            reason = exc.strerror or type(exc).__name__
            raise ConnectError(f"cannot connect to RESTCONF at {where}: {reason}") from None
        return conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(OSError):
                conn.close()


def _data(path: ApiPath | None) -> str:
    return f"data/{path.url()}" if path is not None and path.steps else "data"


def _json(body: bytes, host: str, resource: str) -> JsonDoc:
    try:
        doc: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeviceError(f"{host}: the reply to /{resource} is not JSON") from None
    if not isinstance(doc, dict):
        raise DeviceError(f"{host}: the reply to /{resource} is not a JSON object")
    return doc
