"""PNG plots of the policy reports (matplotlib's object API, Agg canvas; no pyplot).

- ``pareto.png``: every trial's scores, the Pareto front, and the front re-run on fresh
  seeds with 95 % intervals (one objective: scores by trial, the best so far).
- ``peeling.png``: each PRIM box's peeling trajectory, density against coverage coloured by
  the number of restricted dimensions, the chosen box circled.
- ``explain.png``: per outcome, each lever's Shapley value with its 95 % interval, and the
  total difference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.plots import figure


def pareto(trials: pd.DataFrame, front: pd.DataFrame, objectives: dict[str, str], path: Path) -> bool:
    """The trials and the re-evaluated front; False when no trial completed."""
    names = list(objectives)
    done = trials[trials.state == "complete"] if "state" in trials else trials
    if done.empty or names[0] not in done:
        return False
    fig, axes = figure(1, 1, 7.5, 5.2)
    ax = axes[0, 0]
    if len(names) == 1:
        name = names[0]
        best = done[name].cummax() if objectives[name] == "maximize" else done[name].cummin()
        ax.plot(done.trial, done[name], "o", color="0.6", ms=4, label="trial")
        ax.plot(done.trial, best, "-", color="C0", label="best so far")
        if not front.empty:
            ax.errorbar(front.trial, front[f"{name}/fresh"],
                        yerr=[front[f"{name}/fresh"] - front[f"{name}/low"], front[f"{name}/high"] - front[f"{name}/fresh"]],
                        fmt="D", color="C3", capsize=3, label="best, fresh seeds (95 %)")
        ax.set_xlabel("trial")
        ax.set_ylabel(f"{name} ({objectives[name]})")
    else:
        x, y = names[0], names[1]
        ax.plot(done[x], done[y], "o", color="0.7", ms=4, label="trial")
        on = done[done.front.astype(bool)] if "front" in done else done.iloc[:0]
        ax.plot(on[x], on[y], "o", color="C0", ms=6, label="Pareto front (search seeds)")
        if not front.empty:
            ax.errorbar(front[f"{x}/fresh"], front[f"{y}/fresh"],
                        xerr=[front[f"{x}/fresh"] - front[f"{x}/low"], front[f"{x}/high"] - front[f"{x}/fresh"]],
                        yerr=[front[f"{y}/fresh"] - front[f"{y}/low"], front[f"{y}/high"] - front[f"{y}/fresh"]],
                        fmt="D", color="C3", ms=4, capsize=2, lw=0.8, label="front, fresh seeds (95 %)")
        ax.set_xlabel(f"{x} ({objectives[x]})")
        ax.set_ylabel(f"{y} ({objectives[y]})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=90)
    return True


def peeling(trajectory: pd.DataFrame, path: Path) -> bool:
    """Density against coverage along each box's peeling; False when there is no box."""
    if trajectory.empty:
        return False
    boxes = sorted(trajectory.box.unique())
    fig, axes = figure(1, len(boxes), 5.2 * len(boxes) + 1, 4.6)
    for k, box in enumerate(boxes):
        ax, t = axes[0, k], trajectory[trajectory.box == box]
        points = ax.scatter(t.coverage, t.density, c=t.res_dim, cmap="viridis", s=18)
        chosen = t[t.chosen.astype(bool)]
        ax.scatter(chosen.coverage, chosen.density, s=140, facecolors="none", edgecolors="C3", lw=2,
                   label="chosen box")
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_title(f"box {box}: peeling trajectory")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
        fig.colorbar(points, ax=ax, label="restricted dimensions")
    fig.savefig(path, dpi=90)
    return True


def shapley_bars(table: pd.DataFrame, totals: dict[str, Any], path: Path) -> bool:
    """Shapley value of each lever per outcome, with 95 % intervals; False when empty."""
    if table.empty:
        return False
    outcomes = list(dict.fromkeys(table.outcome))
    levers = list(dict.fromkeys(table.lever))
    fig, axes = figure(1, len(outcomes), 4.2 * len(outcomes) + 1.5, 0.45 * len(levers) + 1.8)
    for k, outcome in enumerate(outcomes):
        ax, rows = axes[0, k], table[table.outcome == outcome]
        y = list(range(len(rows)))
        err = [rows.shapley - rows["shapley/low"], rows["shapley/high"] - rows.shapley]
        ax.barh(y, rows.shapley, xerr=err, color="C0", capsize=3)
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_yticks(y, list(rows.lever) if k == 0 else [])
        ax.invert_yaxis()
        total = totals[outcome][0]
        ax.set_title(f"{outcome.replace('_', ' ')}: total {total:+.3g}", fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle("Shapley values: each lever's share of the difference (95 % intervals)")
    fig.savefig(path, dpi=90)
    return True
