"""Reports of ``coprod optimize``, ``discover`` and ``explain``: ``report.html`` and a printed summary.

`write_policy_report(DIR)` reads the files the command wrote (``experiment.json`` says
which: ``kind``), draws its plot (`sim.analysis.policy_plots`) and renders the
self-contained page from ``templates/policy.html.j2`` (autoescaped, images embedded);
`policy_text` is what the command prints. `explanations` reads the attributions a sweep
made of its best design points (``DIR/explain/*/explain.json``) for the sweep's report.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pandas as pd

import sim
from sim.analysis import policy_plots
from sim.analysis.html import ENV, STYLE, num, table
from sim.primitives.errors import SetupError
from sim.sweep.store import read_manifest


def _image(path: Path, caption: str) -> dict[str, str]:
    return {"caption": caption, "data": base64.b64encode(path.read_bytes()).decode("ascii")}


def _tab(header: list[str], rows: list[list[Any]], numeric_from: int = 1) -> dict[str, Any]:
    return {"header": header, "rows": rows, "numeric": set(range(numeric_from, len(header)))}


def _ci(mean: float, low: float, high: float, digits: int = 3) -> str:
    return f"{num(mean, digits)} [{num(low, digits)}, {num(high, digits)}]"


def _json(out: Path, name: str) -> dict[str, Any]:
    path = out / name
    if not path.is_file():
        raise SetupError(f"{out}: no {name} yet; finish the command with --resume")
    return json.loads(path.read_text(encoding="utf-8"))


def _optimize(out: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    s = _json(out, "optimize.json")
    trials, front = pd.read_csv(out / "trials.csv"), _read(out / "front.csv")
    names, levers = list(s["objectives"]), s["levers"]
    done = trials[trials.state == "complete"]
    facts = [["objectives", ", ".join(f"{k}: {v}" for k, v in s["objectives"].items())],
             ["subject to", ", ".join(s["subject_to"]) or "nothing"], ["levers", ", ".join(levers)],
             ["measure", f"{s['measure']} (steady: mean over the last {s['window']} of {s['steps']} steps)"],
             ["robustness", s["robustness"] + (f" (q = {s['quantile']})" if s["robustness"] == "quantile" else "")
              + f" across {s['contexts']} context(s)"],
             ["trials", f"{len(done)} complete of {s['trials']} ({len(trials) - len(done)} failed or unfinished)"],
             ["replications", (f"{s['replications']} per trial and context (common random numbers); "
                              f"front re-run on {s['reevaluate']} fresh seeds")]]
    sections = [{"title": "Search", "tables": [_tab(["", ""], facts, 2)]}]
    images = []
    if policy_plots.pareto(trials, front, s["objectives"], out / "pareto.png"):
        images.append(_image(out / "pareto.png", "Pareto front"))
    rows = [[int(r.trial), *(r[lev] if isinstance(r[lev], str) else num(r[lev], 4) for lev in levers),
             *(f"{num(r[n], 4)} → {_ci(r[f'{n}/fresh'], r[f'{n}/low'], r[f'{n}/high'], 4)}" for n in names),
             "yes" if r.dominated_beyond_intervals else "no"] for _, r in front.iterrows()]
    beaten = int(front.dominated_beyond_intervals.sum()) if not front.empty else 0
    text = (f"{len(front)} non-dominated polic{'y' if len(front) == 1 else 'ies'} (feasible, on the search "
            f"seeds); re-run on fresh seeds, {beaten} of them {'is' if beaten == 1 else 'are'} dominated by "
            "another beyond both 95 % intervals." if not front.empty else "No front was re-evaluated.")
    sections.append({"title": "Pareto front", "paragraphs": [text, ("Each objective: score on the search "
                     "seeds → mean [95 % interval] on fresh seeds.")], "images": images,
                     "tables": [_tab(["trial", *levers, *names, "dominated beyond intervals"], rows, 99)] if rows else []})
    return sections, {"front": len(front), "beaten": beaten, "complete": len(done)}


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return pd.DataFrame()


def box_sentence(box: dict[str, Any], outcome: str, threshold: float, below: bool) -> str:
    """``In 92 % of the contexts where participation is below 0.4, population.trust is ...``."""
    limits = "; ".join(f"{k} is one of {', '.join(v)}" if isinstance(v[0], str) else
                       f"{k} is between {v[0]:.3g} and {v[1]:.3g}" for k, v in box["limits"].items())
    way = "below" if below else "above"
    return (f"{box['coverage']:.0%} of the contexts where {outcome} is {way} {threshold:g} lie where "
            f"{limits or 'nothing is restricted'}; there, {box['density']:.0%} of contexts fall "
            f"{way} ({box['mass']:.0%} of all contexts are in this box).")


def _discover(out: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    s = _json(out, "discover.json")
    way = "below" if s["below"] else "above"
    facts = [["policy", f"{s['base']}" + "".join(f", {k}={v}" for k, v in s["policy"].items())],
             ["cases of interest", (f"{s['outcome']} ({s['measure']}) {way} {s['threshold']:g}: "
                                   f"{s['cases']} of {s['contexts']} contexts")],
             ["uncertainties", ", ".join(f"{k} {v}" for k, v in s["uncertainties"].items())]]
    sections = [{"title": "Contexts", "tables": [_tab(["", ""], facts, 2)]}]
    items = [f"Box {i + 1}: " + box_sentence(b, s["outcome"], s["threshold"], s["below"])
             for i, b in enumerate(s["boxes"])]
    images = []
    if policy_plots.peeling(_read(out / "peeling.csv"), out / "peeling.png"):
        images.append(_image(out / "peeling.png", "Peeling trajectory"))
    sections.append({"title": "Where the policy falls short (PRIM)", "bullets": items or [("No case of interest: "
                     "no box to find.")], "paragraphs": [("Coverage: the share of all cases of interest inside "
                     "the box; density: the share of the box's contexts that are cases; the chosen box is "
                     "the densest that still covers half of the cases.")], "images": images})
    return sections, {"boxes": s["boxes"], "cases": s["cases"], "contexts": s["contexts"], "items": items}


def _explain(out: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    s = _json(out, "explain.json")
    frame = pd.read_csv(out / "explain.csv")
    images = []
    if policy_plots.shapley_bars(frame, s["totals"], out / "explain.png"):
        images.append(_image(out / "explain.png", "Shapley values"))
    tables = []
    for outcome in s["totals"]:
        rows = [[r.lever, r.parameters, *(_ci(r[c], r[f"{c}/low"], r[f"{c}/high"], 4)
                                          for c in ("shapley", "switch_on", "switch_off"))]
                for _, r in frame[frame.outcome == outcome].iterrows()]
        tables.append(_tab([f"{outcome}: lever", "parameters", "Shapley value", f"alone, from {s['a']}",
                            f"alone, back from {s['b']}"], rows, 2))
    checks = ", ".join(f"{o}: {e:.1e}" for o, e in s["sum_error"].items())
    sections = [{"title": f"Why {s['b']} differs from {s['a']}", "bullets": list(s["sentences"].values()),
                 "paragraphs": [(f"Levers: {', '.join(lev['name'] for lev in s['levers'])}. Every combination of "
                                "them ran on the same seeds; the Shapley values add up to the total difference "
                                f"(largest gap over replications: {checks}).")], "images": images,
                 "tables": tables}]
    return sections, {"sentences": s["sentences"]}


KINDS = {"optimize": _optimize, "discover": _discover, "explain": _explain}


def write_policy_report(out: str | Path) -> tuple[str, dict[str, Any], Path]:
    """Write ``report.html`` of a policy command's folder; (kind, summary, report path)."""
    out = Path(out)
    m = read_manifest(out)
    if m is None or m.get("kind") not in KINDS:
        raise SetupError(f"{out}: not the --out folder of coprod optimize, discover or explain")
    sections, summary = KINDS[m["kind"]](out)
    page = ENV.get_template("policy.html.j2").render(
        title=m["name"], kind=m["kind"], style=STYLE, notes=[],
        paragraphs=[p.strip() for p in str(m.get("description", "")).split("\n\n") if p.strip()],
        sections=sections, table=table, version=sim.__version__)
    (out / "report.html").write_text(page, encoding="utf-8")
    return m["kind"], summary, out / "report.html"


def explanations(out: str | Path) -> list[dict[str, Any]]:
    """The attributions a sweep made of its best points (``DIR/explain/*/explain.json``)."""
    found = []
    for path in sorted(Path(out).glob("explain/*/explain.json")):
        s = json.loads(path.read_text(encoding="utf-8"))
        found.append({"a": s["a"], "b": s["b"], "sentences": list(s["sentences"].values()),
                      "folder": path.parent.name})
    return found
