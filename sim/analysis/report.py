"""The report of a sweep: ``summary.csv``, plots, sensitivity indices and ``report.html``.

`write_report(DIR)` reads the part files one at a time (only the columns it needs), so its
memory does not grow with the number of steps, and computes:

- per run: each recorded outcome at the last step (``final``) and averaged over the
  recorded steps (``run_mean``);
- per design point: ``n`` replications, ``mean``, ``sd`` and a 95 % t-interval
  (``ci_low``, ``ci_high``) of each of those, written to ``summary.csv`` (tidy: one row per
  point, outcome and measure);
- per design point and step: mean and 95 % t-interval of the trajectory outcomes, for the
  plots (designs with many points: per scenario, mean ± 1.96 sd, the spread of its runs);
- the headline comparison (grid designs): which design point does best on each headline
  outcome, and whether that is distinguishable from the runner-up (paired over
  replications when the design uses common random numbers);
- for morris and sobol designs, SALib sensitivity indices (`sim.analysis.sensitivity`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.primitives.errors import SetupError
from sim.sweep.store import iter_parts, read_manifest

#: (outcome, measure, better): the three headline outcomes and how each is compared.
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("participation", "final", "higher"),
    ("quality_growth", "run_mean", "higher"),
    ("free_rider_share", "final", "lower"),
)
TRAJECTORY = ("participation", "quality", "quality_growth", "free_rider_share")
MEASURES = ("final", "run_mean")
MAX_LINES = 12  # more design points than this: trajectories are drawn per scenario
IDS = ["run_id", "point_id", "replicate", "scenario"]
NOBODY = 0.01  # final participation below this: free riding is not compared (nobody to free ride)


def t_interval(mean: Any, sd: Any, n: Any) -> tuple[Any, Any]:
    """95 % t-interval ``mean ± t(0.975, n-1) sd / sqrt(n)`` (NaN where n < 2)."""
    from scipy.stats import t  # noqa: PLC0415

    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n > 1, t.ppf(0.975, np.maximum(n - 1, 1)) * np.asarray(sd) / np.sqrt(n), np.nan)
    return mean - half, mean + half


@dataclass
class Results:
    """Everything the report shows, computed from one output directory.

    Attributes:
        manifest: The content of ``experiment.json``.
        runs: One row per completed run: ids, labels and ``{outcome}/{measure}`` scalars.
        summary: The content of ``summary.csv``.
        trajectories: Per group and step: ``{outcome}/mean``, ``/ci_low``, ``/ci_high`` (per
            design point: 95 % t-interval; per scenario: mean ± 1.96 sd, the spread of runs).
        group_by: ``point_id`` or ``scenario``: what a trajectory line is.
        labels: Display label of each design point.
        verdicts: One dict per headline outcome (see `verdicts`).
        sensitivity: SALib indices (tidy), or ``None``.
        notes: Caveats to show (incomplete sweep, skipped analyses).
    """

    manifest: dict[str, Any]
    runs: pd.DataFrame
    summary: pd.DataFrame
    trajectories: pd.DataFrame
    group_by: str
    labels: dict[int, str]
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    sensitivity: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def point_labels(manifest: dict[str, Any], runs: pd.DataFrame) -> dict[int, str]:
    """A short label per design point: the scenario (if it varies) and the varied values."""
    points = manifest["experiment"]["points"]
    show_scenario = any(f["name"] == "scenario" for f in manifest["factors"]) or not manifest["varied"]
    base = runs.groupby("point_id")["scenario"].first().to_dict() if len(runs) else {}
    out = {}
    for i, point in enumerate(points):
        parts = [str(base.get(i, point.get("scenario", "")))] if show_scenario else []
        parts += [f"{k.split('.')[-1]}={_fmt(point[k])}" for k in manifest["varied"]]
        out[i] = ", ".join(p for p in parts if p)
    return out


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _read(out: Path, manifest: dict[str, Any], group_by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-run scalars and per-(group, step) sums, reading one part at a time."""
    outcomes, labels = manifest["outcomes"], IDS + manifest["varied"]
    traj = [o for o in TRAJECTORY if o in outcomes]
    runs, sums = [], []
    for table in iter_parts(out, columns=[*dict.fromkeys([*labels, "step", *outcomes])]):
        df = table.to_pandas().sort_values(["run_id", "step"], kind="stable")
        last = df.drop_duplicates("run_id", keep="last").set_index("run_id")
        mean = df.groupby("run_id")[outcomes].mean()
        per_run = last[[c for c in labels if c != "run_id"]].copy()
        for o in outcomes:
            per_run[f"{o}/final"], per_run[f"{o}/run_mean"] = last[o], mean[o]
        runs.append(per_run)
        if traj:
            sq = df[traj].pow(2).add_suffix("/sq")
            grouped = pd.concat([df[[group_by, "step", *traj]], sq], axis=1).groupby([group_by, "step"])
            part = grouped.sum().join(grouped.size().rename("n"))
            sums = [pd.concat([*sums, part]).groupby(level=[0, 1]).sum()]
    if not runs:
        return pd.DataFrame(), pd.DataFrame()
    traj_frame = pd.DataFrame()
    if sums:
        s, n = sums[0], sums[0]["n"]
        for o in traj:
            mean = s[o] / n
            sd = np.sqrt(np.maximum(s[f"{o}/sq"] - n * mean**2, 0) / np.maximum(n - 1, 1))
            traj_frame[f"{o}/mean"] = mean
            if group_by == "point_id":  # 95 % interval of the mean over replications
                traj_frame[f"{o}/ci_low"], traj_frame[f"{o}/ci_high"] = t_interval(mean, sd, n)
            else:  # many design points per line: the spread of runs (~95 % of them), not a CI
                traj_frame[f"{o}/ci_low"], traj_frame[f"{o}/ci_high"] = mean - 1.96 * sd, mean + 1.96 * sd
    return pd.concat(runs).sort_index(), traj_frame


def summarise(runs: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
    """``summary.csv``: per point, outcome and measure: n, mean, sd and the 95 % t-interval."""
    keys = ["point_id", "scenario", *manifest["varied"]]
    rows = []
    for outcome in manifest["outcomes"]:
        for measure in MEASURES:
            g = runs.groupby(keys, sort=True, dropna=False)[f"{outcome}/{measure}"]
            stats = g.agg(["count", "mean", "std"]).reset_index()
            stats.insert(len(keys), "outcome", outcome)
            stats.insert(len(keys) + 1, "measure", measure)
            rows.append(stats.rename(columns={"count": "n", "std": "sd"}))
    summary = pd.concat(rows, ignore_index=True)
    summary["ci_low"], summary["ci_high"] = t_interval(summary["mean"], summary["sd"], summary["n"])
    order = {o: i for i, o in enumerate(manifest["outcomes"])}
    summary = summary.sort_values(["point_id", "outcome", "measure"], kind="stable",
                                  key=lambda c: c.map(order) if c.name == "outcome" else c)
    return summary.reset_index(drop=True)


def _paired(runs: pd.DataFrame, column: str, a: int, b: int) -> tuple[float, float, float, int]:
    """Mean and 95 % t-interval of point a minus point b over the replicates both have."""
    wide = runs.pivot_table(index="replicate", columns="point_id", values=column, aggfunc="first")
    diff = (wide[a] - wide[b]).dropna()
    n = len(diff)
    low, high = t_interval(diff.mean(), diff.std(), n)
    return float(diff.mean()), float(low), float(high), n


def verdicts(results: Results) -> list[dict[str, Any]]:
    """Best design point per headline outcome, and whether it is ahead beyond the uncertainty.

    With common random numbers, replicate k of every point shares a seed, so the best and the
    runner-up are compared by a paired t-interval of their difference; otherwise by whether
    their 95 % intervals overlap.
    """
    out, s = [], results.summary
    crn = results.manifest["common_random_numbers"]
    part = s[(s.outcome == "participation") & (s.measure == "final")].set_index("point_id")["mean"]
    for outcome, measure, better in HEADLINE:
        rows = s[(s.outcome == outcome) & (s.measure == measure)].dropna(subset=["mean"])
        excluded = []
        if outcome == "free_rider_share" and not part.empty:  # nobody taking part: nobody to free ride
            idle = rows.point_id.map(part).lt(NOBODY).to_numpy()
            excluded, rows = [results.labels[int(i)] for i in rows.point_id[idle]], rows[~idle]
        if len(rows) < 2:
            continue
        rows = rows.sort_values("mean", ascending=better == "lower", kind="stable")
        best, second = rows.iloc[0], rows.iloc[1]
        overlap = not (best.ci_low > second.ci_high or best.ci_high < second.ci_low)
        v = {"outcome": outcome, "measure": measure, "better": better,
             "best": results.labels[int(best.point_id)], "best_mean": best["mean"],
             "best_ci": (best.ci_low, best.ci_high), "second": results.labels[int(second.point_id)],
             "second_mean": second["mean"], "overlap": overlap, "paired": None, "excluded": excluded}
        if crn:
            v["paired"] = _paired(results.runs, f"{outcome}/{measure}", int(best.point_id), int(second.point_id))
            low, high = v["paired"][1:3]
            v["clear"] = bool(low > 0 or high < 0)
        else:
            v["clear"] = not overlap
        out.append(v)
    return out


def analyse(out: str | Path) -> Results:
    """Read a sweep's output directory and compute everything the report shows.

    Raises:
        SetupError: `out` has no ``experiment.json`` or no completed run.
    """
    out = Path(out)
    manifest = read_manifest(out)
    if manifest is None:
        raise SetupError(f"{out}: no experiment.json here; is it the --out of a `coprod sweep`?")
    group_by = "point_id" if manifest["n_points"] <= MAX_LINES else "scenario"
    runs, traj = _read(out, manifest, group_by)
    if runs.empty:
        raise SetupError(f"{out}: no completed run yet; finish it with `coprod sweep ... --resume`")
    results = Results(manifest, runs, summarise(runs, manifest), traj, group_by, point_labels(manifest, runs))
    if len(runs) < manifest["n_runs"]:
        results.notes.append(f"Incomplete sweep: {len(runs)} of {manifest['n_runs']} runs done; "
                             f"finish it with `coprod sweep {manifest['file']} --out {out} --resume`.")
    if manifest["design"] == "grid" and manifest["n_points"] <= 40:
        results.verdicts = verdicts(results)
    if manifest["design"] in ("morris", "sobol"):
        from sim.analysis.sensitivity import indices  # noqa: PLC0415

        results.sensitivity, notes = indices(manifest, runs)
        results.notes += notes
    return results


def headline_table(results: Results) -> pd.DataFrame:
    """Per design point: mean [95 % CI] of each headline outcome (the printed table)."""
    s = results.summary
    table = {}
    for outcome, measure, _ in HEADLINE:
        rows = s[(s.outcome == outcome) & (s.measure == measure)].set_index("point_id")
        if rows.empty:
            continue
        name = f"{outcome} ({'final' if measure == 'final' else 'mean over run'})"
        table[name] = {results.labels[int(i)]: _ci_text(r["mean"], r.ci_low, r.ci_high, outcome)
                       for i, r in rows.iterrows()}
    frame = pd.DataFrame(table)
    frame.index.name = "design point"
    return frame


def _ci_text(mean: float, low: float, high: float, outcome: str) -> str:
    digits = 4 if outcome == "quality_growth" else 3
    if math.isnan(low):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def write_report(out: str | Path) -> tuple[Results, dict[str, Path]]:
    """Write ``summary.csv``, ``sensitivity.csv`` (morris/sobol), the PNG plots and ``report.html``.

    Returns:
        The analysed results, and the written files by short name.
    """
    from sim.analysis.html import render  # noqa: PLC0415
    from sim.analysis.plots import draw_all  # noqa: PLC0415

    out = Path(out)
    results = analyse(out)
    files = {"summary.csv": out / "summary.csv"}
    results.summary.to_csv(files["summary.csv"], index=False)
    if results.sensitivity is not None:
        files["sensitivity.csv"] = out / "sensitivity.csv"
        results.sensitivity.to_csv(files["sensitivity.csv"], index=False)
    files.update(draw_all(results, out))
    files["report.html"] = out / "report.html"
    files["report.html"].write_text(render(results, files), encoding="utf-8")
    return results, files


def report_text(results: Results, files: dict[str, Path]) -> str:
    """What ``coprod report`` prints: notes, the headline table, verdicts and the report's path."""
    lines = [f"coprod: {n}" for n in results.notes]
    table = headline_table(results) if results.manifest["design"] == "grid" else pd.DataFrame()
    if not table.empty and len(table) <= 60:
        lines += ["", "Mean and 95 % interval over replications:", table.to_string(), ""]
    for v in results.verdicts:
        how = "ahead beyond the uncertainty" if v["clear"] else f"not distinguishable from {v['second']}"
        lines.append(f"Best on {v['outcome']} ({'final' if v['measure'] == 'final' else 'mean over run'}): "
                     f"{v['best']} ({how})")
    lines.append(f"\nReport: {files['report.html']} (open it in a browser; summary.csv and PNGs alongside)")
    return "\n".join(lines)
