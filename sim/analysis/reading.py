"""Reading a sweep's output folder into `Results`: per-run scalars, summaries, trajectories.

`analyse(DIR)` reads the part files one at a time (only the columns it needs), so its
memory does not grow with the number of steps, and computes:

- per run: each recorded outcome at the last step (``final``) and averaged over the
  recorded steps (``run_mean``) and over the final 24 months (``steady``, the steady
  state), and whether it had settled by then (drift within `sim.primitives.stats.settled`);
- per design point: ``n`` replications, ``mean``, ``sd`` and a 95 % t-interval
  (``ci_low``, ``ci_high``) of each of those, written to ``summary.csv`` (tidy: one row per
  point, outcome and measure);
- per design point and step: mean and 95 % t-interval of the trajectory outcomes, for the
  plots (designs with many points: per scenario, mean ± 1.96 sd, the spread of its runs);
- the headline comparison (`sim.analysis.verdicts`) and, for morris and sobol designs,
  SALib sensitivity indices (`sim.analysis.sensitivity`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINE, IDS, MAX_LINES, MEASURES, STEADY_WINDOW, TRAJECTORY
from sim.analysis.results import Results
from sim.analysis.sensitivity import indices
from sim.analysis.verdicts import verdicts
from sim.primitives.errors import SetupError
from sim.primitives.stats import settled, t_interval
from sim.sweep.lock import hold
from sim.sweep.store import iter_parts, read_manifest
from sim.sweep.verify import ranges, scan

__all__ = ["HEADLINE", "analyse"]


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


def _read(out: Path, manifest: dict[str, Any], group_by: str,
          keep: dict[Path, set[int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-run scalars and per-(group, step) sums, reading the verified `keep` one part at a time."""
    outcomes, labels = manifest["outcomes"], IDS + manifest["varied"]
    traj = [o for o in TRAJECTORY if o in outcomes]
    runs: list[pd.DataFrame] = []
    sums: list[pd.DataFrame] = []
    for table in iter_parts(out, columns=[*dict.fromkeys([*labels, "step", *outcomes])], keep=keep):
        df = table.to_pandas().sort_values(["run_id", "step"], kind="stable")
        last = df.drop_duplicates("run_id", keep="last").set_index("run_id")
        mean = df.groupby("run_id")[outcomes].mean()
        window = df[df.step > df.run_id.map(last.step) - STEADY_WINDOW].groupby("run_id")
        steady = window[outcomes].mean()
        per_run = last[[c for c in labels if c != "run_id"]].copy()
        for o in outcomes:
            per_run[f"{o}/final"], per_run[f"{o}/run_mean"] = last[o], mean[o]
            per_run[f"{o}/steady"] = steady[o]
            per_run[f"{o}/settled"] = window[o].apply(lambda s: settled(s.to_numpy(), len(s)))
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
        s: pd.DataFrame = sums[0]
        n = s["n"]
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


def incomplete(manifest: dict[str, Any], done: set[int], labels: dict[int, str], out: Path) -> str:
    """The note of a sweep with missing runs: which runs, which design points, how to finish."""
    n_runs, reps = manifest["n_runs"], manifest["replications"]
    missing = set(range(n_runs)) - done
    short: dict[int, int] = {}
    for run in missing:
        short[run // reps] = short.get(run // reps, 0) + 1
    points = [f"{p} ({labels.get(p, '')}): {reps - k} of {reps}" for p, k in sorted(short.items())[:4]]
    more = f" and {len(short) - 4} more" if len(short) > 4 else ""
    return (f"Incomplete sweep: {len(done & set(range(n_runs)))} of {n_runs} runs done; missing runs "
            f"{ranges(missing)}; design points short of replications: {'; '.join(points)}{more}. "
            f"Finish it with `coprod sweep {manifest['file']} --out {out} --resume`.")


def unsettled(runs: pd.DataFrame) -> list[str]:
    """A note per headline outcome that had not settled by the end in some runs."""
    notes = []
    for outcome, _, _ in HEADLINE:
        column = f"{outcome}/settled"
        if column in runs and not runs[column].all():
            k = int((~runs[column].astype(bool)).sum())
            notes.append(f"{outcome} had not settled by the end in {k} of {len(runs)} runs (it still drifted "
                         f"over the final {STEADY_WINDOW} months): its steady state is provisional; run longer.")
    return notes


def analyse(out: str | Path) -> Results:
    """Verify a sweep's output directory, then compute everything the report shows.

    The parts are verified first (`sim.sweep.verify.scan`: checksums, runs against the
    design): a damaged part is moved aside and named, a run found twice is counted once,
    and missing runs are named in an "Incomplete sweep" note.

    Raises:
        SetupError: `out` has no ``experiment.json``, another process is writing it, or
            it has no completed run.
    """
    out = Path(out)
    with hold(out, f"coprod report {out}"):
        manifest = read_manifest(out)
        if manifest is None:
            raise SetupError(f"{out}: no experiment.json here; is it the --out of a `coprod sweep`?")
        found = scan(out, manifest, repair=False)
        group_by = "point_id" if manifest["n_points"] <= MAX_LINES else "scenario"
        runs, traj = _read(out, manifest, group_by, found.keep)
    if runs.empty:
        raise SetupError(f"{out}: no completed run yet; finish it with `coprod sweep {manifest['file']} "
                         f"--out {out} --resume`")
    results = Results(manifest, runs, summarise(runs, manifest), traj, group_by, point_labels(manifest, runs))
    results.notes += found.notes
    if len(runs) < manifest["n_runs"]:
        results.notes.append(incomplete(manifest, set(runs.index), results.labels, out))
    results.notes += unsettled(runs)
    if manifest["design"] == "grid" and manifest["n_points"] <= 40:
        results.verdicts = verdicts(results)
    if manifest["design"] in ("morris", "sobol"):
        results.sensitivity, notes = indices(manifest, runs)
        results.notes += notes
    return results
