"""How every chart of coprod reads: colour-blind-safe colours, labelled axes with units, marks.

Shared by the sweep report (`sim.analysis.plots`) and the dashboard, so a reader sees the
same colours, the same axis labels and the same units wherever an outcome is drawn:

- **Colours**: the Okabe-Ito palette (Okabe & Ito 2008), distinguishable with the common
  colour-vision deficiencies; the groups of citizens always have the same colour.
- **Axes**: every outcome has a title in words and an axis label with its unit
  (`outcome_axis`): shares of citizens in %, levels on their 0-1 scale, quality against the
  reference service, hours per month; time is in months.
- **Direct labels** at the end of each line instead of a legend (`label_line_ends`), nudged
  apart so they never overlap.
- **Timed events** (a lever changed, a scenario's `events:`) as a dashed vertical line with
  its label on every timeline (`mark_events`); none, nothing drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Okabe-Ito colours, in the palette's order (black first).
OKABE_ITO: tuple[str, ...] = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                              "#D55E00", "#CC79A7")
#: The palette without black and yellow (hard to see on white): for several lines.
LINES: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
#: Two settings compared (A and B).
AB: tuple[str, str] = ("#0072B2", "#D55E00")
#: The disjoint groups of citizens in a month, as `sim.model.record` defines them.
GROUPS: tuple[tuple[str, str], ...] = (
    ("took part", "#009E73"), ("free riding", "#E69F00"), ("exited", "#CC79A7"),
    ("excluded", "#0072B2"), ("everyone else", "#D0D0D0"),
)
#: Sources of service quality (`quality_<source>` reporters) and their colours.
SOURCE_COLOURS: dict[str, str] = {"administration": "#0072B2", "citizens": "#009E73",
                                  "firms": "#E69F00", "data": "#CC79A7"}
TIME_LABEL = "month"


@dataclass(frozen=True)
class OutcomeAxis:
    """How one outcome is titled and scaled on a chart.

    Attributes:
        title: What it is, in words.
        label: The axis label, with its unit.
        percent: Drawn as a percentage (a share in [0, 1] shown as 0-100 %).
        bounded: Its values lie in [0, 1] (axes and intervals stay inside).
    """

    title: str
    label: str
    percent: bool = False
    bounded: bool = False


_LEVEL = "mean level (0 to 1)"
_AXES: dict[str, OutcomeAxis] = {
    "participation": OutcomeAxis("Participation: took part this month", "% of all citizens", True, True),
    "participation_individual": OutcomeAxis("Individual acts (reports, data, votes)", "% of all citizens", True, True),
    "participation_collective": OutcomeAxis("Collective effort", "% of all citizens", True, True),
    "hours_per_participant": OutcomeAxis("Hours given per participant", "hours per month"),
    "mean_contribution": OutcomeAxis("Mean collective effort", "% of the time budget", True, True),
    "quality": OutcomeAxis("Service quality", "quality (1 = reference service)"),
    "quality_growth": OutcomeAxis("Growth of service quality", "% change per month", True),
    "free_rider_share": OutcomeAxis("Free riding: used it, could act, gave nothing", "% of all citizens", True, True),
    "exit_share": OutcomeAxis("Exit: stopped after trying", "% of all citizens", True, True),
    "excluded_share": OutcomeAxis("Excluded by the access rule", "% of all citizens", True, True),
    "trust": OutcomeAxis("Trust in the administration", _LEVEL, bounded=True),
    "efficacy": OutcomeAxis("Efficacy: belief that input is acted on", _LEVEL, bounded=True),
    "efficacy_heard": OutcomeAxis("Efficacy of those whose input was acted on", _LEVEL, bounded=True),
    "efficacy_ignored": OutcomeAxis("Efficacy of those whose input was ignored", _LEVEL, bounded=True),
    "legitimacy": OutcomeAxis("Legitimacy of the sanctions", _LEVEL, bounded=True),
    "inclusiveness_gap": OutcomeAxis("Participation gap, least vs most deprived", "percentage points", True),
    "contribution_gini": OutcomeAxis("Inequality of hours given (Gini)", "Gini (0 to 1)", bounded=True),
    "top1_share": OutcomeAxis("Hours given by the top 1 %", "% of all hours", True, True),
    "admin_cost": OutcomeAxis("Administration cost", "cost per citizen per month"),
    "active_firms": OutcomeAxis("Active firms", "firms"),
    "welfare": OutcomeAxis("Welfare", "net payoff per citizen per month"),
    "data_contributions": OutcomeAxis("Citizens sharing data", "% of all citizens", True, True),
    "public_use": OutcomeAxis("Citizens using the service", "% of all citizens", True, True),
    "firm_free_rider_share": OutcomeAxis("Firms not contributing back", "% of active firms", True, True),
}


def outcome_axis(name: str) -> OutcomeAxis:
    """Title, axis label and scale of outcome `name` (any reporter, or a derived name)."""
    if name in _AXES:
        return _AXES[name]
    if name.startswith("quality_"):
        return OutcomeAxis(f"Quality from {name.removeprefix('quality_')}", "quality (1 = reference service)")
    if name.startswith("participation_"):
        who = name.removeprefix("participation_").replace("_", " ")
        return OutcomeAxis(f"Participation: {who}", "% of the group", True, True)
    return OutcomeAxis(name.replace("_", " ").capitalize(), name.replace("_", " "))


def describe(name: str) -> str:
    """A short phrase for outcome `name` in a sentence ("participation", "free riding")."""
    words = {"free_rider_share": "free riding", "exit_share": "exit", "excluded_share": "exclusion",
             "quality": "service quality", "quality_growth": "quality growth"}
    return words.get(name, name.replace("_", " "))


def format_value(name: str, value: float, digits: int = 3) -> str:
    """`value` of outcome `name` as a reader sees it: ``"23.4 %"`` for a share, else ``"0.512"``."""
    if math.isnan(value):
        return "n/a"
    if outcome_axis(name).percent:
        return f"{100 * value:.1f} %"
    return f"{value:.{digits}g}"


def style_axes(ax: Any, name: str, *, xlabel: bool = True, title: bool = True, fontsize: float = 9) -> None:
    """Title, axis labels with units, percent ticks and grid for outcome `name` on `ax`."""
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415 (matplotlib is slow to import)

    axis = outcome_axis(name)
    if title:
        ax.set_title(axis.title, fontsize=fontsize + 1, loc="left")
    ax.set_ylabel(axis.label, fontsize=fontsize)
    if xlabel:
        ax.set_xlabel(TIME_LABEL, fontsize=fontsize)
    if axis.percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:.0f}"))
    ax.tick_params(labelsize=fontsize - 1)
    ax.grid(alpha=0.3)


def clip_share(name: str, values: Any) -> Any:
    """Interval bounds of a bounded outcome clipped to [0, 1] (others unchanged)."""
    import numpy as np  # noqa: PLC0415

    return np.clip(values, 0.0, 1.0) if outcome_axis(name).bounded else values


def spread_labels(ys: Sequence[float], gap: float, low: float | None = None,
                  high: float | None = None) -> list[float]:
    """Label heights near `ys`, at least `gap` apart, in the same order, within [low, high]."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [0.0] * len(ys)
    last = float("-inf") if low is None else low - gap / 2
    for i in order:
        placed[i] = max(float(ys[i]), last + gap)
        last = placed[i]
    if high is not None and order and placed[order[-1]] > high:
        ceiling = high + gap / 2
        for i in reversed(order):  # push down from the top, keeping the gaps
            placed[i] = min(placed[i], ceiling - gap)
            ceiling = placed[i]
    return placed


def label_line_ends(ax: Any, items: Iterable[tuple[str, float, float, str]], *, fontsize: float = 8.5,
                    gap: float | None = None, animated: bool = False) -> list[Any]:
    """Direct labels: ``(text, x, y, colour)`` written just right of each line's last point.

    Labels are nudged apart vertically (by `gap` in data units; default 6 % of the y range)
    so they never overlap; NaN ends are skipped. Returns the text artists.
    """
    items = [it for it in items if it[2] == it[2]]
    if not items:
        return []
    low, high = ax.get_ylim()
    ys = spread_labels([y for _, _, y, _ in items], gap if gap is not None else 0.06 * (high - low),
                       low, high)
    return [ax.text(x, y, f" {text}", va="center", ha="left", fontsize=fontsize, color=colour,
                    clip_on=False, animated=animated)
            for (text, x, _y, colour), y in zip(items, ys, strict=True)]


def mark_events(ax: Any, events: Iterable[tuple[int, str]], *, label: bool = True,
                fontsize: float = 7.5) -> list[Any]:
    """A dashed vertical line per ``(month, label)`` event, labelled at the top; none, nothing."""
    artists = []
    for month, text in events:
        artists.append(ax.axvline(month, color="#555555", lw=0.9, ls="--", zorder=0.5))
        if label:
            artists.append(ax.text(month, 0.98, f" {text}", transform=ax.get_xaxis_transform(),
                                   rotation=90, va="top", ha="left", fontsize=fontsize, color="#333333"))
    return artists
