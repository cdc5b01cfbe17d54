"""End-to-end: the real dashboard server, opened in Debian's headless Chromium by Playwright.

Run alone with ``pytest -m dashboard``. One test per tab (Live, A/B, Teaching, Info, the
results explorer) asserts what a user sees there; every page records its requests and
fails if any left 127.0.0.1, if a local one failed (a missing asset) or if a script
raised. Screenshots go under the test's temporary directory (``pytest -s`` prints their
paths). Everything waits on what the page shows
(`tests.helpers.wait_until`, Playwright's waits), never on the clock, with generous
timeouts: the machine may be loaded.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

from sim.inputs.experiment import load_experiment_file
from sim.model.reporters import REPORTERS
from sim.policy.optimize import optimize
from tests import browser as b
from tests.helpers import ROOT, wait_until, write

pytestmark = pytest.mark.dashboard


def _chromium_or_skip() -> None:
    pytest.importorskip("playwright.sync_api")
    if Path(b.CHROMIUM).exists():
        return
    message = f"{b.CHROMIUM} missing: install Debian's chromium (`make test` does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``python -m dashboards`` on a free port; yields (base URL, server log path)."""
    _chromium_or_skip()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with b.dashboard_server(log) as url:
        yield url, log
    text = log.read_text()
    assert "Traceback" not in text, text
    assert "Could not load URL" not in text, text


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    _chromium_or_skip()
    with b.chromium(tmp_path_factory.mktemp("chromium-profile")) as ctx:
        yield ctx


@pytest.fixture
def page(context, server):
    """A new dashboard session; at the end, no request may have left 127.0.0.1."""
    page, requests = b.open_page(context, server[0])
    yield page
    page.close()
    assert requests.urls, "no request was recorded"
    assert requests.outside() == [], f"requests left 127.0.0.1: {requests.outside()}"
    assert requests.failed == [], f"requests failed (a missing asset, e.g. KaTeX): {requests.failed}"
    assert requests.script_errors == [], f"script errors on the page: {requests.script_errors}"


def test_live_tab_shows_the_run_its_mechanisms_and_plain_levers(page, tmp_path):
    charts, network, mechanisms = (page.locator(f"img.{c}") for c in
                                   ("coprod-charts", "coprod-network", "coprod-mechanisms"))
    for image in (charts, network, mechanisms):
        assert image.evaluate("e => e.complete && e.naturalWidth > 300 && e.naturalHeight > 200")
        assert b.distinct_colours(b.pixels(image)) > 20
    assert b.month(page) == 0
    assert "Consultation" in page.inner_text(".coprod-description")
    shots = [b.shot(page, tmp_path, "01_live_loaded")]

    # Levers in plain words: name, value with unit, what it is, its source; idle ones set aside.
    field = page.locator(".coprod-field-monitoring_hours")
    assert field.count() == 0  # sanctions none: the sanction levers are not in use
    page.click(".coprod-unused-toggle-governance")
    idle = page.inner_text(".coprod-unused-governance")
    assert "Monitoring hours" in idle and "used only when sanctions is peer" in idle, idle
    b.open_section(page, "administration")
    responsiveness = page.inner_text(".coprod-field-responsiveness")
    assert "Share of citizens' input the administration acts on" in responsiveness
    assert "Source: Sjoberg, Mellon & Peixoto 2017" in responsiveness and "0.5" in responsiveness

    # Step advances the month and changes every image.
    before = [b.pixels(i) for i in (charts, network, mechanisms)]
    b.click_step(page)
    assert 0 <= b.outcome(page, "participation") <= 1
    for image, old in zip((charts, network, mechanisms), before, strict=True):
        assert b.wait_changed(image, old) != old
    b.click_step(page, 9)
    baseline = b.outcome(page, "participation")
    shots.append(b.shot(page, tmp_path, "02_live_after_10_months"))

    # A bad value in a text field shows its message inline; a good one clears it.
    b.open_section(page, "population")
    citizens = ".coprod-field-citizens"
    b.type_value(page, citizens, "0")
    page.wait_for_selector(f"{citizens} .error--text")
    message = page.inner_text(f"{citizens} .v-messages")
    assert "value 0 is not valid" in message and "[1, 5000000]" in message, message
    page.wait_for_selector(".coprod-invalid")
    b.type_value(page, citizens, "1000")
    page.wait_for_selector(".coprod-invalid", state="detached")

    # Sanctions by the administration: their levers come into use; Reset with them raises
    # participation (everyone who uses the service must give a fifth of their spare time).
    b.choose(page, ".coprod-field-sanctions", "admin")
    page.wait_for_selector(".coprod-field-monitoring .v-slider")
    page.wait_for_selector(".coprod-pending")
    page.click(".coprod-reset")
    b.wait_idle(page)
    b.wait_month(page, 0)
    page.wait_for_selector(".coprod-pending", state="detached")
    b.click_step(page, 10)
    with_sanctions = b.outcome(page, "participation")
    assert with_sanctions > baseline + 0.05, (baseline, with_sanctions)

    # A lever applied during the run: an event, listed and marked on the timelines.
    outcomes_before = b.pixels(charts)
    b.choose(page, ".coprod-field-rewards", "recognition")
    page.click(".coprod-apply")
    page.wait_for_function("() => document.querySelector('.coprod-events') && "
                           "document.querySelector('.coprod-events').innerText.includes('month 10: rewards recognition')")
    assert b.wait_changed(charts, outcomes_before) != outcomes_before
    shots.append(b.shot(page, tmp_path, "03_live_event"))

    # The CSV has the reporter columns, one row per month so far.
    with page.expect_download() as download:
        page.get_by_text("Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0] == ["step", *REPORTERS]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 11)]
    print("\nscreenshots:", *shots, sep="\n  ")


def test_pause_stops_the_run_and_play_continues_past_the_horizon(page, tmp_path):
    """Functional: no speed threshold, no clock; the speed is in experiments/bench/bench_pause.py."""
    b.plan_months(page, 12)
    page.click(".coprod-play")
    b.wait_month(page, 12)  # the planned end: it pauses by itself
    b.wait_label(page, "play")
    assert page.locator(".coprod-step-button").is_enabled()
    b.click_step(page)  # Step works after the pause at the horizon
    page.click(".coprod-play")  # and Play continues past it
    b.wait_label(page, "pause")
    b.wait_month_above(page, 16)
    b.shot(page, tmp_path, "04_playing_past_the_horizon")
    page.click(".coprod-play")
    b.wait_label(page, "play")
    seen = [b.month(page)]

    def settled() -> bool:  # the same month shown five times in a row
        seen.append(b.month(page))
        return len(seen) > 5 and len(set(seen[-5:])) == 1

    assert wait_until(settled, 90, poll=0.4), f"still moving after Pause: {seen[-5:]}"
    assert b.play_label(page) == "play"
    assert b.month(page) == seen[-1] > 16


def test_ab_tab_compares_two_settings_on_one_seed(page, tmp_path):
    page.click(".coprod-tab-ab")
    page.wait_for_selector(".coprod-ab-A .coprod-field-sanctions")
    b.choose(page, ".coprod-ab-A .coprod-field-sanctions", "none")
    b.choose(page, ".coprod-ab-B .coprod-field-sanctions", "peer")
    b.type_value(page, ".coprod-ab-months", "60")
    page.click(".coprod-ab-run")
    page.wait_for_selector(".coprod-ab-svg svg")
    for reporter in ("participation", "quality", "free_rider_share", "trust"):
        a = page.locator(f'.coprod-ab-svg [id="ab-A-{reporter}"] path')
        bb = page.locator(f'.coprod-ab-svg [id="ab-B-{reporter}"] path')
        assert a.count() == 1 and bb.count() == 1, reporter
        assert a.get_attribute("d") != bb.get_attribute("d"), reporter
    text = page.inner_text("body")
    assert "sanctions: A=none, B=peer" in text
    assert "% of all citizens" in page.inner_html(".coprod-ab-svg")  # axes with units
    assert "mean of the final 24 months" in page.inner_text(".coprod-ab-table")
    b.shot(page, tmp_path, "05_ab")


def test_teaching_tab_keeps_the_lesson_beside_the_run_and_debriefs(page, tmp_path):
    page.click(".coprod-tab-teaching")
    page.wait_for_selector(".coprod-lesson")
    page.click(".coprod-lesson-next")
    page.wait_for_function("() => document.querySelector('.coprod-lesson').innerText.includes('backfire')")
    lesson = page.inner_text(".coprod-lesson")
    assert "Sanctions can fail" in lesson
    page.click(".coprod-lesson-apply")
    b.wait_idle(page)
    b.wait_month(page, 0)
    # the lesson stays on the tab, beside its live run
    page.wait_for_selector(".coprod-teaching-charts")
    assert "Sanctions can fail" in page.inner_text(".coprod-lesson")
    charts = page.locator("img.coprod-teaching-charts")
    assert not charts.get_attribute("alt").endswith("months 0 to 30")
    b.plan_months(page, 30)
    # the charts' x axis follows the planned months (the image's text names the span drawn)
    page.wait_for_selector('img.coprod-teaching-charts[alt$="months 0 to 30"]')
    assert page.locator(".coprod-pending").count() == 0  # the sliders shown did not move a value
    page.click(".coprod-play")
    b.wait_month(page, 30)
    page.wait_for_selector(".coprod-verdicts")  # the debrief, once the baseline ran
    debrief = page.inner_text(".coprod-debrief")
    assert "claims held" in debrief and "without the levers" in debrief, debrief
    assert page.locator(".coprod-verdicts tr").count() == 1 + 2  # header + the lesson's claims
    b.shot(page, tmp_path, "06_teaching_debrief")
    page.click(".coprod-tab-live")  # the lesson is beside the live tab's run too
    page.wait_for_selector(".coprod-lesson-panel .coprod-debrief")


def test_info_tab_is_the_docs(page, tmp_path):
    page.click(".coprod-tab-info")
    page.wait_for_selector(".coprod-info-sources")
    text = page.inner_text(".coprod-info")
    for title in ("What is it?", "How it works", "How to use it", "Things to notice",
                  "Things to try", "Sources"):
        assert title in text, title
    readme = (ROOT / "README.md").read_text()
    first = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", readme.split("\n\n")[1]).replace("**", "")
    assert " ".join(first.split()[:12]) in " ".join(text.split())
    notice = (ROOT / "docs" / "dashboard.md").read_text().split("## Things to notice")[1]
    assert "only a minority of citizens takes part" in " ".join(notice.split())
    assert "only a minority of citizens takes part" in " ".join(text.split())
    assert "Fehr & Gächter 2000" in page.inner_text(".coprod-info-sources")
    b.shot(page, tmp_path, "07_info")


def test_classroom_mode_shows_a_few_levers_in_large_type(page, tmp_path):
    page.get_by_text("Classroom mode").click()
    page.wait_for_selector(".coprod-classroom-levers")
    assert page.locator(".coprod-classroom-levers .coprod-field").count() <= 8
    assert page.locator(".coprod-field-citizens").count() == 0
    # the large type may reach the page one update after the levers (its class is on their column)
    page.wait_for_function("() => parseFloat(getComputedStyle(document.querySelector("
                           "'.coprod-classroom-levers .coprod-field-label')).fontSize) >= 20")
    b.shot(page, tmp_path, "08_classroom")


TINY_SEARCH = """\
description: |
  Which sanctions and responsiveness give participation at least cost?

  A tiny search for the dashboard's results explorer.
base: consultative
levers:
  governance.sanctions: [none, peer, admin]
  administration.responsiveness: [0.1, 1.0]
fixed: {population.citizens: 150}
replications: 2
steps: 24
seed: 3
optimize:
  objectives: {participation: maximize, admin_cost: minimize}
  trials: 8
  batch: 4
  population: 4
  reevaluate: 2
"""


@pytest.fixture(scope="module")
def optimized(tmp_path_factory):
    """A real (tiny) ``coprod optimize`` output folder under a results folder; its front."""
    root = tmp_path_factory.mktemp("results")
    spec = load_experiment_file(write(root / "tiny.yaml", TINY_SEARCH))
    done = optimize(spec, root / "tiny_search")
    assert len(done.front) >= 2, done.front
    return root, done.front


def test_results_explorer_loads_a_pareto_policy_into_the_live_run_and_ab(page, optimized, tmp_path):
    root, front = optimized
    page.click(".coprod-tab-results")
    page.wait_for_selector(".coprod-results-folder input")
    b.type_value(page, ".coprod-results-folder", str(root))
    page.wait_for_selector(".coprod-pareto svg")
    assert "tiny_search (optimize)" in page.inner_text(".coprod-results-choice")
    points = page.locator('.coprod-pareto g[id^="pick-"]:not([id$="-interval"])')
    assert points.count() == len(front)
    svg = page.inner_html(".coprod-pareto")
    assert "% of all citizens; higher is better" in svg and "cost per citizen per month; lower is better" in svg
    shots = [b.shot(page, tmp_path, "09_results_front")]

    # Click the policy with the most participation, then the one with the least.
    best, least = (front.loc[front["participation/fresh"].idxmax()], front.loc[front["participation/fresh"].idxmin()])
    for member in (best, least):
        page.locator(f'.coprod-pareto g[id="pick-{int(member.trial)}"]').click()
        page.wait_for_function("t => { const e = document.querySelector('.coprod-results-policy');"
                               " return e && e.innerText.includes('Picked: trial ' + t); }", arg=int(member.trial))
        levers = page.inner_text(".coprod-results-levers")
        assert f"sanctions {member['governance.sanctions']}" in levers, levers
        assert "Participation" in page.inner_text(".coprod-results-scores")
    shots.append(b.shot(page, tmp_path, "10_results_picked"))

    # The least participating policy as A, the most as B: the A/B tab runs them.
    page.click(".coprod-results-A")
    page.wait_for_selector(".coprod-ab-A")
    assert f"sanctions {least['governance.sanctions']}" in page.inner_text(".coprod-ab-A")
    page.click(".coprod-tab-results")
    page.locator(f'.coprod-pareto g[id="pick-{int(best.trial)}"]').click()
    page.wait_for_function("t => document.querySelector('.coprod-results-policy').innerText.includes('trial ' + t)",
                           arg=int(best.trial))
    page.click(".coprod-results-B")
    page.wait_for_selector(".coprod-ab-B")
    assert f"sanctions {best['governance.sanctions']}" in page.inner_text(".coprod-ab-B")
    assert page.input_value(".coprod-ab-months input") == "24"
    b.wait_idle(page)
    page.click(".coprod-ab-run")
    page.wait_for_selector(".coprod-ab-svg svg")
    differences = page.inner_text(".coprod-ab-differences")
    assert "citizens" not in differences  # the experiment's fixed 150 citizens: the sidebar's, both sides
    assert "responsiveness: A=" in differences, differences
    shots.append(b.shot(page, tmp_path, "11_results_in_ab"))

    # Load the best policy into the live run: its levers, the fixed citizens, its months.
    page.click(".coprod-tab-results")
    page.wait_for_selector(".coprod-results-live")
    page.click(".coprod-results-live")
    b.wait_idle(page)
    page.wait_for_selector(".coprod-charts")
    page.wait_for_function("() => document.querySelector('.coprod-population')"
                           " && document.querySelector('.coprod-population').innerText.startsWith('150 citizens')")
    assert b.month(page) == 0 and "of 24 planned" in page.inner_text(".coprod-run-controls")
    assert page.inner_text(".coprod-field-sanctions .v-select__selection").strip() == best["governance.sanctions"]
    # Step at once, the model may still be being built: a Step pressed meanwhile is taken
    # by the new run once it is ready, never lost.
    b.click_step(page, 3)
    assert 0 <= b.outcome(page, "participation") <= 1
    shots.append(b.shot(page, tmp_path, "12_results_live"))
    print("\nscreenshots:", *shots, sep="\n  ")


def test_results_explorer_says_how_to_make_results_when_there_are_none(page, tmp_path):
    page.click(".coprod-tab-results")
    b.type_value(page, ".coprod-results-folder", str(tmp_path))
    page.wait_for_selector(".coprod-results-none")
    assert "coprod optimize experiments/policy_search.yaml" in page.inner_text(".coprod-results-none")
