"""Outcome charts of the dashboard: the live series (blitted) and the A/B comparison (SVG)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dashboards.render import BlittedFigure

#: Outcome charts: reporter, title, whether it is a share in [0, 1].
CHARTS: tuple[tuple[str, str, bool], ...] = (
    ("participation", "Participation", True),
    ("quality", "Service quality", False),
    ("free_rider_share", "Free riding", True),
    ("trust", "Trust", True),
)
AB_COLOURS = ("#1f77b4", "#d62728")


class SeriesFigure(BlittedFigure):
    """Participation, quality, free riding and trust against step, one panel each.

    The x axis spans the run's planned steps (extended by half when passed) and the share
    panels span [0, 1], so axes rarely change and a frame only redraws the lines.
    """

    def __init__(self, horizon: int, width: int = 720, height: int = 460, dpi: int = 100):
        """Prepare the panels for a run of about `horizon` steps."""
        self.horizon = max(int(horizon), 10)
        self.figure = fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        self.canvas = FigureCanvasAgg(fig)
        fig.patch.set_facecolor("white")
        self.axes = fig.subplots(2, 2).ravel()
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.1, top=0.92, hspace=0.45, wspace=0.18)
        self.lines, self.labels = [], []
        self.quality_top = 1.0
        for ax, (name, title, share) in zip(self.axes, CHARTS, strict=True):
            ax.set_title(title, fontsize=11, loc="left")
            ax.tick_params(labelsize=9)
            ax.grid(alpha=0.3)
            ax.set_xlim(0, self.horizon)
            if share:
                ax.set_ylim(-0.02, 1.02)
            else:
                ax.set_ylim(0, self.quality_top)
            (line,) = ax.plot([], [], lw=1.6, color="#1f77b4", animated=True)
            line.set_gid(f"live-{name}")
            self.lines.append(line)
            self.labels.append(ax.text(0.99, 1.03, "", transform=ax.transAxes, ha="right",
                                       va="bottom", fontsize=11, weight="bold", animated=True))
        for ax in self.axes[2:]:
            ax.set_xlabel("step", fontsize=9)
        self._background = None

    def _fit(self, n: int, quality: np.ndarray) -> None:
        """Extend the axes when the run outgrows them (then the background is redrawn)."""
        changed = False
        if n > self.horizon:
            self.horizon = math.ceil(n * 1.5)
            for ax in self.axes:
                ax.set_xlim(0, self.horizon)
            changed = True
        top = float(np.nanmax(quality)) if len(quality) else 0.0
        if top > self.quality_top or (len(quality) and top < self.quality_top / 4 and self.quality_top > 1):
            self.quality_top = max(1.0, top * 1.3)
            self.axes[1].set_ylim(0, self.quality_top)
            changed = True
        if changed:
            self._background = None

    def frame(self, series: Mapping[str, Sequence[float]]) -> bytes:
        """A PNG of the charts; `series` maps reporter name to its values, one per step."""
        n = len(series[CHARTS[0][0]])
        steps = np.arange(1, n + 1)
        self._fit(n, np.asarray(series["quality"], dtype=float))
        for line, label, (name, _title, _share) in zip(self.lines, self.labels, CHARTS, strict=True):
            values = np.asarray(series[name], dtype=float)
            line.set_data(steps, values)
            label.set_text(f"{values[-1]:.3f}" if n else "")
        return self._blit((*self.lines, *self.labels))


# --------------------------------------------------------------------------------------------
# A/B comparison


def ab_svg(frame_a, frame_b, label_a: str = "A", label_b: str = "B") -> str:
    """Inline SVG: each outcome's A and B curves on one shared pair of axes.

    The lines carry ids ``ab-A-<reporter>`` and ``ab-B-<reporter>`` (tests look for them).
    """
    fig = Figure(figsize=(7.2, 4.8), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.1, top=0.86, hspace=0.3, wspace=0.2)
    for ax, (name, title, share) in zip(axes, CHARTS, strict=True):
        for frame, tag, label, colour in (
            (frame_a, "A", label_a, AB_COLOURS[0]), (frame_b, "B", label_b, AB_COLOURS[1]),
        ):
            (line,) = ax.plot(frame["step"], frame[name], color=colour, lw=1.6, label=label)
            line.set_gid(f"ab-{tag}-{name}")
        ax.set_title(title, fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        if share:
            ax.set_ylim(-0.02, 1.02)
        else:
            ax.set_ylim(bottom=0)
    for ax in axes[2:]:
        ax.set_xlabel("step", fontsize=8)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=2, fontsize=9, frameon=False)
    out = io.StringIO()
    fig.savefig(out, format="svg")
    svg = out.getvalue()
    return svg[svg.index("<svg"):]
