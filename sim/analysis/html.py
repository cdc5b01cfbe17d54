"""``report.html``: one self-contained page a policy reader can open offline.

Images are embedded as base64 data URIs and the style sheet is inline: no external CSS,
JavaScript, fonts or network access. The page states the design, the headline table with
95 % intervals, which design point does best on each headline outcome and whether that is
distinguishable from the runner-up, the plots, and for morris/sobol designs the SALib
sensitivity indices.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sim

if TYPE_CHECKING:
    from sim.analysis.report import Results

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{background:#fff6d6;border-left:4px solid #e0b000;padding:.5em .8em}
.clear{color:#135e1b;font-weight:600}.unclear{color:#8a5300;font-weight:600}
img{max-width:100%;border:1px solid #eee}code{background:#f3f3f3;padding:0 .2em}
"""
MEASURE = {"final": "at the last step", "run_mean": "averaged over the run"}


def _e(value: Any) -> str:
    return html.escape(str(value))


def _num(value: float, digits: int = 3) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{_e(c)}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _facts(results: Results) -> str:
    m = results.manifest
    exp = m["experiment"]
    steps = exp["steps"] or ", ".join(sorted({str(s["steps"]) for s in exp["scenarios"].values()}))
    varied = ", ".join(f["name"] for f in m["factors"]) or "nothing (replications only)"
    seeds = ("common random numbers: replicate k of every design point uses the same seed, so "
             "design points are compared on the same random draws" if m["common_random_numbers"]
             else "an independent seed per run")
    rows = [["experiment file", m["file"]], ["design", f"{m['design']}, {m['n_points']} design points"],
            ["varied", varied], ["replications", m["replications"]],
            ["runs", f"{len(results.runs)} done of {m['n_runs']}"], ["steps", steps],
            ["seeds", f"from experiment seed {m['seed']}; {seeds}"],
            ["experiment hash", m["hash"][:16]], ["coprod version", exp["package_version"]]]
    return _table(["", ""], rows)


def _verdict(v: dict[str, Any], reps: int) -> str:
    what = f"<b>{_e(v['outcome'].replace('_', ' '))}</b> ({MEASURE[v['measure']]}, {v['better']} is better)"
    low, high = v["best_ci"]
    text = (f"{what}: best is <b>{_e(v['best'])}</b>, {_num(v['best_mean'], 4)} "
            f"[{_num(low, 4)}, {_num(high, 4)}]; runner-up {_e(v['second'])}, {_num(v['second_mean'], 4)}. ")
    if v["paired"] is not None:
        d, dlow, dhigh, n = v["paired"]
        text += (f"Difference {d:+.4f} [{_num(dlow, 4)}, {_num(dhigh, 4)}], paired over {n} replications "
                 "sharing seeds: ")
    else:
        text += f"The 95 % intervals {'overlap' if v['overlap'] else 'do not overlap'}: "
    if v["clear"]:
        text += "<span class=clear>ahead beyond the run-to-run uncertainty.</span>"
    else:
        text += (f"<span class=unclear>not distinguishable from the runner-up with {reps} replications"
                 "</span> (more replications may separate them, or they may be equivalent).")
    if v["excluded"]:
        text += (f" Left out: {_e(', '.join(v['excluded']))}, where nobody takes part at the end, so "
                 "there is nobody to free ride.")
    return text


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<p><img alt="{_e(alt)}" src="data:image/png;base64,{data}"></p>'


def _sensitivity(results: Results) -> str:
    si = results.sensitivity
    if si is None:
        return ""
    cols = [c for c in si.columns if c not in ("outcome", "measure", "parameter")]
    rows = [[r.outcome, MEASURE[r.measure], r.parameter, *(_num(r[c], 4) for c in cols)] for _, r in si.iterrows()]
    explain = ("mu* is the mean absolute elementary effect (overall influence, in the outcome's units), "
               "sigma their spread (non-linearity or interactions), mu*_conf a 95 % bootstrap half-width."
               if results.manifest["design"] == "morris" else
               "S1 is the share of the outcome's variance due to the parameter alone, ST including its "
               "interactions; _conf are 95 % bootstrap half-widths.")
    return (f"<h2>Sensitivity (SALib, {results.manifest['design']})</h2><p>{explain} Computed on the mean over "
            "replications of each design point.</p>"
            + _table(["outcome", "measure", "parameter", *cols], rows, set(range(3, 3 + len(cols)))))


def render(results: Results, files: dict[str, Path]) -> str:
    """The HTML text of the report, with the PNGs in `files` embedded."""
    from sim.analysis.report import headline_table  # noqa: PLC0415

    m = results.manifest
    parts = [f"<h1>{_e(m['name'])}</h1>"]
    parts += [f"<p>{_e(p.strip())}</p>" for p in m["description"].split("\n\n") if p.strip()]
    parts += [f"<p class=note>{_e(n)}</p>" for n in results.notes]
    parts += ["<h2>Design</h2>", _facts(results)]
    table = headline_table(results)
    if not table.empty and (m["design"] == "grid" or m["n_points"] <= 60):
        parts += ["<h2>Headline outcomes</h2>",
                  ("<p>Mean over replications and 95 % t-interval [low, high] per design point. "
                  "Participation and free riding at the last step; quality growth averaged over the run.</p>"),
                  _table([table.index.name, *table.columns], [[i, *r] for i, r in table.iterrows()])]
    if results.verdicts:
        parts += ["<h2>Which does best?</h2><ul>"]
        parts += [f"<li>{_verdict(v, m['replications'])}</li>" for v in results.verdicts]
        parts += [("</ul><p>A 95 % interval would contain the model's true mean in 95 % of repeated "
                   "sweeps: it measures run-to-run randomness only, not uncertainty about the model's "
                   "assumptions or parameter values. These are model results, not forecasts.</p>")]
    captions = {"trajectories.png": "Outcomes over time", "final.png": "Headline outcomes per design point",
                "scatter.png": "Design-point means against each varied parameter",
                "sensitivity.png": "Sensitivity indices"}
    for name, caption in captions.items():
        if name in files:
            parts += [f"<h2>{caption}</h2>", _image(files[name], caption)]
    parts.append(_sensitivity(results))
    parts += ["<h2>Data and reproduction</h2>",
              ("<p>Every row of <code>runs/part-*.parquet</code> (long format: run id, point, replicate, "
              "seed, scenario, varied parameters, step, outcomes) and <code>summary.csv</code> sit next to "
              "this page. Any single run is reproduced by <code>coprod run SCENARIO --seed SEED --steps N "
              "--set key=value ...</code> with its row's seed, the experiment's fixed values and the row's "
              "varied values.</p>"),
              f"<p>Generated by coprod {_e(sim.__version__)}.</p>"]
    body = "\n".join(parts)
    return (f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>{_e(m['name'])} — coprod sweep"
            f"</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")
