"""A small read-only HTTP endpoint: /metrics, /status, /hosts/NAME, /healthz.

stdlib only, in a daemon thread; it serves the snapshot the controller saved
last, so a request never waits on a tick.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from nornir_flexvpn.gitops.status import StatusStore

PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _handler(store: StatusStore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "flexvpn-gitops"

        def do_GET(self) -> None:
            path = urlsplit(self.path).path.rstrip("/") or "/"
            if path == "/metrics":
                self._send(HTTPStatus.OK, store.metrics().encode(), PROMETHEUS_TYPE)
            elif path == "/status":
                self._json(HTTPStatus.OK, store.snapshot())
            elif path == "/hosts":
                self._json(HTTPStatus.OK, store.snapshot().get("hosts", {}))
            elif path.startswith("/hosts/"):
                name = unquote(path[len("/hosts/") :])
                host = store.snapshot().get("hosts", {}).get(name)
                if host is None:
                    self._json(HTTPStatus.NOT_FOUND, {"error": f"no host {name!r}"})
                else:
                    self._json(HTTPStatus.OK, host)
            elif path == "/healthz":
                self._send(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8")
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def _refuse(self) -> None:
            self._json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "read-only"}, allow=True)

        do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

        def _json(self, status: HTTPStatus, data: Any, *, allow: bool = False) -> None:
            body = (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()
            self._send(status, body, "application/json", allow=allow)

        def _send(
            self, status: HTTPStatus, body: bytes, ctype: str, *, allow: bool = False
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if allow:
                self.send_header("Allow", "GET, HEAD")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            return  # scrapes every few seconds would flood the controller's log

    return Handler


class StatusServer:
    """`StatusServer(store, "127.0.0.1", 0).start()`; `.port` is the bound port."""

    def __init__(self, store: StatusStore, host: str = "127.0.0.1", port: int = 9108) -> None:
        self._httpd = ThreadingHTTPServer((host, port), _handler(store))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="flexvpn-gitops-http", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> StatusServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
