"""A protocol-level dashboard client: what a browser tab does, without the browser.

`open_session` loads the page (which sets Solara's session cookie), opens the kernel
WebSocket as Solara's front-end does (a fresh kernel id and page id), opens the
``solara.control`` comm and asks it to run the app, and waits for Solara's ``finished``
message: the app's page was rendered on the server (its widgets were created and sent).
`close_session` then leaves like a tab: with the close beacon, or by dropping the socket.
Used by the dashboard server tests and by ``experiments/bench/bench_dashboard_load.py``.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

import websockets


@dataclass
class Session:
    """One open dashboard session.

    Attributes:
        kernel: The kernel id (chosen by the client, as Solara's front-end does).
        page: The page id (``session_id`` of the socket).
        cookie: The cookies the page set.
        ws: The open WebSocket.
        messages: Messages received until the app was rendered.
    """

    kernel: str
    page: str
    cookie: str
    ws: Any
    messages: int = 0


def get(url: str, cookie: str = "", method: str = "GET") -> tuple[int, str, str]:
    """(status, body, cookies set) of one HTTP request."""
    request = urllib.request.Request(url, method=method, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            cookies = "; ".join(v.split(";")[0] for k, v in response.headers.items() if k.lower() == "set-cookie")
            return response.status, response.read().decode(), cookies
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), ""


def _message(msg_type: str, content: dict, session: str) -> str:
    header = {"msg_id": uuid.uuid4().hex, "username": "probe", "session": session, "msg_type": msg_type,
              "version": "5.3", "date": ""}
    return json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                       "buffers": [], "channel": "shell"})


async def open_session(base: str, origin: str | None = None, query: str = "", timeout: float = 55,
                       cookie: str | None = None) -> Session:
    """Load the page at `base` (``http://127.0.0.1:PORT``) and render the app in a new kernel.

    Args:
        base: The dashboard's address.
        origin: The ``Origin`` header of the socket (default: `base`, as a browser sends it).
        query: Added to the page's address (``?token=...``).
        timeout: Seconds to wait for the app to be rendered.
        cookie: Skip loading the page and send these cookies (a second tab's socket).

    Raises:
        RuntimeError: The page is not served (status other than 200).
        websockets.InvalidStatus: The socket was refused.
        TimeoutError: Not rendered within `timeout`.
    """
    if cookie is None:
        status, body, cookie = await asyncio.to_thread(get, f"{base}/{query}")
        if status != 200:
            raise RuntimeError(f"page: HTTP {status}: {body[:200]}")
    kernel, page = str(uuid.uuid4()), str(uuid.uuid4())
    ws = await websockets.connect(
        f"ws{base.removeprefix('http')}/jupyter/api/kernels/{kernel}/channels?session_id={page}",
        additional_headers={"Cookie": cookie, "Origin": origin or base}, max_size=None, open_timeout=timeout)
    session = Session(kernel, page, cookie, ws)
    comm = uuid.uuid4().hex
    await ws.send(_message("comm_open", {"comm_id": comm, "target_name": "solara.control", "data": {}}, page))
    await ws.send(_message("comm_msg", {"comm_id": comm, "data": {"method": "run", "args": {"path": ""}}}, page))

    async def rendered() -> None:
        while True:
            message = await ws.recv()
            session.messages += 1
            if isinstance(message, str):
                data = json.loads(message)
                if data["header"]["msg_type"] == "comm_msg" and \
                        data["content"].get("data", {}).get("method") == "finished":
                    return

    try:
        await asyncio.wait_for(rendered(), timeout)
    except BaseException:
        await ws.close()
        raise
    return session


async def close_session(base: str, session: Session, beacon: bool) -> None:
    """Leave like a closed tab: send the close beacon and close the socket, or just drop it."""
    if beacon:
        await asyncio.to_thread(get, f"{base}/_solara/api/close/{session.kernel}?session_id={session.page}",
                                session.cookie, "POST")
        await session.ws.close()
    else:  # a crashed or sleeping laptop: no beacon, no close frame
        session.ws.transport.abort()
