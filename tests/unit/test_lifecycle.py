"""The co-production life-cycle: commissioning, design, delivery, assessment (the four Co's)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CoProductionModel
from sim.model.lifecycle import overlap
from sim.primitives.stats import STEADY_WINDOW


def _model(**params) -> CoProductionModel:
    params.setdefault("lifecycle_cycle", 12)
    params.setdefault("need_drift", 0.0)
    model = CoProductionModel(rng=6, citizens=600, **params)
    for _ in range(3):
        model.step()
    return model


def test_overlap_of_distributions():
    assert overlap(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 1.0
    assert overlap(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == 0.0
    assert overlap(np.array([0.7, 0.3]), np.array([0.4, 0.6])) == pytest.approx(0.7)


def test_off_by_default_the_service_stays_as_calibrated():
    model = CoProductionModel(rng=1, citizens=300)
    for _ in range(30):
        model.step()
    assert model.institutions.targeting() == 1.0
    assert "lifecycle" not in model.datacollector.tables or model.datacollector.get_table_dataframe("lifecycle").empty


def test_phases_run_in_order_once_a_cycle():
    model = _model(assessment_voice=0.5, commissioning_voice=0.5, design_voice=0.5)
    for _ in range(30):
        model.step()
    rows = model.datacollector.get_table_dataframe("lifecycle")
    months = {ph: sorted(rows.step[rows.phase == ph] % 12) for ph in ("assessment", "commissioning", "design")}
    assert set(months["assessment"]) == {11} and set(months["commissioning"]) == {0}
    assert set(months["design"]) == {1}


def test_professionals_alone_see_part_of_the_gap_and_redesign_halfway():
    model = _model(professional_insight=0.3)
    lc, c = model.institutions.lifecycle, model.citizens
    record = model.last_step
    true = lc.need_mix(c)
    a = lc.allocation.copy()
    lc.step(11, record, c)  # assessment: the professionals' estimate
    estimate = a + 0.3 * (true - a)
    np.testing.assert_allclose(lc.estimate, estimate)
    lc.step(12, record, c)  # commissioning funds what assessment found
    np.testing.assert_allclose(lc.commissioned, estimate)
    lc.step(13, record, c)  # design moves the service halfway toward it
    np.testing.assert_allclose(lc.allocation, a + 0.5 * (estimate - a))
    assert lc.targeting == pytest.approx(overlap(lc.allocation, true) / lc.start_fit)


def test_citizens_voice_carries_their_needs_into_every_phase():
    model = _model(assessment_voice=1.0, commissioning_voice=1.0, design_voice=1.0)
    lc, c = model.institutions.lifecycle, model.citizens
    record = model.last_step
    a = lc.allocation.copy()
    took_part = ((record.hours >= record.min_hours) | (record.reports > 0) | record.shared | record.voted)
    theirs = lc.need_mix(c, took_part.astype(float))
    lc.step(11, record, c)
    np.testing.assert_allclose(lc.estimate, theirs)  # full voice: what users report they need
    assert lc.shares["assessment"] == pytest.approx(took_part.mean())
    collective = record.hours >= record.min_hours
    assert collective.any()
    lc.step(12, record, c)  # commissioning: what those who take part collectively need
    np.testing.assert_allclose(lc.commissioned, lc.need_mix(c, collective.astype(float)))
    lc.step(13, record, c)  # design with citizens: all the way to what was commissioned
    np.testing.assert_allclose(lc.allocation, lc.commissioned)
    assert not np.allclose(lc.allocation, a)


def test_consultation_adds_a_stratified_random_sample():
    model = _model(assessment_voice=1.0, consultation_sample=1.0, trust=1.0, trust_sd=0.0)
    lc, c = model.institutions.lifecycle, model.citizens
    weights = lc._consult(c, np.zeros(c.n, dtype=bool))
    invited = weights > 0
    assert 0.1 < invited.mean() < 0.35  # about one in five accepts at trust near 1
    by_group = np.bincount(c.group, weights=weights, minlength=model.p["groups"])
    np.testing.assert_allclose(by_group / by_group.sum(), np.bincount(c.group) / c.n)


def _steady(seed: int, **params) -> float:
    model = CoProductionModel(rng=seed, citizens=800, **params)
    for _ in range(120):
        model.step()
    return float(model.datacollector.get_model_vars_dataframe()["targeting"].iloc[-STEADY_WINDOW:].mean())


@pytest.mark.parametrize("cycle", [12, 24])
def test_citizens_taking_part_in_each_phase_make_the_service_fit_better(cycle):
    base = {"lifecycle_cycle": cycle}
    for seed in (1, 2, 3):
        professionals = _steady(seed, **base)
        for voice in ("assessment_voice", "design_voice"):
            assert _steady(seed, **base, **{voice: 1.0}) > professionals
