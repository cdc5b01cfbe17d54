"""Field patterns of the model's default population.

Contributor types, responsiveness and repeat reports, participation inequality on an open
platform, and the scale effect of online co-production.
"""

from __future__ import annotations

import numpy as np

from sim.model.metrics import top_share
from sim.model.coproduction import CoProductionModel
from sim.inputs.scenario import load_scenario
from sim.validation.patterns import FGF_SHARES, SHARE_TOLERANCE, PatternResult, check, mean_ci, run
from sim.validation.strategy import recovered_shares

PLATFORM = "open_platform"
SJOBERG_RATIO, SJOBERG_TOLERANCE = 1.57, 0.2


def contributor_types(reps: int) -> PatternResult:
    """The strategy method recovers the default type shares (about 50 / 30 / 14 %)."""
    kwargs = load_scenario("consultative").model_kwargs()
    rows = []
    for seed in range(reps):
        model = CoProductionModel(rng=seed, **{**kwargs, "citizens": 2000})
        rows.append(recovered_shares(model, seed))
    devs = [max(abs(r[k] - v) for k, v in FGF_SHARES.items()) for r in rows]
    m, lo, hi = mean_ci(devs)
    checks = {
        k: check(np.mean([r[k] for r in rows]), bool(abs(np.mean([r[k] for r in rows]) - v) <= SHARE_TOLERANCE),
                 f"{k} share {v:.2f} +/- {SHARE_TOLERANCE:.2f}")
        for k, v in FGF_SHARES.items()
    }
    return PatternResult(
        "contributor_types", "Fischbacher, Gächter & Fehr 2001",
        f"elicited shares within +/- {SHARE_TOLERANCE:.2f} of 0.50 conditional / 0.30 free "
        "riders / 0.14 hump-shaped (value: largest deviation)",
        m, lo, hi, all(c["passed"] for c in checks.values()), checks,
        {"categories": [*FGF_SHARES, "other"],
         "model": [float(np.mean([r[k] for r in rows])) for k in (*FGF_SHARES, "other")],
         "Fischbacher et al.": [*FGF_SHARES.values(), 0.06]},
    )


class _FirstReports:
    """Tracks each citizen's first report, whether it was acted on, and later reports."""

    def __init__(self, n: int, delay: int, last_first: int):
        self.first = np.full(n, -1)
        self.acted = np.full(n, -1)  # -1 unknown, 0 ignored, 1 acted on
        self.again = np.zeros(n, dtype=bool)
        self.delay, self.last_first = delay, last_first

    def __call__(self, model: CoProductionModel) -> None:
        t, record = model.steps, model.last_step
        reported = record.inputs > 0
        if t <= self.last_first:
            self.first[reported & (self.first < 0)] = t
        if record.acted is not None:
            due = self.first == t - self.delay
            self.acted[due] = record.acted[due]
        known = (self.first >= 0) & (t > self.first + self.delay)
        self.again |= reported & known

    def ratio(self) -> float:
        acted, ignored = self.acted == 1, self.acted == 0
        if not acted.any() or not ignored.any() or not self.again[ignored].any():
            return float("nan")
        return float(self.again[acted].mean() / self.again[ignored].mean())


def responsiveness_repeat(reps: int) -> PatternResult:
    """First report acted on -> about 1.57x as likely to report again (FixMyStreet)."""
    scenario = load_scenario(PLATFORM)
    kwargs = scenario.model_kwargs()
    steps = scenario.run_steps
    ratios = []
    for seed in range(reps):
        tracker = _FirstReports(kwargs["citizens"], kwargs["response_delay"], steps // 2)
        run(PLATFORM, seed, observe=tracker)
        ratios.append(tracker.ratio())
    m, lo, hi = mean_ci([r for r in ratios if np.isfinite(r)])
    ok = abs(m - SJOBERG_RATIO) <= SJOBERG_TOLERANCE
    return PatternResult(
        "responsiveness_repeat", "Sjoberg, Mellon & Peixoto 2017 (FixMyStreet)",
        f"repeat-report ratio (first report acted on vs not) {SJOBERG_RATIO} +/- {SJOBERG_TOLERANCE}",
        m, lo, hi, ok, {"ratio": check(m, ok, f"{SJOBERG_RATIO} +/- {SJOBERG_TOLERANCE}")},
        {"categories": ["repeat-report ratio"], "model": [m], "Sjoberg et al.": [SJOBERG_RATIO]},
    )


class _Tally:
    """Each citizen's contributions (reports) summed over a run."""

    counts: np.ndarray | None = None

    def __call__(self, model: CoProductionModel) -> None:
        inputs = model.last_step.inputs
        self.counts = inputs.copy() if self.counts is None else self.counts + inputs


def participation_inequality(reps: int) -> PatternResult:
    """Open online platform: >= 75 % never contribute, top 1 % give >= 40 % (1-9-90)."""
    never, top = [], []
    for seed in range(reps):
        tally = _Tally()
        run(PLATFORM, seed, observe=tally)
        counts = tally.counts if tally.counts is not None else np.zeros(0)
        never.append(float(np.mean(counts == 0)))
        top.append(top_share(counts, 0.01))
    m, lo, hi = mean_ci(top)
    n_mean = float(np.mean(never))
    checks = {
        "top1_share": check(m, m >= 0.40, "top 1 % produce >= 40 % of contributions"),
        "never": check(n_mean, n_mean >= 0.75, ">= 75 % never contribute"),
    }
    return PatternResult(
        "participation_inequality", "Nielsen 2006 (1-9-90); Wikipedia and OSM editing data",
        "at least 75 % never contribute and the top 1 % produce at least 40 % (value: top-1 % share)",
        m, lo, hi, all(c["passed"] for c in checks.values()), checks,
        {"categories": ["never contribute", "top 1 % share"], "model": [n_mean, m],
         "target (at least)": [0.75, 0.40]},
    )


def per_user_quality(name: str, citizens: int, seed: int) -> float:
    """Quality per user over the last 10 steps of a scenario run at a population size."""
    values = []
    run(name, seed, {"population.citizens": citizens},
        observe=lambda m: values.append(m.quality_per_user))
    return float(np.mean(values[-10:]))


def online_scale(reps: int, sizes=(250, 1000, 4000)) -> PatternResult:
    """Quality per user rises with users online, falls offline past capacity."""
    online = np.array([[per_user_quality(PLATFORM, n, s) for n in sizes] for s in range(reps)])
    offline = np.array([[per_user_quality("traditional", n, s) for n in sizes] for s in range(reps)])
    slopes = [np.polyfit(np.log(sizes), np.log(row), 1)[0] for row in online]
    m, lo, hi = mean_ci(slopes)
    fall = float(offline[:, -1].mean() / offline[:, 1].mean())
    checks = {
        "online_rises": check(m, lo > 0, "elasticity of online quality per user to users > 0"),
        "offline_congests": check(fall, fall < 1.0, "offline quality per user at 4x capacity "
                                  "below that at capacity"),
    }
    return PatternResult(
        "online_scale", "Szkuta, Pizzicannella & Osimo 2014 (collaborative public services)",
        "quality per user rises with users online (elasticity > 0) and falls offline past capacity",
        m, lo, hi, all(c["passed"] for c in checks.values()), checks,
        {"users": list(sizes), "online": online.mean(0).tolist(), "offline": offline.mean(0).tolist()},
    )
