"""Field patterns of the model's default population.

Contributor types, responsiveness and repeat reports, participation inequality on an open
platform, and the scale effect of online co-production.
"""

from __future__ import annotations

import numpy as np

from sim.inputs.scenario import load_scenario
from sim.model.coproduction import CoProductionModel
from sim.model.metrics import top_share
from sim.validation.patterns import FGF_SHARES, SHARE_TOLERANCE, PatternResult, check, mean_ci, run
from sim.validation.strategy import recovered_shares

PLATFORM = "open_platform"
SJOBERG_RATIO, SJOBERG_TOLERANCE = 1.57, 0.2
#: Months after the response to a first report in which a second report counts (a year).
FOLLOW_UP = 12


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
        reported = record.reports > 0
        if t <= self.last_first:
            self.first[reported & (self.first < 0)] = t
        if record.acted is not None:
            due = self.first == t - self.delay
            self.acted[due] = record.acted[due]
        answered = self.first + self.delay
        known = (self.first >= 0) & (t > answered) & (t <= answered + FOLLOW_UP)
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
        f"repeat-report ratio (first report acted on vs not; second report within {FOLLOW_UP} months of "
        f"the response) {SJOBERG_RATIO} +/- {SJOBERG_TOLERANCE}",
        m, lo, hi, ok, {"ratio": check(m, ok, f"{SJOBERG_RATIO} +/- {SJOBERG_TOLERANCE}")},
        {"categories": ["repeat-report ratio"], "model": [m], "Sjoberg et al.": [SJOBERG_RATIO]},
    )


class ReportTally:
    """Each resident's reports summed over a run, one count per person.

    FixMyStreet counts reports per user, and a user who moves away stays a user. A home's
    count would add up two residents' reports after a move (residential turnover,
    ``sim.model.turnover``), so the counts of residents who leave are set aside when they go.
    """

    def __init__(self) -> None:
        self.counts: np.ndarray | None = None
        self._gone: list[np.ndarray] = []

    def __call__(self, model: CoProductionModel) -> None:
        """Add this month's reports, after setting aside those of residents who left."""
        reports = model.last_step.reports
        if self.counts is None:
            self.counts = np.zeros_like(reports)
        moved = model.moved
        if moved.size:
            self._gone.append(self.counts[moved].copy())
            self.counts[moved] = 0
        self.counts += reports

    def residents(self) -> np.ndarray:
        """Reports per person who lived in the city during the run (present and departed)."""
        current = self.counts if self.counts is not None else np.zeros(0)
        return np.concatenate([current, *self._gone])

    def users(self) -> np.ndarray:
        """Reports per person who reported at least once (the platform's users)."""
        counts = self.residents()
        return counts[counts > 0]


#: Shares of all reports filed by the top 0.1 %, 1 % and 10 % of users, i.e. of people who
#: reported at least once (mySociety's FixMyStreet data: 16 %, 33 % and 62 %); the
#: tolerance (+/- 0.05) is ours.
CONCENTRATION = {0.001: 0.16, 0.01: 0.33, 0.1: 0.62}
CONCENTRATION_TOLERANCE = 0.05
PLATFORM_CITIZENS = 5000


def participation_inequality(reps: int) -> PatternResult:
    """Open platform: the top 0.1 / 1 / 10 % of citizens file 16 / 33 / 62 % of reports."""
    shares: dict[float, list[float]] = {f: [] for f in CONCENTRATION}
    never = []
    for seed in range(reps):
        tally = ReportTally()
        run(PLATFORM, seed, {"population.citizens": PLATFORM_CITIZENS}, steps=120, observe=tally)
        users = tally.users()
        never.append(1.0 - users.size / max(tally.residents().size, 1))
        for f in CONCENTRATION:
            shares[f].append(top_share(users, f))
    checks = {
        f"top {f:.1%} share": check(np.mean(v), bool(abs(np.mean(v) - CONCENTRATION[f]) <= CONCENTRATION_TOLERANCE),
                                     f"{CONCENTRATION[f]:.2f} +/- {CONCENTRATION_TOLERANCE:.2f} of reports")
        for f, v in shares.items()
    }
    m, lo, hi = mean_ci(shares[0.01])
    return PatternResult(
        "participation_inequality", "mySociety, Super contributors and power laws (FixMyStreet); Nielsen 2006",
        "the top 0.1 / 1 / 10 % of citizens file 0.16 / 0.33 / 0.62 of reports over ten years, +/- 0.05 "
        "(value: top-1 % share)",
        m, lo, hi, all(c["passed"] for c in checks.values()), checks,
        {"categories": ["top 0.1 %", "top 1 %", "top 10 %", "never report"],
         "model": [*(float(np.mean(v)) for v in shares.values()), float(np.mean(never))],
         "FixMyStreet": [*CONCENTRATION.values(), float("nan")]},
    )


def per_user_quality(name: str, sets: dict, seed: int) -> float:
    """Quality per user over the last 10 months of a scenario run with overrides."""
    values: list[float] = []
    run(name, seed, sets, steps=120, observe=lambda m: values.append(m.quality_per_user))
    return float(np.mean(values[-10:]))


def online_scale(reps: int, shares=(0.25, 0.5, 1.0)) -> PatternResult:
    """Quality per user rises with the share of citizens online; offline it congests."""
    online = np.array([[per_user_quality(PLATFORM, {"service.channel": "mixed", "service.online_share": s}, seed)
                        for s in shares] for seed in range(reps)])
    offline = np.array([[per_user_quality("traditional", {"service.offline_capacity_share": cap}, seed)
                         for cap in (1.0, 0.25)] for seed in range(reps)])
    slopes = [np.polyfit(np.log(shares), np.log(row), 1)[0] for row in online]
    m, lo, hi = mean_ci(slopes)
    fall = float(offline[:, 1].mean() / offline[:, 0].mean())
    checks = {
        "online_rises": check(m, lo > 0, "elasticity of online quality per user to the share online > 0"),
        "offline_congests": check(fall, fall < 1.0, "offline quality per user at 4x capacity below that at capacity"),
    }
    return PatternResult(
        "online_scale", "Szkuta, Pizzicannella & Osimo 2014 (collaborative public services)",
        "quality per user rises with the share of citizens online (elasticity > 0) and falls offline past capacity",
        m, lo, hi, all(c["passed"] for c in checks.values()), checks,
        {"users": list(shares), "online": online.mean(0).tolist(),
         "offline": [float(offline[:, 0].mean())] * 2 + [float(offline[:, 1].mean())]},
    )
