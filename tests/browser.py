"""The real dashboard in Debian's headless Chromium: the server, the browser, what a user does.

Shared by the end-to-end tests (`tests/e2e`) and the benchmark `experiments/bench/bench_pause.py`.
`Dashboard` starts ``python -m dashboards`` on a free port; `chromium` opens Debian's
``/usr/bin/chromium`` through Playwright (``executable_path``: nothing is downloaded);
`Requests` records every request and WebSocket a page opens, routes anything not on this
machine to an abort, and lists what tried to leave. The helpers below act as a user does
(click, choose, type) and wait on what the page shows, never on the clock.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.helpers import ROOT, wait_until

CHROMIUM = "/usr/bin/chromium"
# The machine's closed network refuses Chromium's own background connections; these flags
# keep it quiet (and a fresh profile directory is used per run).
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: Playwright's wait for one user-visible change (generous: the machine may be loaded).
TIMEOUT_MS = 90_000


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dashboard_server(log_path: Path, port: int | None = None) -> Iterator[str]:
    """``python -m dashboards`` on a free port until the block ends; yields its URL.

    Raises:
        RuntimeError: The server did not answer within 120 s (its log is in the message).
    """
    port = port or free_port()
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboards", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return proc.poll() is not None  # died: stop waiting

    try:
        if not wait_until(up, 120, poll=0.3) or proc.poll() is not None:
            raise RuntimeError(f"dashboard server did not start:\n{log_path.read_text()}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def chromium(profile: Path, width: int = 1500, height: int = 1000) -> Iterator[Any]:
    """A Playwright browser context on Debian's Chromium (``executable_path``; nothing downloaded)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": width, "height": height}, accept_downloads=True,
        )
        try:
            yield context
        finally:
            context.close()


class Requests:
    """Every URL a page requests (and every WebSocket it opens); only local ones go out.

    Also what failed: local requests answered with an error status, and script errors.
    """

    def __init__(self, page: Any):
        """Record `page`'s requests and abort any to another host."""
        self.urls: list[str] = []
        self.failed: list[str] = []  # local requests answered with an error (e.g. a missing asset)
        self.script_errors: list[str] = []  # uncaught errors in the page's scripts
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("pageerror", lambda err: self.script_errors.append(str(err)))
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        page.route("**/*", self._local_only)

    @staticmethod
    def _local_only(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    def outside(self) -> list[str]:
        """URLs whose host is not this machine (data: and blob: URLs are fine)."""
        return [url for url in self.urls if urlsplit(url).scheme not in ("data", "blob")
                and urlsplit(url).hostname not in LOCAL_HOSTS]


def open_page(context: Any, url: str) -> tuple[Any, Requests]:
    """A new dashboard session recording its requests, once its first frames are shown."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    requests = Requests(page)
    page.goto(url)
    for image in ("img.coprod-charts", "img.coprod-network", "img.coprod-mechanisms"):
        page.wait_for_selector(image)
    wait_idle(page)
    return page, requests


# --------------------------------------------------------------------------------------------
# what a user sees and does


def month(page: Any) -> int:
    """The month the sidebar shows."""
    return int(page.inner_text(".coprod-step").split()[-1])


def wait_month(page: Any, n: int) -> None:
    """Wait until the sidebar shows month `n`."""
    page.wait_for_function(
        "n => { const e = document.querySelector('.coprod-step'); return e && e.innerText.trim() === 'Month ' + n; }",
        arg=n)


def wait_month_above(page: Any, n: int) -> None:
    """Wait until the sidebar shows a month after `n`."""
    page.wait_for_function(
        "n => { const e = document.querySelector('.coprod-step'); return e && Number(e.innerText.trim().split(' ').pop()) > n; }",
        arg=n)


def wait_idle(page: Any) -> None:
    """Wait until nothing is being built (no busy indicator)."""
    page.wait_for_function("() => document.querySelectorAll('.coprod-busy').length === 0")


def play_label(page: Any) -> str:
    """What the Play/Pause button says now (``play`` or ``pause``)."""
    return page.inner_text(".coprod-play").strip().lower()


def wait_label(page: Any, label: str) -> None:
    """Wait until the Play/Pause button says `label`."""
    page.wait_for_function(
        "l => { const e = document.querySelector('.coprod-play'); return e && e.innerText.trim().toLowerCase() === l; }",
        arg=label)


def click_step(page: Any, times: int = 1) -> None:
    """Press Step `times` times, each time until the month moved on."""
    for _ in range(times):
        n = month(page)
        page.click(".coprod-step-button")
        wait_month(page, n + 1)


def outcome(page: Any, reporter: str) -> float:
    """A reporter's value in the "Now" table, once the table shows the current month."""
    page.wait_for_function(
        "n => { const e = document.querySelector('.coprod-outcomes td[data-reporter=\"step\"]');"
        " return e && e.innerText.trim() === String(n); }",
        arg=month(page))
    return float(page.get_attribute(f'.coprod-outcomes td[data-reporter="{reporter}"]', "data-value"))


def pixels(element: Any) -> bytes:
    """The element as the browser painted it (PNG)."""
    return element.screenshot()


def wait_changed(element: Any, before: bytes, seconds: float = 60.0) -> bytes:
    """Wait until the element's painted pixels differ from `before`; returns them."""
    shots = [before]
    wait_until(lambda: shots.append(pixels(element)) or shots[-1] != before, seconds, poll=0.2)
    return shots[-1]


def distinct_colours(png: bytes) -> int:
    """Number of distinct colours in a PNG (a blank image has one or two)."""
    import io  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])


def choose(page: Any, field: str, option: str) -> None:
    """Pick `option` in the select inside CSS scope `field` (a generated control)."""
    page.click(f"{field} .v-select__slot")
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()
    page.wait_for_function(
        "([sel, opt]) => { const e = document.querySelector(sel + ' .v-select__selection');"
        " return e && e.innerText.trim() === opt; }",
        arg=[field, option])


def type_value(page: Any, field: str, text: str) -> None:
    """Type `text` into the text field inside CSS scope `field` and press Enter."""
    box = page.locator(f"{field} input")
    box.fill(text)
    box.press("Enter")


def plan_months(page: Any, n: int) -> None:
    """Set the planned months to `n`, typing again if a render in flight overwrote the field."""

    def planned() -> bool:
        if f"of {n} planned" in page.inner_text(".coprod-run-controls"):
            return True
        type_value(page, ".coprod-months", str(n))
        return page.wait_for_function(
            "n => document.querySelector('.coprod-run-controls').innerText.includes('of ' + n + ' planned')",
            arg=n, timeout=10_000) is not None

    def attempt() -> bool:
        try:
            return planned()
        except Exception:  # Playwright's timeout: type again
            return False

    assert wait_until(attempt, 120, poll=1.0), f"the planned months did not become {n}"


def slide(page: Any, field: str, key: str) -> None:
    """Move the slider inside CSS scope `field` with a key (``End``, ``Home``, ``ArrowRight``)."""
    thumb = page.locator(f"{field} .v-slider__thumb-container")
    thumb.focus()
    thumb.press(key)


def open_section(page: Any, section: str, scope: str = "") -> None:
    """Open a levers section (e.g. ``governance``) if it is closed."""
    block = f"{scope} .coprod-section-{section}".strip()
    if page.locator(f"{block} .coprod-field").count() == 0:
        page.click(f"{block} .coprod-section-toggle")
        page.wait_for_selector(f"{block} .coprod-field")


def shot(page: Any, folder: Path, name: str) -> Path:
    """A full-page screenshot `name`.png in `folder`."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
