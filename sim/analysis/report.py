"""The report of a sweep: ``summary.csv``, plots, sensitivity indices and ``report.html``.

`write_report(DIR)` analyses the sweep's output folder (`sim.analysis.reading`: the parts
are verified first) and writes the files, each atomically, holding the folder's lock (one
writer at a time), with the attributions of ``DIR/explain/`` (`sim.analysis.attribution`)
when the sweep made them; `report_text` is what ``coprod report`` prints.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis.headline import HEADLINE, MEASURE_NAMES, headline_table
from sim.analysis.html import render
from sim.analysis.plots import draw_all
from sim.analysis.policy_report import explanations
from sim.analysis.reading import analyse
from sim.analysis.results import Results
from sim.primitives.files import write_atomic
from sim.sweep.lock import hold


def write_report(out: str | Path) -> tuple[Results, dict[str, Path]]:
    """Write ``summary.csv``, ``sensitivity.csv`` (morris/sobol), the PNG plots and ``report.html``.

    Returns:
        The analysed results, and the written files by short name.
    """
    out = Path(out)
    with hold(out, f"coprod report {out}"):
        results = analyse(out)
        results.explanations = explanations(out)
        files = {"summary.csv": out / "summary.csv"}
        _write_text(files["summary.csv"], results.summary.to_csv(index=False))
        if results.sensitivity is not None:
            files["sensitivity.csv"] = out / "sensitivity.csv"
            _write_text(files["sensitivity.csv"], results.sensitivity.to_csv(index=False))
        files.update(draw_all(results, out))
        files["report.html"] = out / "report.html"
        _write_text(files["report.html"], render(results, files))
    return results, files


def _write_text(path: Path, text: str) -> None:
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


def report_text(results: Results, files: dict[str, Path]) -> str:
    """What ``coprod report`` prints: notes, the headline table, verdicts and the report's path."""
    lines = [f"coprod: {n}" for n in results.notes]
    table = headline_table(results) if results.manifest["design"] == "grid" else pd.DataFrame()
    if not table.empty and len(table) <= 60:
        lines += ["", "Mean and 95 % interval over replications:", table.to_string(), ""]
    for v in results.verdicts:
        how = "ahead beyond the uncertainty" if v["clear"] else f"not distinguishable from {v['second']}"
        lines.append(f"Best on {v['outcome']} ({MEASURE_NAMES[v['measure']]}): "
                     f"{v['best']} ({how})")
    lines += sensitivity_lines(results) or spread_lines(results)
    for e in results.explanations:
        lines += ["", f"Why {e['b']} does better than {e['a']} (coprod explain):", *(f"- {s}" for s in e["sentences"])]
    lines.append(f"\nReport: {files['report.html']} (open it in a browser; summary.csv and PNGs alongside)")
    return "\n".join(lines)


#: The index a terminal summary ranks the parameters by, per design, and what it is called.
RANKED_BY = {"morris": ("mu_star", "Morris mu*: mean absolute elementary effect"),
             "sobol": ("ST", "Sobol total-order index: share of the variance, interactions included")}


def sensitivity_lines(results: Results, top: int = 3) -> list[str]:
    """The most influential parameters per headline outcome (Morris or Sobol sweeps)."""
    s, design = results.sensitivity, results.manifest["design"]
    if s is None or s.empty or design not in RANKED_BY:
        return []
    key, what = RANKED_BY[design]
    lines = ["", f"Most influential parameters ({what}):"]
    for outcome, group in s.groupby("outcome", sort=False):
        ranked = group.sort_values(key, ascending=False).head(top)
        lines.append(f"  {outcome}: " + ", ".join(f"{r.parameter} {r[key]:.3g}" for _, r in ranked.iterrows()))
    return lines


def spread_lines(results: Results) -> list[str]:
    """How far the headline outcomes range over the design points (designs without a table)."""
    if results.manifest["design"] == "grid" or results.runs.empty:
        return []
    points = results.runs.groupby("point_id")
    lines = ["", f"Across the {points.ngroups} design points (mean over replications): lowest, median, highest"]
    for outcome, measure, _ in HEADLINE:
        column = f"{outcome}/{measure}"
        if column in results.runs:
            means = points[column].mean()
            lines.append(f"  {outcome} ({MEASURE_NAMES[measure]}): {means.min():.3g}, {means.median():.3g}, "
                         f"{means.max():.3g}")
    return lines
