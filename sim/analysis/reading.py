"""Reading a sweep's output folder into `Results`: per-run scalars, summaries, trajectories.

`analyse(DIR)` reads the part files one at a time (only the columns it needs), so its
memory does not grow with the number of steps, and computes:

- per run: each recorded outcome at the last step (``final``) and averaged over the
  recorded steps (``run_mean``) and over the final 24 months (``steady``, the steady
  state), and whether it had settled by then (drift within `sim.primitives.stats.settled`);
- per design point: ``n`` replications, ``mean``, ``sd`` and a 95 % interval (``ci_low``,
  ``ci_high``) of each of those, written to ``summary.csv`` (tidy: one row per point,
  outcome and measure): a t-interval, or for shares (participation, free riding, ...) the
  bounded interval of `sim.primitives.stats.share_interval`, which stays in [0, 1];
- per design point and step: mean and the same 95 % interval of the trajectory outcomes,
  for the plots (designs with many points: per scenario, the mean and the 2.5-97.5 %
  quantiles of its runs, at most `BAND_RUNS` of them: a band that never leaves the values
  the runs took);
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
from sim.policy.measures import intervals
from sim.primitives.errors import SetupError
from sim.primitives.stats import settled
from sim.sweep.lock import hold
from sim.sweep.store import iter_parts, read_manifest
from sim.sweep.verify import ranges, scan

__all__ = ["HEADLINE", "analyse"]
BAND_RUNS = 200  # runs per scenario whose quantiles make a trajectory band (the first, by run id)


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
    kept: dict[Any, set[int]] = {}
    samples: list[pd.DataFrame] = []
    for table in iter_parts(out, columns=[*dict.fromkeys([*labels, "step", *outcomes])], keep=keep):
        df = table.to_pandas().sort_values(["run_id", "step"], kind="stable")
        last = df.drop_duplicates("run_id", keep="last").set_index("run_id")
        mean = df.groupby("run_id")[outcomes].mean()
        window = df[df.step > df.run_id.map(last.step) - STEADY_WINDOW].groupby("run_id")
        steady = window[outcomes].mean()
        columns: dict[str, pd.Series] = {}
        for o in outcomes:  # gathered, then joined at once (many outcomes, one frame)
            columns[f"{o}/final"], columns[f"{o}/run_mean"] = last[o], mean[o]
            columns[f"{o}/steady"] = steady[o]
            columns[f"{o}/settled"] = window[o].apply(lambda s: settled(s.to_numpy(), len(s)))
        runs.append(pd.concat([last[[c for c in labels if c != "run_id"]], pd.DataFrame(columns)], axis=1))
        if traj:
            sq = df[traj].pow(2).add_suffix("/sq")
            grouped = pd.concat([df[[group_by, "step", *traj]], sq], axis=1).groupby([group_by, "step"])
            part = grouped.sum().join(grouped.size().rename("n"))
            sums = [pd.concat([*sums, part]).groupby(level=[0, 1]).sum()]
            if group_by != "point_id":
                samples.append(_band_rows(df, group_by, traj, kept))
    if not runs:
        return pd.DataFrame(), pd.DataFrame()
    traj_frame = pd.DataFrame()
    if sums:
        s: pd.DataFrame = sums[0]
        n = s["n"]
        band = pd.concat(samples).groupby([group_by, "step"]) if samples else None
        for o in traj:
            mean = s[o] / n
            sd = np.sqrt(np.maximum(s[f"{o}/sq"] - n * mean**2, 0) / np.maximum(n - 1, 1))
            traj_frame[f"{o}/mean"] = mean
            if band is None:  # 95 % interval of the mean over replications
                traj_frame[f"{o}/ci_low"], traj_frame[f"{o}/ci_high"] = intervals(o, mean, sd, n)
            else:  # many design points per line: where 95 % of the runs are, not a CI
                traj_frame[f"{o}/ci_low"] = band[o].quantile(0.025).reindex(mean.index)
                traj_frame[f"{o}/ci_high"] = band[o].quantile(0.975).reindex(mean.index)
    return pd.concat(runs).sort_index(), traj_frame


def _band_rows(df: pd.DataFrame, group_by: str, traj: list[str], kept: dict[Any, set[int]]) -> pd.DataFrame:
    """The rows of the first `BAND_RUNS` runs of each group (`kept` remembers them across parts)."""
    for group, ids in df.groupby(group_by)["run_id"].unique().items():
        have = kept.setdefault(group, set())
        have.update(sorted(ids)[:max(0, BAND_RUNS - len(have))])
    mine = df[[r in kept[g] for r, g in zip(df.run_id, df[group_by], strict=True)]]
    return mine[[group_by, "step", *traj]]


def summarise(runs: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
    """``summary.csv``: per point, outcome and measure: n, mean, sd and the 95 % interval."""
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
    summary["ci_low"], summary["ci_high"] = np.nan, np.nan
    for outcome in manifest["outcomes"]:
        mine = summary.outcome == outcome
        s = summary[mine]
        summary.loc[mine, "ci_low"], summary.loc[mine, "ci_high"] = intervals(outcome, s["mean"], s["sd"], s["n"])
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
