"""The dashboard server is safe to leave running: origins, session cap, culling, token, no host details.

Protocol-level clients (`tests.dashboard_client`: the page, the kernel socket, the app
rendered on the server) against the real ``python -m dashboards``; the timing-sensitive
load test (30 sessions, memory) is ``experiments/bench/bench_dashboard_load.py``.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import urllib.request

import pytest

from tests.dashboard_client import close_session, get, open_session
from tests.helpers import ROOT, stop, wait_until

pytest.importorskip("solara")
websockets = pytest.importorskip("websockets")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path, *options):
    """Start ``python -m dashboards`` with `options`; (process, base URL, log path)."""
    port = _free_port()
    log = tmp_path / f"server-{port}.log"
    proc = subprocess.Popen([sys.executable, "-m", "dashboards", "--port", str(port), *options], cwd=ROOT,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return get(f"{base}/readyz")[0] in (200, 403) or proc.poll() is not None  # 403: needs the token
        except OSError:
            return False

    if not wait_until(up, 120, poll=0.3) or proc.poll() is not None:
        proc.kill()
        pytest.fail(f"dashboard server did not start:\n{log.read_text()}")
    return proc, base, log


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A loopback server allowing 2 sessions, culling a session 2 s after its page went away."""
    proc, base, _ = _serve(tmp_path_factory.mktemp("dash"), "--max-sessions", "2", "--idle-timeout", "2")
    yield base
    stop(proc, timeout=30)


def _status(url: str, **headers) -> int:
    request = urllib.request.Request(url, headers=headers, method=headers.pop("method", "GET"))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_no_host_details_and_only_the_served_host(server):
    status, body, _ = get(f"{server}/resourcez?verbose")
    assert status == 404 and "cpu" not in body and "memory" not in body
    port = server.rsplit(":", 1)[1]
    assert _status(f"{server}/", Host=f"evil.example:{port}") == 403  # DNS rebinding
    assert _status(f"{server}/", Host=f"localhost:{port}") == 200


def test_other_origins_cannot_open_sessions(server):
    with pytest.raises(websockets.InvalidStatus, match="403"):
        asyncio.run(open_session(server, origin="http://evil.example"))
    port = server.rsplit(":", 1)[1]
    assert _status(f"{server}/_solara/api/close/x?session_id=y", method="POST",
                   Origin=f"http://evil.example:{port}") == 403


def test_sessions_are_capped_and_culled_when_left_without_closing(server):
    async def scenario() -> None:
        sessions = [await open_session(server) for _ in range(2)]
        assert all(s.messages > 100 for s in sessions)  # the app's widgets were sent
        status, body, _ = get(f"{server}/")
        assert status == 503 and "Too many sessions" in body and "2 sessions are open" in body
        with pytest.raises(RuntimeError, match="HTTP 503"):
            await open_session(server)
        with pytest.raises(websockets.InvalidStatus):  # nor a socket for a new kernel
            await open_session(server, cookie=sessions[0].cookie)
        await close_session(server, sessions[0], beacon=True)  # a tab closed normally
        assert await asyncio.to_thread(wait_until, lambda: get(f"{server}/")[0] == 200, 10)
        sessions[0] = await open_session(server)
        for session in sessions:  # two laptops shut: no beacon, no close frame
            await close_session(server, session, beacon=False)
        assert get(f"{server}/")[0] == 503  # still held ...
        assert await asyncio.to_thread(wait_until, lambda: get(f"{server}/")[0] == 200, 20)  # ... then culled
        again = [await open_session(server) for _ in range(2)]  # every place is free again
        for session in again:
            await close_session(server, session, beacon=True)

    asyncio.run(scenario())


def test_beyond_loopback_a_token_is_printed_once_and_required(tmp_path):
    proc, base, log = _serve(tmp_path, "--host", "0.0.0.0")
    try:
        text = log.read_text()
        assert "WARNING: --host 0.0.0.0 makes the dashboard reachable from other machines" in text
        tokens = re.findall(r"/\?token=([\w-]+)", text)
        assert len(tokens) == 1 and len(tokens[0]) >= 20
        status, body, _ = get(f"{base}/")
        assert status == 403 and "needs its token" in body
        status, _, cookie = get(f"{base}/?token={tokens[0]}")
        assert status == 200 and "coprod_token=" in cookie
        assert get(f"{base}/?token=wrong-token")[0] == 403

        async def with_token() -> None:
            session = await open_session(base, query=f"?token={tokens[0]}")  # then the cookie
            await close_session(base, session, beacon=True)

        asyncio.run(with_token())
    finally:
        stop(proc, timeout=30)


def test_token_rules():
    from dashboards.server import access  # noqa: PLC0415

    assert access("127.0.0.1", None) == (None, None)
    assert access("127.0.0.1", "my-secret-1")[0] == "my-secret-1"
    token, warning = access("192.168.1.20", None)
    assert token and len(token) >= 20 and "reachable from other machines" in warning
    assert access("::1", None) == (None, None) and access("localhost", None) == (None, None)
