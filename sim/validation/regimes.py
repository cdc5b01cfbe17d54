"""Regime checks of the behavioural core: each over a grid of the other levers and seeds.

Each check returns ``(passed, lines)``: whether the claim holds in every cell, and one line
of figures per cell. ``full=False`` is the reduced form the tests run (fewer seeds or
cells, the same claim); ``experiments/checks/core_checks.py`` prints the full form.

* ``recovery``: after an administration that ignored input becomes responsive,
  participation recovers (no absorbing state where theory has none).
* ``austerity``: cutting the administration's effort lowers trust and quality in every
  cell of responsiveness x interaction mode.
* ``sanctions``: a documented setting where sanctions lower participation and trust:
  error-prone monitoring with low legitimacy.
* ``scale``: at fixed shares, outcomes do not depend on the number of citizens.
* ``semantics``: ignored citizens who stop are counted as exit, rationed ones as excluded.
* ``horizon``: participation, free riding and trust settle in every field scenario by its
  default horizon, and the ranking on participation is the same at twice the horizon.
* ``quality_settles``: quality settles too.

Both horizon checks run each scenario with at least `SETTLING_CITIZENS` citizens: they ask
whether outcomes depend on run length, so the wander of a small town must not mask a trend
or fake one. At 1,000 citizens the citizen-made share of quality rests on about 40
collective participants whose effort x skill is heavy-tailed, so it moves by 20 % and more
over years with who lives there (`scale` checks separately that shares do not depend on
size); docs/ODD.md, "What the model misses".
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from sim.model.coproduction import CoProductionModel
from sim.model.record import excluded, exited, free_riding, took_part
from sim.primitives.stats import SETTLED_ABSOLUTE, stationary, steady_shift
from sim.validation.runs import FIELD, WINDOW, frame, model_of, steady

HEADLINE = ("participation", "free_rider_share", "trust")
#: Fewest citizens the horizon checks run a scenario with (see the module docstring).
SETTLING_CITIZENS = 10_000


def recovery(full: bool = True) -> tuple[bool, list[str]]:
    """Consultation: responsiveness 0.3 -> 0.9 at month 60 regains half of 0.9's participation in 24 months."""
    lines, ok = [], True
    for seed in range(5 if full else 3):
        always = frame("consultative", seed, {"administration.responsiveness": 0.9}, steps=84)
        model, _ = model_of("consultative", seed, {"administration.responsiveness": 0.3})
        for month in range(1, 85):
            if month == 61:
                model.set_levers(responsiveness=0.9)
            model.step()
        changed = model.datacollector.get_model_vars_dataframe()
        before = float(changed.participation.iloc[48:60].mean())
        target = float(always.participation.iloc[72:84].mean())
        after = float(changed.participation.iloc[72:84].mean())
        regained = (after - before) / (target - before) if target > before else 1.0
        ok &= regained >= 0.5
        lines.append(f"seed {seed}: participation at 0.3 {before:.3f}, 24 months after the change {after:.3f}, "
                     f"at 0.9 throughout {target:.3f}: regained {regained:.0%} of the gap")
    return ok, lines


def austerity(full: bool = True) -> tuple[bool, list[str]]:
    """Austerity 1 vs 0: lower trust and lower quality at every responsiveness and mode."""
    lines, ok = [], True
    for mode in ("consultation", "co_delivery"):
        for resp in (0.2, 0.4, 0.6, 0.8) if full else (0.2, 0.8):
            diffs = []
            for seed in range(5 if full else 2):
                values = {"governance.interaction": mode, "administration.responsiveness": resp}
                cut = steady("austerity", seed, {**values, "administration.austerity_response": 1.0})
                none = steady("austerity", seed, {**values, "administration.austerity_response": 0.0})
                diffs.append((cut["trust"] - none["trust"], cut["quality"] - none["quality"]))
            d = np.array(diffs)
            cell = bool((d[:, 0] < 0).all() and (d[:, 1] < 0).all())
            ok &= cell
            lines.append(f"{mode}, responsiveness {resp}: trust {d[:, 0].mean():+.3f}, quality {d[:, 1].mean():+.3f} "
                         f"(austerity 1 - 0; lower in {int(((d[:, 0] < 0) & (d[:, 1] < 0)).sum())} of {len(d)} seeds)")
    return ok, lines


#: A small fine, imposed at low legitimacy, by monitoring that often fines the wrong citizen:
#: too small to deter (a fine is a price, Gneezy & Rustichini 2000), illegitimate enough
#: to crowd willingness out (Fehr & Rockenbach 2003), unfair enough to cost trust (Tyler).
FAILING_SANCTIONS = {"governance.sanctions": "admin", "governance.fine": 0.05,
                     "governance.legitimacy": 0.2, "governance.detection_error": 0.3}


def sanctions(full: bool = True) -> tuple[bool, list[str]]:
    """Small, illegitimate, error-prone sanctions lower participation and trust vs none."""
    lines, ok = [], True
    for name in ("consultative", "co_delivery") if full else ("consultative",):
        for seed in range(5 if full else 2):
            bad = steady(name, seed, FAILING_SANCTIONS)
            none = steady(name, seed, {"governance.sanctions": "none"})
            cell = bad["participation"] < none["participation"] and bad["trust"] < none["trust"]
            ok &= cell
            lines.append(f"{name} seed {seed}: participation {bad['participation']:.3f} vs {none['participation']:.3f} "
                         f"without sanctions; trust {bad['trust']:.3f} vs {none['trust']:.3f}")
    return ok, lines


def scale(full: bool = True) -> tuple[bool, list[str]]:
    """Every field scenario at 1,000 vs 10,000 citizens: headline outcomes within 0.03.

    A gap counts as a size effect only beyond seed noise too: at 1,000 citizens the
    steady trust of one seed varies by about 0.025 (sd over 8 seeds of a consultation), so
    a gap is allowed up to the larger of 0.03 (ours) and twice its standard error.
    """
    lines, ok = [], True
    for name in FIELD if full else FIELD[:3]:
        seeds = range(4 if full else 2)
        small = [steady(name, s, {"population.citizens": 1000}) for s in seeds]
        large = [steady(name, s, {"population.citizens": 10_000}) for s in seeds]
        cells = []
        for o in HEADLINE:
            a, b = np.array([r[o] for r in small]), np.array([r[o] for r in large])
            gap = float(abs(a.mean() - b.mean()))
            noise = 2.0 * float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size))
            ok &= gap <= max(0.03, noise)
            cells.append(f"{o} gap {gap:.3f} (noise {noise:.3f})")
        lines.append(f"{name}: " + ", ".join(cells))
    return ok, lines


def semantics(full: bool = True) -> tuple[bool, list[str]]:
    """Ignored and stopped: exit, not free riding; rationed by access capacity: excluded."""
    lines, ok = [], True
    for seed in range(3 if full else 1):
        ignored, _ = _run_to_horizon("consultative", seed, {"administration.responsiveness": 0.3})
        r, c = ignored.last_step, ignored.citizens
        stopped = c.ever_active & ~took_part(r) & (c.feedback == 0) & r.lost & ~excluded(r)
        in_exit = bool(np.all(exited(r)[stopped])) and not np.any(free_riding(r)[stopped])
        capped, _ = _run_to_horizon("consultative", seed, {"governance.access_capacity": 0.02})
        r = capped.last_step
        rationed = r.willing & r.eligible & ~r.admitted & ~took_part(r)
        in_excluded = bool(rationed.any() and np.all(excluded(r)[rationed])) and not np.any(free_riding(r)[rationed])
        ok &= in_exit and in_excluded
        lines.append(f"seed {seed}: responsiveness 0.3: {int(stopped.sum())} ignored citizens stopped, all in exit "
                     f"({ignored.last_step.outcomes['exit_share']:.3f}), none free riding: {in_exit}; capacity 0.02: "
                     f"{int(rationed.sum())} rationed, all excluded ({r.outcomes['excluded_share']:.3f}), none free "
                     f"riding: {in_excluded}")
    return ok, lines


def _run_to_horizon(name: str, seed: int, values: dict[str, Any]) -> tuple[CoProductionModel, int]:
    model, steps = model_of(name, seed, values)
    for _ in range(steps):
        model.step()
    return model, steps


@cache
def _twice_the_horizon(name: str, seeds: int) -> tuple[int, tuple[Any, ...]]:
    """A scenario's default horizon and its runs to twice it (kept: two checks read them)."""
    model, steps = model_of(name, 0)
    size = {"population.citizens": max(model.p["citizens"], SETTLING_CITIZENS)}
    return steps, tuple(frame(name, seed, size, steps=2 * steps) for seed in range(seeds))


def _settling(full: bool, outcomes: tuple[str, ...]) -> tuple[bool, list[str]]:
    """Whether `outcomes` settle by the default horizon, on the mean trajectory over seeds.

    Settled: the mean of the final `WINDOW` months moved by no more than the tolerance from
    the `WINDOW` months before (`stationary`), so a yearly rule cycle is a steady state and
    a trend is caught.
    """
    lines, ok = [], True
    for name in FIELD:
        steps, frames = _twice_the_horizon(name, 3 if full else 2)
        mean = sum(frames) / len(frames)
        series = {o: mean[o].iloc[:steps].to_numpy() for o in outcomes}
        verdicts = {o: stationary(x, WINDOW) for o, x in series.items()}
        ok &= all(verdicts.values())
        lines.append(f"{name}: settled by month {steps}: " + ", ".join(
            f"{o} {'yes' if v else 'NO'} ({steady_shift(series[o], WINDOW):+.3f})" for o, v in verdicts.items()))
    return ok, lines


def horizon(full: bool = True) -> tuple[bool, list[str]]:
    """Every field scenario settles by its default horizon; the ranking holds at twice it.

    Settling is judged on the mean trajectory over seeds; the ranking on participation
    must hold at twice the horizon for every pair of scenarios whose steady states at the
    horizon differ by more than twice the standard error of their difference and by more
    than the settling tolerance `SETTLED_ABSOLUTE` (closer pairs are ties: each steady
    state may still move by that much and count as settled).
    """
    ok, lines = _settling(full, HEADLINE)
    seeds = 3 if full else 2
    at: dict[str, np.ndarray] = {}
    twice: dict[str, np.ndarray] = {}
    for name in FIELD:
        steps, frames = _twice_the_horizon(name, seeds)
        at[name] = np.array([f.participation.iloc[steps - WINDOW:steps].mean() for f in frames])
        twice[name] = np.array([f.participation.iloc[-WINDOW:].mean() for f in frames])
    swapped = []
    for a in FIELD:
        for b in FIELD:
            gap = at[a].mean() - at[b].mean()
            noise = max(2.0 * float(np.sqrt((at[a].var(ddof=1) + at[b].var(ddof=1)) / seeds)), SETTLED_ABSOLUTE)
            if gap > noise and twice[a].mean() <= twice[b].mean():
                swapped.append(f"{a} > {b}")
    ok &= not swapped
    rank = sorted(FIELD, key=lambda n: at[n].mean(), reverse=True)
    lines.append("participation at the horizon: " + ", ".join(f"{n} {at[n].mean():.3f}" for n in rank))
    lines.append("at twice the horizon:         " + ", ".join(f"{n} {twice[n].mean():.3f}" for n in rank))
    lines.append("clearly separated pairs reversed at twice the horizon: " + (", ".join(swapped) or "none"))
    return ok, lines


def quality_settles(full: bool = True) -> tuple[bool, list[str]]:
    """Quality settles by the default horizon in every field scenario."""
    return _settling(full, ("quality",))
