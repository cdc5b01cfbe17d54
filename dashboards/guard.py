"""What keeps the dashboard safe to leave running: origins, a token, a session cap, no host details.

`Guard` is an ASGI middleware in front of Solara's Starlette app:

- **Origins.** A WebSocket (or a non-GET request) whose ``Origin`` is not the page it was
  served from is refused, so no other site the user opens can drive the dashboard. On a
  loopback address the ``Host`` must also be a loopback name (``127.0.0.1``, ``localhost``,
  ``[::1]``) with the served port, which defeats DNS rebinding.
- **Token.** When the server listens beyond loopback, every request needs the token: in
  the URL once (``?token=...``, printed at start), then in an HTTP-only cookie.
- **Sessions.** A new page beyond `max_sessions` live sessions gets a "too many sessions"
  page (HTTP 503) instead of a kernel; idle sessions are culled by Solara after
  ``--idle-timeout`` (`dashboards.server`), which frees their places.
- **No host details.** ``/resourcez`` (CPU, memory and kernel internals) is not served.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]
COOKIE = "coprod_token"
BLOCKED = ("/resourcez",)
#: Paths of the page itself (not its assets, the kernel socket or Solara's API).
ASSETS = ("/_solara", "/static", "/jupyter", "/readyz", "/favicon")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Policy:
    """What `Guard` lets through.

    Attributes:
        host: The address served.
        port: The served port (part of every allowed ``Host``).
        loopback: The server listens on loopback only (the ``Host`` must be a loopback name).
        token: Required on every request when set.
        max_sessions: Live sessions (kernels) allowed at once.
    """

    host: str
    port: int
    loopback: bool
    token: str | None
    max_sessions: int


def _page(status: int, title: str, text: str) -> tuple[int, bytes]:
    body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body style='font-family: sans-serif; max-width: 40em; margin: 4em auto'>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>")
    return status, body.encode()


class Guard:
    """ASGI middleware applying a `Policy` in front of `app` (see the module docstring)."""

    def __init__(self, app: ASGIApp, policy: Policy, sessions: Callable[[], set[str]]):
        """Guard `app`; `sessions` returns the ids of the live sessions (kernels) now."""
        self.app, self.policy, self.sessions = app, policy, sessions

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, bytes] | None:
        path, host, origin = scope.get("path", ""), headers.get("host", ""), headers.get("origin")
        if path.startswith(BLOCKED):
            return _page(404, "Not found", "This page is not served.")
        names = {self.policy.host, *LOOPBACK_NAMES}
        if self.policy.loopback and host not in {f"{name}:{self.policy.port}" for name in names}:
            return _page(403, "Forbidden", f"This dashboard answers only as 127.0.0.1:{self.policy.port}.")
        unsafe = scope["type"] == "websocket" or scope.get("method", "GET") not in ("GET", "HEAD")
        if unsafe and origin is not None and urlsplit(origin).netloc != host:
            return _page(403, "Forbidden", "Requests from other sites are refused.")
        if self.policy.token and not self._has_token(scope, headers):
            return _page(403, "This dashboard needs its token",
                         "Open the address with ?token=... that `coprod dashboard` printed when it started.")
        parts = path.split("/")  # /jupyter/api/kernels/<kernel id>/channels
        new_kernel = scope["type"] == "websocket" and parts[1:4] == ["jupyter", "api", "kernels"] and \
            len(parts) > 4 and parts[4] not in self.sessions()
        new_page = scope["type"] == "http" and scope.get("method") == "GET" and not path.startswith(ASSETS)
        if (new_kernel or new_page) and len(self.sessions()) >= self.policy.max_sessions:
            return _page(503, "Too many sessions",
                         f"{self.policy.max_sessions} sessions are open on this dashboard, the most it "
                         "allows. Close another tab, or try again in a few minutes (idle sessions close by "
                         "themselves).")
        return None

    def _has_token(self, scope: Scope, headers: dict[str, str]) -> bool:
        token = self.policy.token or ""
        given = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
        cookie = SimpleCookie(headers.get("cookie", "")).get(COOKIE)
        return any(hmac.compare_digest(value, token) for value in (given, cookie.value if cookie else "") if value)

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        """Refuse, or pass on to the app (setting the token cookie when the URL carried it)."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self._refusal(scope, headers)
        if refusal is None:
            await self.app(scope, receive, self._with_cookie(scope, send))
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008 if refusal[0] == 403 else 1013})
        else:
            status, body = refusal
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

    def _with_cookie(self, scope: Scope, send: Callable) -> Callable:
        if not self.policy.token or scope["type"] != "http" or b"token=" not in scope.get("query_string", b""):
            return send

        async def send_with_cookie(message: dict) -> None:
            if message["type"] == "http.response.start":
                cookie = f"{COOKIE}={self.policy.token}; Path=/; HttpOnly; SameSite=Strict"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        return send_with_cookie
