"""A small web server on 127.0.0.1 for the network tests: routes with a status, headers,
body and delay, or raw bytes sent as they are (any status line, any header bytes), either
of them trickled a byte at a time; every request recorded. Nothing in the tests reaches
the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None  # the whole answer, status line included, sent as it is
    trickle: float = 0.0  # seconds between bytes of the answer (a slow-loris server)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# A route gives an Answer, or a function of the request that gives one.
Route = Answer | Callable[[Request], Answer]


@dataclass
class LocalWeb:
    routes: dict[str, Route]
    fallback: Route = field(default_factory=lambda: Answer(404, b"not found"))
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    busy: int = 0
    most_busy: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: Any = None  # the ThreadingHTTPServer (a test may wrap its socket in TLS)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]


@contextmanager
def serve(routes: dict[str, Route], fallback: Route | None = None) -> Iterator[LocalWeb]:
    web = LocalWeb(routes) if fallback is None else LocalWeb(routes, fallback)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                              self.rfile.read(length) if length else b"")
            with web.lock:
                web.requests.append(request)
                web.busy += 1
                web.most_busy = max(web.most_busy, web.busy)
            try:
                route = web.routes.get(self.path, web.fallback)
                answer = route(request) if callable(route) else route
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.raw is not None or answer.trickle:
                    self._send_bytes(answer)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.body)
            finally:
                with web.lock:
                    web.busy -= 1

        def _send_bytes(self, answer: Answer) -> None:
            data = answer.raw
            if data is None:
                head = [f"HTTP/1.1 {answer.status} Answer", *(f"{k}: {v}" for k, v in answer.headers.items()),
                        f"Content-Length: {len(answer.body)}", "", ""]
                data = "\r\n".join(head).encode("utf-8") + (b"" if self.command == "HEAD" else answer.body)
            self.close_connection = True
            try:
                if not answer.trickle:
                    self.wfile.write(data)
                    return
                for index in range(len(data)):
                    self.wfile.write(data[index:index + 1])
                    self.wfile.flush()
                    time.sleep(answer.trickle)
            except OSError:  # the client gave up: as it should
                pass

        do_GET = do_HEAD = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    web.port = server.server_address[1]
    web.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        server.shutdown()
        server.server_close()
