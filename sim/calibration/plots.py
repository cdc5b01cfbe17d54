"""The fit's figures (matplotlib, no pyplot state: safe in any process).

- `pairs`: the posterior of every parameter (weighted histograms on the diagonal, over
  the prior's range) and of every pair (the particles, darker for heavier weights), with
  the 90 % credible interval dashed and the true values, when known, in red;
- `epsilon`: the acceptance threshold per generation (log scale) and the acceptance rate;
- `predictive`: each observed outcome's 90 % predictive band and median against the
  observed months, and every statistic's predictive interval on the standardised scale
  of the distance ((simulated - observed) / scale; 0 is the data).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.calibration.targets import Targets


def _short(name: str) -> str:
    return name.split(".", 1)[-1]


def pairs(particles: Any, weights: Any, targets: Targets, rows: list[dict[str, Any]], target: Any) -> None:
    """The pairs plot of the last generation (see the module docstring)."""
    names = list(targets.priors)
    d = len(names)
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    fig = Figure(figsize=(2.6 * d + 0.6, 2.6 * d + 0.4), dpi=100)
    axes = fig.subplots(d, d, squeeze=False)
    shade = 0.15 + 0.85 * w / w.max()
    for i, yi in enumerate(names):
        for j, xj in enumerate(names):
            ax = axes[i][j]
            px, py = targets.priors[xj], targets.priors[yi]
            if i == j:
                ax.hist(particles[xj], bins=20, range=(px.low, px.high), weights=w, color="tab:blue", alpha=0.7)
                for q in ("q05", "q95"):
                    ax.axvline(rows[j][q], color="k", ls="--", lw=1)
                ax.set_yticks([])
            elif i > j:
                ax.scatter(particles[xj], particles[yi], s=8, c="tab:blue", alpha=shade, linewidths=0)
                ax.set_ylim(py.low, py.high)
                if yi in targets.truth:
                    ax.axhline(targets.truth[yi], color="tab:red", lw=1)
            else:
                ax.axis("off")
                continue
            ax.set_xlim(px.low, px.high)
            if xj in targets.truth:
                ax.axvline(targets.truth[xj], color="tab:red", lw=1.2)
            if i == d - 1:
                ax.set_xlabel(_short(xj))
            if j == 0 and i > 0:
                ax.set_ylabel(_short(yi))
    fig.suptitle(f"{targets.name}: posterior (dashed: 90 % interval" + ("; red: true value)" if targets.truth else ")"))
    fig.tight_layout()
    fig.savefig(target, format="png")


def epsilon(populations: Any, target: Any) -> None:
    """Threshold and acceptance rate per generation (`populations`: pyabc's table, t >= 0)."""
    fig = Figure(figsize=(7, 4.5), dpi=100)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(populations["t"], populations["epsilon"], marker="o")
    top.set_yscale("log")
    top.set_ylabel("epsilon (distance)")
    top.grid(alpha=0.3)
    bottom.plot(populations["t"], populations["particles"] / populations["samples"], marker="o", color="tab:green")
    bottom.set_ylabel("acceptance rate")
    bottom.set_xlabel("generation")
    bottom.grid(alpha=0.3)
    top.set_title("Acceptance threshold and rate per generation")
    fig.tight_layout()
    fig.savefig(target, format="png")


def predictive(result: dict[str, Any], target: Any) -> None:
    """The posterior predictive check against the data (see the module docstring)."""
    bands = result.get("series", {})
    panels = len(bands) + 1
    fig = Figure(figsize=(7.5, 2.6 * panels + 0.5), dpi=100)
    axes = fig.subplots(panels, 1, squeeze=False)[:, 0]
    for ax, (outcome, band) in zip(axes, bands.items(), strict=False):
        months = np.arange(1, len(band["p50"]) + 1)
        ax.fill_between(months, band["p05"], band["p95"], color="tab:blue", alpha=0.25, label="90 % predictive band")
        ax.plot(months, band["p50"], color="tab:blue", lw=1, label="predictive median")
        seen = np.array([v is not None for v in band["observed"]])
        observed = np.array([np.nan if v is None else v for v in band["observed"]], dtype=float)
        ax.plot(months[seen], observed[seen], "k.", ms=4, label="observed")
        ax.set_ylabel(outcome, fontsize=8)
        ax.set_title(f"{outcome}: {band['inside_share']:.0%} of observed months inside the band", fontsize=9)
        ax.grid(alpha=0.3)
    if bands:
        axes[0].legend(fontsize=7, loc="best")
        axes[len(bands) - 1].set_xlabel("observed month")
    ax = axes[-1]
    stats = result["statistics"]
    names = list(stats)
    for k, name in enumerate(names):
        s = stats[name]
        scale = s["scale"] or 1.0
        low, mid, high = ((s[q] - s["observed"]) / scale for q in ("p05", "p50", "p95"))
        ax.plot([low, high], [k, k], color="tab:green" if s["inside"] else "tab:red", lw=2)
        ax.plot([mid], [k], "k|")
    ax.axvline(0, color="k", lw=1)
    ax.set_yticks(range(len(names)), names, fontsize=6)
    ax.set_xlabel("(simulated - observed) / scale: 90 % predictive interval")
    ax.set_title(f"statistics: {result['statistics_inside']:.0%} inside their interval", fontsize=9)
    fig.tight_layout()
    fig.savefig(target, format="png")
