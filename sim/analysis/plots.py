"""PNG plots of a sweep report (matplotlib's object API with the Agg canvas; no pyplot).

- ``trajectories.png``: participation, quality, quality growth and free riding over time,
  one line per design point with its 95 % interval (shares: bounded to [0, 1]), or per
  scenario for large designs with the 2.5-97.5 % quantiles of its runs.
- ``final.png``: each headline outcome per design point, mean and 95 % interval.
- ``scatter.png`` (sampled designs): point means of the headline outcomes against each
  varied parameter.
- ``sensitivity.png`` (morris, sobol): the SALib indices per headline outcome.
"""

from __future__ import annotations

from pathlib import Path

from sim.analysis.headline import HEADLINE, MEASURE_NAMES
from sim.analysis.results import Results

MAX_POINTS_PLOT = 40
MAX_SCATTER_PARAMS = 8
TITLES = {"participation": "participation", "quality": "service quality",
          "quality_growth": "quality growth per step", "free_rider_share": "free-rider share"}


def figure(rows: int, cols: int, width: float, height: float):
    """A matplotlib figure (Agg, no pyplot) with a grid of axes (always 2-D)."""
    from matplotlib.figure import Figure  # noqa: PLC0415 (matplotlib is slow to import)

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False)


def _measure_name(outcome: str, measure: str) -> str:
    return f"{TITLES.get(outcome, outcome)} ({MEASURE_NAMES[measure]})"


def trajectories(results: Results, path: Path) -> bool:
    """Trajectory outcomes over time with 95 % bands; False if nothing to draw."""
    traj = results.trajectories
    outcomes = [o for o in TITLES if f"{o}/mean" in traj]
    if not outcomes:
        return False
    cols = 2 if len(outcomes) > 1 else 1
    rows = (len(outcomes) + 1) // 2
    fig, axes = figure(rows, cols, 11, 3.4 * rows + 0.8)
    groups = traj.index.get_level_values(0).unique()
    for k, outcome in enumerate(outcomes):
        ax = axes.flat[k]
        for j, group in enumerate(groups):
            g = traj.xs(group, level=0)
            label = results.labels[int(group)] if results.group_by == "point_id" else str(group)
            color = f"C{j % 10}" if len(groups) <= 10 else _tab20(j)
            ax.plot(g.index, g[f"{outcome}/mean"], color=color, label=label, lw=1.5)
            ax.fill_between(g.index, g[f"{outcome}/ci_low"], g[f"{outcome}/ci_high"], color=color,
                            alpha=0.2, lw=0)
        ax.set_title(TITLES[outcome])
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(4, len(labels)), fontsize=8)
    what = ("mean and 95 % interval per design point" if results.group_by == "point_id" else
            "mean and 2.5-97.5 % quantiles of the runs per scenario")
    fig.suptitle(f"{results.manifest['name']}: {what}")
    fig.savefig(path, dpi=90)
    return True


def _tab20(j: int):
    from matplotlib import colormaps  # noqa: PLC0415

    return colormaps["tab20"](j % 20)


def final_outcomes(results: Results, path: Path) -> bool:
    """Headline outcomes per design point with 95 % intervals; False if too many points."""
    s = results.summary
    panels = [(o, m) for o, m, _ in HEADLINE if ((s.outcome == o) & (s.measure == m)).any()]
    if not panels or results.manifest["n_points"] > MAX_POINTS_PLOT:
        return False
    n = results.manifest["n_points"]
    fig, axes = figure(1, len(panels), 4.2 * len(panels) + 2, 0.32 * n + 1.6)
    for k, (outcome, measure) in enumerate(panels):
        ax = axes[0, k]
        rows = s[(s.outcome == outcome) & (s.measure == measure)].sort_values("point_id")
        y = range(len(rows))
        err = [(rows["mean"] - rows.ci_low).fillna(0), (rows.ci_high - rows["mean"]).fillna(0)]
        ax.errorbar(rows["mean"], y, xerr=err, fmt="o", color="C0", capsize=3)
        ax.set_yticks(list(y), [results.labels[int(i)] for i in rows.point_id] if k == 0 else [])
        ax.invert_yaxis()
        ax.set_title(_measure_name(outcome, measure), fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(f"{results.manifest['name']}: mean and 95 % interval over replications")
    fig.savefig(path, dpi=90)
    return True


def scatter(results: Results, path: Path) -> bool:
    """Point means of the headline outcomes against each numeric varied parameter."""
    runs = results.runs
    params = [p for p in results.manifest["varied"] if runs[p].dtype.kind in "if"][:MAX_SCATTER_PARAMS]
    panels = [(o, m) for o, m, _ in HEADLINE if f"{o}/{m}" in runs]
    if not params or not panels:
        return False
    means = runs.groupby("point_id")[[*params, *(f"{o}/{m}" for o, m in panels)]].mean()
    fig, axes = figure(len(panels), len(params), 2.3 * len(params) + 0.8, 2.3 * len(panels) + 0.8)
    for i, (outcome, measure) in enumerate(panels):
        for j, param in enumerate(params):
            ax = axes[i, j]
            ax.scatter(means[param], means[f"{outcome}/{measure}"], s=8, alpha=0.6)
            ax.grid(alpha=0.3)
            if i == len(panels) - 1:
                ax.set_xlabel(param, fontsize=8)
            if j == 0:
                ax.set_ylabel(_measure_name(outcome, measure), fontsize=8)
    fig.suptitle(f"{results.manifest['name']}: design-point means against each varied parameter")
    fig.savefig(path, dpi=90)
    return True


def sensitivity(results: Results, path: Path) -> bool:
    """Morris mu* (with sigma) or Sobol S1 and ST bars, one panel per headline outcome."""
    si = results.sensitivity
    if si is None or si.empty:
        return False
    design = results.manifest["design"]
    panels = list(dict.fromkeys(zip(si.outcome, si.measure, strict=True)))
    names = list(dict.fromkeys(si.parameter))
    fig, axes = figure(1, len(panels), 4.2 * len(panels) + 2, 0.45 * len(names) + 1.8)
    for k, (outcome, measure) in enumerate(panels):
        ax, rows = axes[0, k], si[(si.outcome == outcome) & (si.measure == measure)]
        y = list(range(len(rows)))
        if design == "morris":
            ax.barh(y, rows.mu_star, xerr=rows.mu_star_conf, color="C0", capsize=3, label="mu*")
            ax.plot(rows.sigma, y, "D", color="C3", label="sigma")
        else:
            ax.barh([v - 0.2 for v in y], rows.S1, 0.4, xerr=rows.S1_conf, color="C0", capsize=3, label="S1")
            ax.barh([v + 0.2 for v in y], rows.ST, 0.4, xerr=rows.ST_conf, color="C1", capsize=3, label="ST")
        ax.set_yticks(y, list(rows.parameter) if k == 0 else [])
        ax.invert_yaxis()
        ax.set_title(_measure_name(outcome, measure), fontsize=10)
        ax.grid(alpha=0.3, axis="x")
        if k == 0:
            ax.legend(fontsize=8)
    kind = "Morris screening (mu*: overall influence, sigma: non-linearity / interactions)" \
        if design == "morris" else "Sobol indices (S1: first order, ST: total), 95 % intervals"
    fig.suptitle(f"{results.manifest['name']}: {kind}")
    fig.savefig(path, dpi=90)
    return True


def draw_all(results: Results, out: Path) -> dict[str, Path]:
    """Draw every plot that applies; returns the written files by short name."""
    sampled = results.manifest["design"] != "grid"
    plots = {"trajectories.png": trajectories, "final.png": final_outcomes,
             "scatter.png": scatter if sampled else None, "sensitivity.png": sensitivity}
    written = {}
    for name, draw in plots.items():
        (out / name).unlink(missing_ok=True)
        if draw is not None and draw(results, out / name):
            written[name] = out / name
    return written
