"""`coprod discover` recovers a planted box, and finds where a named policy falls short."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.inputs.experiment import load_experiment_file
from sim.policy.discover import discover, find_boxes
from tests.helpers import SyntheticPool, coprod, write

PLANTED = """\
description: a planted box (the synthetic chunk function, not the model)
base: consultative
uncertainties:
  population.trust: [0.0, 1.0]
  population.share_free_rider: [0.0, 0.8]
  population.share_conditional: [0.0, 0.05]
  population.cc_slope: [0.2, 1.2]
  service.channel: [online, offline, mixed]
fixed: {population.share_hump: 0.1, population.citizens: 100}
replications: 2
steps: 10
seed: 4
discover:
  outcome: participation
  below: 0.5
  contexts: 400
"""


def test_prim_recovers_a_planted_box_with_a_categorical_dimension():
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"a": rng.random(600), "b": rng.random(600), "c": rng.random(600),
                      "k": rng.choice(["p", "q", "r"], 600)})
    y = ((x.a < 0.4) & (x.b > 0.5) & (x.k != "r")).to_numpy()
    (box,) = find_boxes(x, y, boxes=2)  # no second box: every case is in the first
    assert box.coverage > 0.9 and box.density == 1.0
    assert set(box.limits) == {"a", "b", "k"} and box.limits["k"] == ["p", "q"]
    assert box.limits["a"][1] == pytest.approx(0.4, abs=0.03) and box.limits["b"][0] == pytest.approx(0.5, abs=0.03)


def test_discover_recovers_the_planted_box_through_the_whole_pipeline(tmp_path):
    spec = load_experiment_file(write(tmp_path / "planted.yaml", PLANTED))
    done = discover(spec, tmp_path / "out", pool=SyntheticPool())
    inside = (done.contexts["population.trust"] < 0.3) & (done.contexts["population.share_free_rider"] > 0.4)
    assert (done.contexts.case == inside).all() and done.cases == inside.sum() > 20
    box = done.boxes[0]
    assert set(box.limits) == {"population.trust", "population.share_free_rider"}
    assert box.limits["population.trust"][1] == pytest.approx(0.3, abs=0.03)
    assert box.limits["population.share_free_rider"][0] == pytest.approx(0.4, abs=0.03)
    assert box.coverage > 0.9 and box.density > 0.9
    summary = json.loads((tmp_path / "out" / "discover.json").read_text())
    assert summary["cases"] == done.cases and summary["boxes"][0]["coverage"] == box.coverage
    peel = pd.read_csv(tmp_path / "out" / "peeling.csv")
    assert peel.chosen.sum() == len(done.boxes) and (peel.mass.diff().dropna() <= 1e-12).any()


MODEL = """\
description: where co-delivery falls short
base: co_delivery
uncertainties:
  population.trust: [0.05, 0.95]
  population.share_free_rider: [0.05, 0.35]
  service.channel: [online, offline, mixed]
fixed: {population.citizens: 200}
replications: 1
steps: 30
seed: 2
discover:
  outcome: participation
  below: 0.3
  contexts: 120
"""


def test_discover_on_the_model_reports_a_box_for_a_named_policy(tmp_path):
    path = write(tmp_path / "model.yaml", MODEL)
    done = coprod("discover", path, "--out", tmp_path / "out", "--workers", "2", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "box 1:" in done.stdout and "of the contexts where participation is below 0.3" in done.stdout
    summary = json.loads((tmp_path / "out" / "discover.json").read_text())
    assert 0 < summary["cases"] < 120
    box = summary["boxes"][0]
    base_rate = summary["cases"] / summary["contexts"]
    assert box["density"] > 1.5 * base_rate and box["coverage"] >= 0.5
    limits = box["limits"]  # low trust or many free riders, never a wider range than sampled
    assert "population.trust" in limits or "population.share_free_rider" in limits
    if "population.trust" in limits:
        assert limits["population.trust"][1] < 0.95
    if "population.share_free_rider" in limits:
        assert limits["population.share_free_rider"][0] > 0.05
    page = (tmp_path / "out" / "report.html").read_text()
    assert "Where the policy falls short (PRIM)" in page and "data:image/png;base64," in page


@pytest.mark.slow
def test_discovery_of_500_contexts(tmp_path):
    """The full-size form (the figures: experiments/bench/bench_policy.py)."""
    spec = load_experiment_file(write(tmp_path / "m.yaml", MODEL.replace("contexts: 120", "contexts: 500")
                                      .replace("200}", "1000}").replace("steps: 30", "steps: 60")))
    done = discover(spec, tmp_path / "out", workers=2)
    assert len(done.contexts) == 500 and done.boxes and done.boxes[0].coverage >= 0.5
