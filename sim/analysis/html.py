"""``report.html``: one self-contained page a policy reader can open offline.

Rendered from the Jinja2 template ``templates/report.html.j2`` with autoescaping, so no
value from an experiment file reaches the page unescaped. Images are embedded as base64
data URIs and the style sheet is inline: no external CSS, JavaScript, fonts or network
access. The page states the design, the headline table with 95 % intervals, which design
point does best on each headline outcome and whether that is distinguishable from the
runner-up, the plots, and for morris/sobol designs the SALib sensitivity indices.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

import sim
from sim.analysis.headline import STEADY_WINDOW, headline_table
from sim.analysis.results import Results

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.short{background:#eef5fb;border-left:4px solid #0072B2;padding:.3em 1em;margin:1em 0}
.short h2{border:none;margin-top:.4em}
.note{background:#fff6d6;border-left:4px solid #e0b000;padding:.5em .8em}
.clear{color:#135e1b;font-weight:600}.unclear{color:#8a5300;font-weight:600}
img{max-width:100%;border:1px solid #eee}code{background:#f3f3f3;padding:0 .2em}
"""
MEASURE = {"final": "at the last step", "run_mean": "averaged over the run",
           "steady": f"at the steady state (mean over the final {STEADY_WINDOW} months)"}
CAPTIONS = {"trajectories.png": "Outcomes over time", "final.png": "Headline outcomes per design point",
            "scatter.png": "Design-point means against each varied parameter",
            "sensitivity.png": "Sensitivity indices"}
ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)
_TABLE = ENV.from_string(
    "<table><tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr>"
    "{% for row in rows %}<tr>{% for cell in row %}<td{% if loop.index0 in numeric %} class=n{% endif %}>"
    "{{ cell }}</td>{% endfor %}</tr>{% endfor %}</table>")


def num(value: Any, digits: int = 3) -> str:
    """`value` with `digits` decimals; ``-`` for none or NaN."""
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def table(header: list[Any], rows: list[list[Any]], numeric: set[int] | frozenset[int] = frozenset()) -> Markup:
    """An HTML table (cells escaped)."""
    return Markup(_TABLE.render(header=header, rows=rows, numeric=numeric))


def _facts(results: Results) -> list[list[Any]]:
    m = results.manifest
    exp = m["experiment"]
    steps = exp["steps"] or ", ".join(sorted({str(s["steps"]) for s in exp["scenarios"].values()}))
    varied = ", ".join(f["name"] for f in m["factors"]) or "nothing (replications only)"
    seeds = ("common random numbers: replicate k of every design point uses the same seed, so "
             "design points are compared on the same random draws" if m["common_random_numbers"]
             else "an independent seed per run")
    return [["experiment file", m["file"]], ["design", f"{m['design']}, {m['n_points']} design points"],
            ["varied", varied], ["replications", m["replications"]],
            ["runs", f"{len(results.runs)} done of {m['n_runs']}"], ["steps", steps],
            ["seeds", f"from experiment seed {m['seed']}; {seeds}"],
            ["experiment hash", m["hash"][:16]], ["coprod version", exp["package_version"]]]


def _verdict(v: dict[str, Any]) -> dict[str, Any]:
    low, high = v["best_ci"]
    if v["paired"] is not None:
        d, dlow, dhigh, n = v["paired"]
        comparison = (f"Difference {d:+.4f} [{num(dlow, 4)}, {num(dhigh, 4)}], paired over {n} "
                      "replications sharing seeds:")
    else:
        comparison = f"The 95 % intervals {'overlap' if v['overlap'] else 'do not overlap'}:"
    return {"outcome": v["outcome"].replace("_", " "), "measure": MEASURE[v["measure"]],
            "better": v["better"], "best": v["best"],
            "best_value": f"{num(v['best_mean'], 4)} [{num(low, 4)}, {num(high, 4)}]",
            "second": v["second"], "second_mean": num(v["second_mean"], 4),
            "comparison": comparison, "clear": v["clear"], "excluded": ", ".join(v["excluded"])}


def _sensitivity(results: Results) -> dict[str, Any] | None:
    si = results.sensitivity
    if si is None:
        return None
    cols = [c for c in si.columns if c not in ("outcome", "measure", "parameter")]
    rows = [[r.outcome, MEASURE[r.measure], r.parameter, *(num(r[c], 4) for c in cols)] for _, r in si.iterrows()]
    explain = ("mu* is the mean absolute elementary effect (overall influence, in the outcome's units), "
               "sigma their spread (non-linearity or interactions), mu*_conf a 95 % bootstrap half-width."
               if results.manifest["design"] == "morris" else
               "S1 is the share of the outcome's variance due to the parameter alone, ST including its "
               "interactions; _conf are 95 % bootstrap half-widths.")
    return {"explain": explain, "header": ["outcome", "measure", "parameter", *cols], "rows": rows,
            "numeric": set(range(3, 3 + len(cols)))}


def _in_short(results: Results) -> list[str]:
    """The page's opening summary in plain words: who does best on each outcome, and why.

    One sentence per headline outcome from the verdicts (best, runner-up, whether the gap is
    beyond run-to-run noise), then the attribution of the gap to the levers that differ
    (`Results.explanations`, the Shapley sentences) for the first comparison explained.
    """
    lines = []
    for v in results.verdicts:
        what = v["outcome"].replace("_", " ")
        gap = ("clearly ahead of" if v["clear"] else "not distinguishable from")
        lines.append(f"On {what} ({v['better']} is better), {v['best']} does best "
                     f"({num(v['best_mean'], 3)}), {gap} {v['second']} ({num(v['second_mean'], 3)}).")
    if results.explanations:
        first = results.explanations[0]
        lines.extend(f"Why {first['b']} differs from {first['a']}: {s}" for s in first["sentences"])
    return lines


def render(results: Results, files: dict[str, Path]) -> str:
    """The HTML text of the report, with the PNGs in `files` embedded."""
    m = results.manifest
    frame = headline_table(results)
    headline = None
    if not frame.empty and (m["design"] == "grid" or m["n_points"] <= 60):
        headline = {"header": [frame.index.name, *frame.columns],
                    "rows": [[i, *r] for i, r in frame.iterrows()]}
    images = [{"caption": caption, "data": base64.b64encode(files[name].read_bytes()).decode("ascii")}
              for name, caption in CAPTIONS.items() if name in files]
    return ENV.get_template("report.html.j2").render(
        m=m, style=STYLE, in_short=_in_short(results), paragraphs=[p.strip() for p in m["description"].split("\n\n") if p.strip()],
        notes=results.notes, facts=_facts(results), table=table, headline=headline,
        verdicts=[_verdict(v) for v in results.verdicts], images=images,
        sensitivity=_sensitivity(results), explanations=results.explanations, version=sim.__version__)
