"""End-to-end: the real dashboard server, opened in Debian's headless Chromium by Playwright.

Run alone with ``pytest -m dashboard``. Starts ``python -m dashboards`` on a free port,
drives the page like a teacher would, saves screenshots under the test's temporary
directory, and fails if any request the browser makes leaves 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sim.model.reporters import REPORTERS
from tests.helpers import ROOT, wait_until

pytestmark = pytest.mark.dashboard

CHROMIUM = "/usr/bin/chromium"
# The machine's closed network refuses Chromium's own background connections; these flags
# keep it quiet (and a fresh profile directory is used per run).
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 60_000


def _chromium_or_skip() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} missing: `make setup` installs Debian's chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``python -m dashboards`` on a free port; yields (base URL, server log path)."""
    _chromium_or_skip()
    pytest.importorskip("playwright.sync_api")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
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

    if not wait_until(up, 90, poll=0.3) or proc.poll() is not None:
        proc.kill()
        log.close()
        pytest.fail(f"dashboard server did not start:\n{log_path.read_text()}")
    yield url, log_path
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's Chromium driven by Playwright (``executable_path``; nothing downloaded)."""
    _chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        profile = tmp_path_factory.mktemp("chromium-profile")
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1500, "height": 1000}, accept_downloads=True,
        )
        yield context
        context.close()


class Requests:
    """Every URL the page requests (and every WebSocket it opens)."""

    def __init__(self):
        self.urls: list[str] = []

    def add(self, url: str) -> None:
        self.urls.append(url)

    def outside(self) -> list[str]:
        """URLs whose host is not this machine (data: and blob: URLs are fine)."""
        bad = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if parts.hostname not in LOCAL_HOSTS:
                bad.append(url)
        return bad


@pytest.fixture
def page(browser, server):
    """A new page (a new dashboard session) recording its requests; never lets one out."""
    url, _ = server
    requests = Requests()
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("request", lambda r: requests.add(r.url))
    page.on("websocket", lambda ws: requests.add(ws.url))

    def local_only(route):
        host = urlsplit(route.request.url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", local_only)
    page.goto(url)
    page.wait_for_selector("img.coprod-charts")
    page.wait_for_selector("img.coprod-network")
    yield page, requests
    page.close()
    assert requests.urls, "no request was recorded"
    assert requests.outside() == [], f"requests left 127.0.0.1: {requests.outside()}"


# --------------------------------------------------------------------------------------------
# helpers


def step_count(page) -> int:
    return int(page.inner_text(".coprod-step").split()[-1])


def wait_step(page, n: int) -> None:
    page.wait_for_function(
        "n => { const e = document.querySelector('.coprod-step'); return e && e.innerText.trim() === 'Step ' + n; }",
        arg=n,
    )


def click_step(page, times: int = 1) -> None:
    for _ in range(times):
        n = step_count(page)
        page.click(".coprod-step-button")
        wait_step(page, n + 1)


def outcome(page, reporter: str) -> float:
    """A reporter's value in the "Now" table, once the table shows the current step."""
    page.wait_for_function(
        "n => { const e = document.querySelector('.coprod-outcomes td[data-reporter=\"step\"]');"
        " return e && e.innerText.trim() === String(n); }",
        arg=step_count(page),
    )
    return float(page.inner_text(f'.coprod-outcomes td[data-reporter="{reporter}"]'))


def wait_changed(element, before: bytes, timeout: float = 20.0) -> bytes:
    """Wait until the element's painted pixels differ from `before`; returns them."""
    shots = [before]
    wait_until(lambda: shots.append(pixels(element)) or shots[-1] != before, timeout, poll=0.1)
    return shots[-1]


def pixels(element) -> bytes:
    """The element as the browser painted it (PNG)."""
    return element.screenshot()


def distinct_colours(png: bytes) -> int:
    from PIL import Image  # noqa: PLC0415

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])


def choose(page, field: str, option: str) -> None:
    """Pick `option` in the select of the generated control `field` (a CSS scope)."""
    page.click(f"{field} .v-select__slot")
    menu = page.locator(".menuable__content__active .v-list-item", has_text=option)
    menu.first.click()
    page.wait_for_function(
        "([sel, opt]) => { const e = document.querySelector(sel + ' .v-select__selection');"
        " return e && e.innerText.trim() === opt; }",
        arg=[field, option],
    )


def type_value(page, field: str, text: str) -> None:
    box = page.locator(f"{field} input")
    box.fill(text)
    box.press("Enter")


def shot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --------------------------------------------------------------------------------------------
# tests


def test_dashboard_end_to_end(page, server, tmp_path):
    page, requests = page
    _, log_path = server
    shots = []

    # The page renders the charts and the network (real, non-blank images).
    charts = page.locator("img.coprod-charts")
    network = page.locator("img.coprod-network")
    for image in (charts, network):
        assert image.evaluate("e => e.complete && e.naturalWidth > 300 && e.naturalHeight > 200")
        assert distinct_colours(pixels(image)) > 20
    assert step_count(page) == 0
    assert "Consultation" in page.inner_text(".coprod-description")
    shots.append(shot(page, tmp_path, "01_loaded"))

    # Step advances time and changes the charts (and the network).
    charts_before, network_before = pixels(charts), pixels(network)
    click_step(page)
    assert step_count(page) == 1
    assert 0 <= outcome(page, "participation") <= 1
    assert wait_changed(charts, charts_before) != charts_before
    assert wait_changed(network, network_before) != network_before
    click_step(page, 9)
    assert step_count(page) == 10
    baseline = outcome(page, "participation")
    shots.append(shot(page, tmp_path, "02_after_10_steps"))

    # An invalid value shows an inline message (no crash), then a valid one clears it.
    monitoring = ".coprod-field-monitoring"
    type_value(page, monitoring, "2")
    page.wait_for_selector(f"{monitoring} .error--text")
    message = page.inner_text(f"{monitoring} .v-messages")
    assert "value 2 is not valid" in message and "[0, 1]" in message, message
    page.wait_for_selector(".coprod-invalid")
    page.locator(monitoring).scroll_into_view_if_needed()
    shots.append(shot(page, tmp_path, "03_invalid_value"))
    type_value(page, monitoring, "0.5")
    page.wait_for_selector(".coprod-invalid", state="detached")
    page.wait_for_function(
        "sel => document.querySelectorAll(sel + ' .error--text').length === 0", arg=monitoring
    )
    assert page.input_value(f"{monitoring} input") == "0.5"

    # Changing a lever and resetting changes the outcome (same seed, peer sanctions).
    choose(page, ".coprod-field-sanctions", "peer")
    page.wait_for_selector(".coprod-pending")
    page.click(".coprod-reset")
    wait_step(page, 0)
    page.wait_for_selector(".coprod-pending", state="detached")
    click_step(page, 10)
    with_sanctions = outcome(page, "participation")
    # (within ten months peer sanctions move participation by under a percentage point)
    assert with_sanctions != baseline, (baseline, with_sanctions)
    shots.append(shot(page, tmp_path, "04_sanctions_reset_10_steps"))

    # The CSV download has the reporter columns, one row per step so far.
    with page.expect_download() as download:
        page.get_by_text("Download CSV").click()
    text = Path(download.value.path()).read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["step", *REPORTERS]
    assert len(rows) == 1 + 10
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 11)]

    # A/B: two governance settings, same seed, curves on shared axes.
    page.click(".coprod-tab-ab")
    page.wait_for_selector(".coprod-ab-A .coprod-field-sanctions")
    choose(page, ".coprod-ab-A .coprod-field-sanctions", "none")
    choose(page, ".coprod-ab-B .coprod-field-sanctions", "peer")
    page.click(".coprod-ab-run")
    page.wait_for_selector(".coprod-ab-svg svg")
    for reporter in ("participation", "quality", "free_rider_share", "trust"):
        a = page.locator(f'.coprod-ab-svg [id="ab-A-{reporter}"] path')
        b = page.locator(f'.coprod-ab-svg [id="ab-B-{reporter}"] path')
        assert a.count() == 1 and b.count() == 1, reporter
        assert a.get_attribute("d") != b.get_attribute("d"), reporter
    assert "sanctions: A=none, B=peer" in page.inner_text("body")
    page.locator(".coprod-ab-svg").scroll_into_view_if_needed()
    shots.append(shot(page, tmp_path, "05_ab_comparison"))

    # Teaching mode: presets with a paragraph each; loading one resets the live run.
    page.click(".coprod-tab-teaching")
    page.wait_for_selector(".coprod-lesson")
    page.click(".coprod-lesson-next")
    page.wait_for_function("() => document.querySelector('.coprod-lesson').innerText.includes('Sanctions that backfire')")
    assert "conditional cooperators give up" in page.inner_text(".coprod-lesson")
    page.click(".coprod-lesson-apply")
    wait_step(page, 0)
    shots.append(shot(page, tmp_path, "06_teaching_mode"))

    print("\nscreenshots:", *shots, sep="\n  ")
    log = log_path.read_text()
    assert "Traceback" not in log, log
    assert "Could not load URL" not in log, log
    assert requests.outside() == []


def test_play_advances_the_run_and_pause_stops_it(page, tmp_path):
    """Playing moves the step and the charts; Pause stops it (speed: experiments/bench/)."""
    page, _ = page
    assert page.inner_text(".coprod-population").startswith("1,000 citizens")
    charts = page.locator("img.coprod-charts")
    before = pixels(charts)
    start = step_count(page)
    page.click(".coprod-play")
    page.wait_for_function(
        "n => Number(document.querySelector('.coprod-step').innerText.trim().split(' ').pop()) > n + 3",
        arg=start, timeout=TIMEOUT_MS)
    assert wait_changed(charts, before) != before
    shot(page, tmp_path, "07_playing")
    page.click(".coprod-play")  # pause
    seen = [step_count(page)]

    def settled() -> bool:  # the same step shown for two seconds
        seen.append(step_count(page))
        return len(seen) > 4 and len(set(seen[-5:])) == 1

    assert wait_until(settled, 60, poll=0.5), f"still moving after Pause: {seen[-5:]}"
    page.wait_for_timeout(1500)
    assert step_count(page) == seen[-1], "the run stays stopped once paused"
