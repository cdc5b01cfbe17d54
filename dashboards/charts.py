"""Timelines of the dashboard: the live outcomes and mechanisms (blitted PNGs), and A/B (SVG).

Every chart reads as `sim.analysis.style` says: a title in words, the y axis with its
unit (shares of citizens in %), time in months, Okabe-Ito colours, direct labels at the
ends of the lines instead of a legend, and a dashed line per timed event. A panel is data
(`Panel`); the live figures keep their axes in a cached background and redraw only the
lines, bands and labels each frame (`render.BlittedFigure`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from dashboards.render import BlittedFigure
from sim.analysis import style
from sim.model.population import TYPE_NAMES
from sim.model.service import SOURCES

#: Derived series: what is left of 1 after the disjoint shares of citizens.
REST = "_rest"
Events = Sequence[tuple[int, str]]


@dataclass(frozen=True)
class Panel:
    """One timeline panel.

    Attributes:
        axis: Outcome whose title, unit and scale the panel takes (`style.outcome_axis`).
        lines: ``(reporter, direct label, colour)`` of each line (or band, if stacked).
        stacked: Draw the series as stacked bands (they add up, e.g. quality by source).
        title: A title replacing the outcome's own.
        value: Label the line with its current value (large type), not its name.
    """

    axis: str
    lines: tuple[tuple[str, str, str], ...]
    stacked: bool = False
    title: str | None = None
    value: bool = False

    @property
    def reporters(self) -> tuple[str, ...]:
        """The recorded outcomes the panel draws."""
        return tuple(r for r, _, _ in self.lines if r != REST)


#: The four headline outcomes (live tab, A/B).
OUTCOMES: tuple[Panel, ...] = (
    Panel("participation", (("participation", "", style.LINES[0]),), value=True),
    Panel("quality", (("quality", "", style.LINES[0]),), value=True),
    Panel("free_rider_share", (("free_rider_share", "", style.LINES[0]),), value=True),
    Panel("trust", (("trust", "", style.LINES[0]),), value=True),
)
_TYPE_LABELS = {"conditional": "conditional cooperators", "free_rider": "free riders",
                "hump": "hump-shaped", "unconditional": "unconditional"}
#: Why the outcomes move: who takes part, who is heard, where quality comes from, who is out.
MECHANISMS: tuple[Panel, ...] = (
    Panel("participation_conditional", tuple(
        (f"participation_{t}", _TYPE_LABELS.get(t, t), style.LINES[k]) for k, t in enumerate(TYPE_NAMES)),
        title="Participation by contributor type"),
    Panel("efficacy", (("efficacy_heard", "input acted on", style.LINES[2]),
                       ("efficacy_ignored", "input ignored", style.LINES[5]),
                       ("trust", "trust, everyone", style.OKABE_ITO[0])),
          title="Efficacy of citizens heard vs ignored"),
    Panel("quality", tuple((f"quality_{s}", s, style.SOURCE_COLOURS.get(s, style.LINES[k]))
                           for k, s in enumerate(SOURCES)), stacked=True, title="Where quality comes from"),
    Panel("participation", (("participation", "took part", style.GROUPS[0][1]),
                            ("free_rider_share", "free riding", style.GROUPS[1][1]),
                            ("exit_share", "exited", style.GROUPS[2][1]),
                            ("excluded_share", "excluded", style.GROUPS[3][1]),
                            (REST, "everyone else", style.GROUPS[4][1])),
          stacked=True, title="Who does what this month (shares of all citizens)"),
)
#: Every reporter a live figure reads.
LIVE_REPORTERS: tuple[str, ...] = tuple(dict.fromkeys(
    r for panel in (*OUTCOMES, *MECHANISMS) for r in panel.reporters))


def _values(series: Mapping[str, Sequence[float]], panel: Panel) -> list[np.ndarray]:
    values = [np.asarray(series[r], dtype=float) for r in panel.reporters]
    if any(r == REST for r, _, _ in panel.lines):
        values.append(np.clip(1.0 - np.sum(values, axis=0), 0.0, 1.0) if values else np.zeros(0))
    return values


def _top(panel: Panel, values: list[np.ndarray]) -> float:
    """The largest value the panel must show (stacked: the top of the stack)."""
    if not values or not len(values[0]):
        return 0.0
    stack = np.nansum(values, axis=0) if panel.stacked else np.concatenate(values)
    finite = stack[np.isfinite(stack)]
    return float(finite.max()) if finite.size else 0.0


class TimelineFigure(BlittedFigure):
    """Panels of outcomes against months, redrawn fast at every frame.

    The x axis spans the planned months (extended by half when passed); bounded outcomes
    span [0, 1] (shown as 0-100 %), others grow with their values. When the axes or the
    events change, the static background is drawn again; otherwise a frame only moves the
    lines, the bands' outlines and the labels, all made once.
    """

    def __init__(self, panels: Sequence[Panel], horizon: int, width: int = 720, height: int = 470,
                 dpi: int = 100):
        """Prepare `panels` (2 columns) for a run of about `horizon` months."""
        self.panels = tuple(panels)
        self.horizon = max(int(horizon), 10)
        self._planned = False  # `plan` changed the horizon: the next frame redraws the axes
        self.figure = fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        self.canvas = FigureCanvasAgg(fig)
        fig.patch.set_facecolor("white")
        rows = math.ceil(len(self.panels) / 2)
        self.axes = list(np.atleast_1d(fig.subplots(rows, 2)).ravel())
        fig.subplots_adjust(left=0.085, right=0.85, bottom=0.1, top=0.93, hspace=0.55, wspace=0.45)
        # unbounded panels start at 2 (quality from 1 upwards): no rescale in the first months
        self.tops = [1.0 if style.outcome_axis(p.axis).bounded else 2.0 for p in self.panels]
        self.events: tuple[tuple[int, str], ...] = ()
        self.marks: list = []
        self.artists: list[list] = []
        self.labels: list[list] = []
        for k, (ax, panel) in enumerate(zip(self.axes, self.panels, strict=False)):
            style.style_axes(ax, panel.axis, xlabel=k >= len(self.panels) - 2, title=False, fontsize=8.5)
            ax.set_title(panel.title or style.outcome_axis(panel.axis).title, fontsize=9.5, loc="left")
            ax.set_xlim(0, self.horizon)
            ax.set_ylim(0, self.tops[k])
            if panel.stacked:
                drawn = [ax.add_patch(Polygon(np.zeros((0, 2)), closed=True, color=c, lw=0, alpha=0.9,
                                              animated=True)) for _, _, c in panel.lines]
            else:
                drawn = [ax.plot([], [], lw=1.6, color=c, animated=True, gid=f"live-{r}")[0]
                         for r, _, c in panel.lines]
            self.artists.append(drawn)
            big = {"fontsize": 9.5, "weight": "bold"} if panel.value else {"fontsize": 7.5}
            self.labels.append([ax.text(0, 0, "", va="center", ha="left", color=c, clip_on=False,
                                        animated=True, **big) for _, _, c in panel.lines])
        self._background = None

    @property
    def months(self) -> int:
        """The months the x axis spans now (from 0), as last drawn."""
        return round(self.axes[0].get_xlim()[1])

    def plan(self, horizon: int) -> None:
        """The planned months changed: the x axis spans them from the next frame on."""
        self.horizon = max(int(horizon), 10)
        self._planned = True

    def _fit(self, n: int, tops: list[float], events: Events) -> None:
        """Extend the axes when the run outgrows them; redraw the background on any change."""
        changed = tuple(events) != self.events or self._planned
        self._planned = False
        if n > self.horizon:
            self.horizon = math.ceil(n * 1.5)
            changed = True
        for k, (panel, top) in enumerate(zip(self.panels, tops, strict=True)):
            bounded = style.outcome_axis(panel.axis).bounded
            if not bounded and (top > self.tops[k] or (self.tops[k] > 2 and top < self.tops[k] / 4)):
                self.tops[k] = max(2.0, top * 1.3)
                changed = True
        if not changed:
            return
        self.events = tuple(events)
        for artist in self.marks:
            artist.remove()
        self.marks = []
        for ax, top in zip(self.axes, self.tops, strict=False):
            ax.set_xlim(0, self.horizon)
            ax.set_ylim(0, top)
            self.marks += style.mark_events(ax, self.events)
        self._background = None

    def frame(self, series: Mapping[str, Sequence[float]], events: Events = ()) -> bytes:
        """A PNG of the panels; `series` maps reporter to its values, one per month."""
        values = [_values(series, panel) for panel in self.panels]
        n = len(values[0][0]) if values and values[0] else 0
        self._fit(n, [_top(p, v) for p, v in zip(self.panels, values, strict=True)], events)
        months = np.arange(1, n + 1, dtype=float)
        artists: list = []
        for k, (ax, panel, vals) in enumerate(zip(self.axes, self.panels, values, strict=False)):
            ends: list[tuple[str, float]] = []
            if panel.stacked:
                base = np.zeros(n)
                for band, raw, (_, name, _c) in zip(self.artists[k], vals, panel.lines, strict=True):
                    v = np.nan_to_num(raw)
                    top = base + v
                    band.set_xy(np.column_stack([np.r_[months, months[::-1]], np.r_[top, base[::-1]]])
                                if n else np.zeros((0, 2)))
                    ends.append((name, base[-1] + v[-1] / 2 if n else math.nan))
                    base = top
            else:
                for line, v, (r, name, _c) in zip(self.artists[k], vals, panel.lines, strict=True):
                    line.set_data(months, v)
                    finite = np.flatnonzero(np.isfinite(v))
                    last = float(v[finite[-1]]) if finite.size else math.nan
                    text = name or style.format_value(r, last)
                    if panel.value and name:
                        text = f"{name} {style.format_value(r, last)}"
                    ends.append((text, last))
            low, high = ax.get_ylim()
            placed = style.spread_labels([low if math.isnan(y) else y for _, y in ends], 0.075 * (high - low),
                                         low, high)
            for label, (text, y), y_label in zip(self.labels[k], ends, placed, strict=True):
                label.set_text(f" {text}" if n and not math.isnan(y) else "")
                label.set_position((n, y_label))
            artists += [*self.artists[k], *self.labels[k]]
        return self._blit(artists)


def outcomes_figure(horizon: int) -> TimelineFigure:
    """The live tab's four headline outcomes."""
    return TimelineFigure(OUTCOMES, horizon)


def mechanisms_figure(horizon: int) -> TimelineFigure:
    """The live tab's mechanisms: why the outcomes move."""
    return TimelineFigure(MECHANISMS, horizon, height=500)


# --------------------------------------------------------------------------------------------
# A/B comparison


def ab_svg(frame_a, frame_b, label_a: str = "A", label_b: str = "B", events: Events = ()) -> str:
    """Inline SVG: each headline outcome's A and B curves on one shared pair of axes.

    Lines carry ids ``ab-A-<reporter>`` and ``ab-B-<reporter>``; each is labelled at its end.
    """
    fig = Figure(figsize=(7.6, 5.2), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2).ravel()
    fig.subplots_adjust(left=0.09, right=0.9, bottom=0.09, top=0.93, hspace=0.45, wspace=0.4)
    for k, (ax, panel) in enumerate(zip(axes, OUTCOMES, strict=True)):
        name = panel.reporters[0]
        style.style_axes(ax, name, xlabel=k >= 2, title=False, fontsize=8)
        ax.set_title(style.outcome_axis(name).title, fontsize=8.5, loc="left")
        ends = []
        for frame, tag, label, colour in ((frame_a, "A", label_a, style.AB[0]),
                                          (frame_b, "B", label_b, style.AB[1])):
            (line,) = ax.plot(frame["step"], frame[name], color=colour, lw=1.6, label=label)
            line.set_gid(f"ab-{tag}-{name}")
            ends.append((label, float(frame["step"].iloc[-1]), float(frame[name].iloc[-1]), colour))
        top = max(float(frame_a[name].max()), float(frame_b[name].max()))
        ax.set_ylim(0, 1 if style.outcome_axis(name).bounded else max(1.0, top * 1.15))
        ax.set_xlim(0, float(frame_a["step"].iloc[-1]))
        style.mark_events(ax, events)
        style.label_line_ends(ax, ends, fontsize=8, gap=0.08 * ax.get_ylim()[1])
    out = io.StringIO()
    fig.savefig(out, format="svg")
    svg = out.getvalue()
    return svg[svg.index("<svg"):]
