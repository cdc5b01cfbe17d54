"""The Pareto-front explorer's chart: an inline SVG whose policies are clicked to pick them.

`front_svg` draws every trial of an optimisation (grey, search seeds) and the front re-run
on fresh seeds (its 95 % intervals, clipped to [0, 1] for shares), each front member
labelled with its trial number and drawn in a group with id ``pick-<trial>``. `PickSvg`
shows such an SVG and reports which ``pick-`` group was clicked.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import ipyvuetify as v
import numpy as np
import pandas as pd
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from dashboards.results import Policy
from sim.analysis import style

#: Trials of the search (background), the front, the chosen policy.
TRIAL, FRONT, CHOSEN = "#BBBBBB", style.AB[0], style.AB[1]


def _axis(ax: Any, which: str, name: str, direction: str) -> None:
    axis = style.outcome_axis(name)
    text = f"{axis.title} ({axis.label}; {'higher' if direction == 'maximize' else 'lower'} is better)"
    getattr(ax, f"set_{which}label")(text, fontsize=8.5)
    if axis.percent:
        getattr(ax, f"{which}axis").set_major_formatter(FuncFormatter(lambda x, _: f"{100 * x:.0f}"))


def _error(name: str, mean: float, low: float, high: float) -> list[list[float]]:
    low, high = (float(x) for x in style.clip_share(name, np.array([low, high])))
    return [[max(mean - low, 0.0)], [max(high - mean, 0.0)]]


def front_svg(trials: pd.DataFrame, policies: Sequence[Policy], objectives: dict[str, str],
              chosen: str | None = None) -> str:
    """Inline SVG of the trials and the front; one objective: its score by trial number."""
    names = list(objectives)
    fig = Figure(figsize=(7.2, 4.8), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.13, right=0.95, bottom=0.13, top=0.93)
    done = trials[trials.state == "complete"] if "state" in trials else trials
    two = len(names) > 1
    x_name, y_name = (names[0], names[1]) if two else ("trial", names[0])
    if not done.empty and y_name in done:
        ax.plot(done[x_name], done[y_name], "o", color=TRIAL, ms=4, zorder=1)
        ax.text(0.01, 0.01, "grey: every trial (search seeds)", transform=ax.transAxes, fontsize=7.5,
                color="#666666")
    for p in policies:
        x = p.scores[x_name][0] if two else float(p.key)
        y = p.scores[y_name][0]
        colour = CHOSEN if p.key == chosen else FRONT
        xerr = _error(x_name, *p.scores[x_name]) if two else None
        bars = ax.errorbar([x], [y], xerr=xerr, yerr=_error(y_name, *p.scores[y_name]), fmt="none",
                           ecolor=colour, lw=0.9, capsize=2, zorder=2)
        (mark,) = ax.plot([x], [y], "D", color=colour, ms=11 if p.key == chosen else 9, zorder=3,
                          markeredgecolor="white")
        mark.set_gid(f"pick-{p.key}")
        for artist in bars.lines[2]:
            artist.set_gid(f"pick-{p.key}-interval")
        ax.annotate(p.title, (x, y), xytext=(6, 5), textcoords="offset points", fontsize=8, color=colour)
    if two:
        _axis(ax, "x", x_name, objectives[x_name])
    else:
        ax.set_xlabel("trial (in the order the search ran them)", fontsize=8.5)
    _axis(ax, "y", y_name, objectives[y_name])
    ax.set_title("The Pareto front, run again on fresh seeds (95 % intervals); click a policy",
                 fontsize=9, loc="left")
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    out = io.StringIO()
    fig.savefig(out, format="svg")
    svg = out.getvalue()
    return svg[svg.index("<svg"):]


class PickSvg(v.VuetifyTemplate):
    """An inline SVG; a click inside a group with id ``pick-<key>`` calls `on_pick(key)`.

    Attributes:
        svg: The SVG text.
        css_class: CSS classes of its container.
        on_pick: Called with the key of the group clicked (not synced).
    """

    template_file = (__file__, "pareto.vue")
    svg = traitlets.Unicode("").tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)
    on_pick = traitlets.Any(None, allow_none=True)

    def vue_pick(self, data: Any) -> None:
        """The browser's click on policy `data`."""
        callback: Callable[[str], None] | None = self.on_pick
        if callback is not None and isinstance(data, str):
            callback(data.removesuffix("-interval"))
