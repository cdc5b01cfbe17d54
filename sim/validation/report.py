"""Run the validation patterns; print the table, write validation.json and one PNG each."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from matplotlib.figure import Figure

from sim.validation import PATTERNS, PatternResult
from sim.validation.evidence import KIND_NAMES, KINDS, Kind

JSON_KEYS = ("id", "kind", "fitted", "source", "target", "value", "ci_low", "ci_high", "passed")


def run_validation(quick: bool = False, only: list[str] | None = None,
                   stream=sys.stderr) -> list[PatternResult]:
    """Run every pattern (or those in `only`) with full or reduced replications.

    Reduced runs (``quick``) use fewer replications with the same tolerances.
    """
    results = []
    for pid, pattern in PATTERNS.items():
        if only is not None and pid not in only:
            continue
        start = time.perf_counter()
        result = pattern.run(pattern.reduced if quick else pattern.full)
        result.evidence = pattern.evidence
        print(f"  {pid} ({KIND_NAMES[pattern.evidence.kind]}): {'pass' if result.passed else 'FAIL'} "
              f"({time.perf_counter() - start:.1f} s)", file=stream)
        results.append(result)
    return results


def kind_of(result: PatternResult) -> Kind:
    """The pattern's kind of evidence (``input``, ``calibration``, ``out_of_sample``)."""
    return result.evidence.kind if result.evidence else PATTERNS[result.id].evidence.kind


def tally(results: list[PatternResult]) -> str:
    """One line per kind: how many patterns passed, and which failed."""
    lines = []
    for kind in KINDS:
        mine = [r for r in results if kind_of(r) == kind]
        if mine:
            failed = [r.id for r in mine if not r.passed]
            lines.append(f"{KIND_NAMES[kind]}: {len(mine) - len(failed)} of {len(mine)} pass"
                         + (f" (missed: {', '.join(failed)})" if failed else ""))
    return "\n".join(lines)


def table(results: list[PatternResult]) -> str:
    """Aligned text table: pattern, kind, value with 95 % CI, pass/fail, target (source)."""
    rows = [("pattern", "kind", "value [95 % CI]", "result", "target (source)")]
    for r in results:
        rows.append((r.id, KIND_NAMES[kind_of(r)], f"{r.value:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]",
                     "PASS" if r.passed else "FAIL", f"{r.target} ({r.source})"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    )


def plot(result: PatternResult, path: Path) -> None:
    """Overlay the model's value(s) and the published target for one pattern."""
    fig = Figure(figsize=(7, 4), dpi=100)
    ax = fig.add_subplot()
    curves = result.curves
    if "users" in curves:  # scale effect: per-user quality against users
        for name in ("online", "offline"):
            ax.plot(curves["users"], curves[name], marker="o", label=f"model, {name}")
        ax.set_xscale("log")
        ax.set_xlabel("users")
        ax.set_ylabel("quality per user")
    elif "categories" in curves:  # bars: model vs published values per category
        labels = curves["categories"]
        names = [k for k in curves if k != "categories"]
        width = 0.8 / len(names)
        for k, name in enumerate(names):
            ax.bar([i + k * width for i in range(len(labels))], curves[name], width=width, label=name)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(labels))], labels)
        ax.set_ylabel("value")
    else:  # trajectories over rounds
        for name, values in curves.items():
            ax.plot(range(1, len(values) + 1), values, marker="o", label=f"model, {name}")
        if result.id == "lab_decay":
            ax.axhspan(0.4, 0.6, xmin=0, xmax=0.1, color="tab:green", alpha=0.2,
                       label="round-1 target 40-60 %")
        ax.set_xlabel("round")
        ax.set_ylabel("mean contribution (share of endowment)")
    ax.set_title(f"{result.id}: {'PASS' if result.passed else 'FAIL'}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)


def write(results: list[PatternResult], out: Path) -> Path:
    """Write validation.json (the required keys plus checks) and one PNG per pattern."""
    out.mkdir(parents=True, exist_ok=True)
    records = []
    for r in results:
        evidence = (r.evidence or PATTERNS[r.id].evidence).as_record()
        record = {k: evidence[k] if k in ("kind", "fitted") else getattr(r, k) for k in JSON_KEYS}
        record["tolerances"] = evidence["tolerances"]
        record["checks"] = r.checks
        records.append(record)
        plot(r, out / f"{r.id}.png")
    path = out / "validation.json"
    path.write_text(json.dumps(records, indent=2))
    return path
