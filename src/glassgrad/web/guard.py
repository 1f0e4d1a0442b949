"""What every HTTP request to the playground passes before a handler sees it, as one ASGI middleware.

- the Host header: a page elsewhere cannot reach the API through DNS rebinding, whatever address the server is
  bound to (a rebinding attack needs a DNS name: IP literals and the machine's own names are safe to accept);
- the body limit, counted on the bytes received, so a chunked body (no Content-Length) is cut off with a 413 as
  soon as it passes the limit instead of being read into memory (Starlette's own limiter answers in plain text;
  the API's errors are JSON);
- OPTIONS, answered with the methods the path allows;
- the usual response headers: a Content-Security-Policy that allows the page's own files only, nosniff, no framing,
  no Referer (a session's URL never leaves the page).
"""

from __future__ import annotations

import ipaddress
import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' "
               "https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; "
               "base-uri 'none'; frame-ancestors 'none'")  # FastAPI's /docs and /redoc load their UI from a CDN
DOCS_PATHS = ("/docs", "/redoc")
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"no-referrer")]


class BodyTooLarge(HTTPException):
    """More body bytes arrived than the limit allows (raised from `receive`, so no handler reads on)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {limit} bytes")


def host_allowed(host: str | None, allowed: list[str] | None) -> bool:
    """Whether a Host header (name or address, with or without a port) may reach the app."""
    if allowed is None:
        return True
    if not host:
        return False
    name = host[1:host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.lower()
    if name in allowed or name.endswith(".localhost"):  # *.localhost always resolves to this machine
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Guard:
    """The ASGI middleware: `allowed_hosts` None accepts any Host; `max_body` bounds every request body."""

    def __init__(self, app: ASGIApp, router: Router, max_body: int, allowed_hosts: list[str] | None) -> None:
        self.app, self.router, self.max_body = app, router, max_body
        self.allowed_hosts = None if allowed_hosts is None else [h.lower() for h in allowed_hosts]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = (DOCS_POLICY if scope["path"].startswith(DOCS_PATHS) else PAGE_POLICY).encode()
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *HEADERS,
                                                  (b"content-security-policy", policy)]}
            await send(message)

        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if not host_allowed(headers.get("host"), self.allowed_hosts):
            await _answer(send_with_headers, 400, f"Host {headers.get('host')!r} is not this server's: the playground "
                                                  "answers to localhost, its own names and IP addresses")
        elif length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _answer(send_with_headers, 413, BodyTooLarge(self.max_body).detail)
        elif scope["method"] == "OPTIONS":
            await self._options(scope, send_with_headers)
        else:
            received = 0

            async def receive_counted() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body:
                        raise BodyTooLarge(self.max_body)
                return message

            try:
                await self.app(scope, receive_counted, send_with_headers)
            except BodyTooLarge as e:  # a reader the app's handlers did not answer for
                if started:
                    raise
                await _answer(send_with_headers, 413, e.detail)

    async def _options(self, scope: Scope, send: Send) -> None:
        methods: set[str] = set()
        for route in self.router.routes:
            match, _ = route.matches({**scope, "method": "GET"})
            if match is not Match.NONE:
                methods |= getattr(route, "methods", None) or {"GET", "HEAD"}  # a mount (the static files)
        if not methods:
            await _answer(send, 404, f"no such path: {scope['path']}")
            return
        allow = ", ".join(sorted(methods | {"OPTIONS"})).encode()
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", allow)]})
        await send({"type": "http.response.body", "body": b""})


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
