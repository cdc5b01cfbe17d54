"""The report of a sweep: ``summary.csv``, plots, sensitivity indices and ``report.html``.

`write_report(DIR)` analyses the sweep's output folder (`sim.analysis.results`) and writes
the files, with the attributions of ``DIR/explain/`` (`sim.analysis.attribution`) when the
sweep made them; `report_text` is what ``coprod report`` prints.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis.headline import MEASURE_NAMES, headline_table
from sim.analysis.html import render
from sim.analysis.plots import draw_all
from sim.analysis.policy_report import explanations
from sim.analysis.reading import analyse
from sim.analysis.results import Results


def write_report(out: str | Path) -> tuple[Results, dict[str, Path]]:
    """Write ``summary.csv``, ``sensitivity.csv`` (morris/sobol), the PNG plots and ``report.html``.

    Returns:
        The analysed results, and the written files by short name.
    """
    out = Path(out)
    results = analyse(out)
    results.explanations = explanations(out)
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
        lines.append(f"Best on {v['outcome']} ({MEASURE_NAMES[v['measure']]}): "
                     f"{v['best']} ({how})")
    for e in results.explanations:
        lines += ["", f"Why {e['b']} does better than {e['a']} (coprod explain):", *(f"- {s}" for s in e["sentences"])]
    lines.append(f"\nReport: {files['report.html']} (open it in a browser; summary.csv and PNGs alongside)")
    return "\n".join(lines)
