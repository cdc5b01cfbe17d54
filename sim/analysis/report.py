"""The report of a sweep: ``summary.csv``, plots, sensitivity indices and ``report.html``.

`write_report(DIR)` analyses the sweep's output folder (`sim.analysis.reading`: the parts
are verified first) and writes the files, each atomically, holding the folder's lock (one
writer at a time), with the attributions of ``DIR/explain/`` (`sim.analysis.attribution`)
when the sweep made them; `report_text` is what ``coprod report`` prints.
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
    for e in results.explanations:
        lines += ["", f"Why {e['b']} does better than {e['a']} (coprod explain):", *(f"- {s}" for s in e["sentences"])]
    lines.append(f"\nReport: {files['report.html']} (open it in a browser; summary.csv and PNGs alongside)")
    return "\n".join(lines)
