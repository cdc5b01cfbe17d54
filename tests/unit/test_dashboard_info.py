"""The Info tab is the docs, its claims hold on the model; debriefs and chart style."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dashboards import info, teaching
from dashboards.runs import build_model, timeseries
from dashboards.settings import Settings
from sim.analysis import style
from sim.model.parameters import MODEL_PARAMS
from tests.helpers import ROOT


def test_info_sections_are_the_docs_verbatim():
    sections = info.sections()
    assert [t for t, _, _ in sections] == [s.title for s in info.SECTIONS] + ["Sources"]
    for section, (_, text, body) in zip(info.SECTIONS, sections, strict=False):
        doc = (ROOT / section.doc).read_text()
        assert text and text in doc, section.title  # taken from the doc, so it cannot drift
        assert not re.search(r"""(?:href|src)=["']""", body), section.title  # links nowhere
    readme = (ROOT / "README.md").read_text()
    assert "agent-based simulator of the" in sections[0][1] and not sections[0][1].startswith("#")
    assert sections[1][1] == info.doc_section(readme, "What the model does, and what its outcomes mean")
    with pytest.raises(KeyError):
        info.doc_section(readme, "No such section")


def test_sources_are_the_works_the_declarations_cite():
    works = info.sources()
    assert "Fehr & Gächter 2000" in works and "design choice" not in works
    cited = " ".join(p.source for p in MODEL_PARAMS.values())
    assert all(work in cited for work in works)


def test_things_to_notice_hold_on_the_model():
    settings = Settings("consultative")
    model, _ = build_model(settings)
    for _ in range(settings.horizon()):
        model.step()
    steady = timeseries(model).iloc[-24:].mean()
    assert steady["participation"] < 0.5  # a minority takes part in a month
    assert steady["participation_individual"] > steady["participation_collective"]
    assert steady["efficacy_heard"] > steady["efficacy"] > steady["efficacy_ignored"]
    shares = steady[["participation", "free_rider_share", "exit_share", "excluded_share"]]
    assert shares.sum() <= 1 + 1e-9  # the groups never overlap
    assert MODEL_PARAMS["trust_loss"].default > MODEL_PARAMS["trust_gain"].default


def test_debrief_sets_each_claim_against_the_baseline():
    lesson = teaching.LESSONS[0]
    months = np.arange(1, 31)
    ran = pd.DataFrame({"step": months, **{r: np.full(30, 0.6) for r, _ in lesson.expect}})
    base = pd.DataFrame({"step": months, **{r: np.full(30, 0.4) for r, _ in lesson.expect}})
    verdicts = teaching.debrief(lesson, ran, base)
    assert [(v.reporter, v.claim) for v in verdicts] == list(lesson.expect)
    assert [v.holds for v in verdicts] == [claim == "higher" for _, claim in lesson.expect]
    assert verdicts[0].lesson == pytest.approx(0.6) and verdicts[0].baseline == pytest.approx(0.4)


def test_chart_style_units_labels_and_bounds():
    assert style.outcome_axis("participation").label == "% of all citizens"
    assert style.outcome_axis("trust").bounded and not style.outcome_axis("trust").percent
    assert style.outcome_axis("quality").label.startswith("quality")
    assert style.format_value("free_rider_share", 0.2345) == "23.4 %"
    assert style.format_value("efficacy_heard", float("nan")) == "n/a"
    assert list(style.clip_share("participation", np.array([-0.1, 0.5, 1.2]))) == [0.0, 0.5, 1.0]
    placed = style.spread_labels([0.5, 0.51, 0.52, 0.99], 0.1, 0.0, 1.0)
    assert all(abs(a - b) >= 0.1 - 1e-9 for i, a in enumerate(placed) for b in placed[i + 1:])
    assert max(placed) <= 1.05 and min(placed) >= -0.05
    assert len(set(style.OKABE_ITO)) == 8
