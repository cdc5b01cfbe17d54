"""Drawing for the dashboard: fast enough to redraw at every step while a class watches.

Mesa's matplotlib components build a new `Figure` and re-render every artist at each
update (about 100 ms per chart, and a 1,000-node network drawn with `networkx.draw` after a
`spring_layout` of several seconds). Here each view keeps one figure per model: the static
parts (axes, ticks, the network's edges, the legend) are rendered once into a background,
and each frame restores it and draws only what changed (the lines, the citizens' colours
and sizes, the firms) before encoding a PNG. The network layout is computed once per
network and cached (`dashboards.layout`).

Everything here is plain matplotlib (Agg) and NumPy, usable and tested without a browser.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from dashboards.layout import network_layout
from sim.analysis.style import GROUPS
from sim.model.record import excluded, exited, free_riding, took_part

#: Behaviour classes, in code order, with their colours (Okabe-Ito; the same groups and
#: colours as the "who does what" chart).
BEHAVIOURS: tuple[str, ...] = tuple(name for name, _ in GROUPS)
BEHAVIOUR_COLOURS: tuple[str, ...] = tuple(colour for _, colour in GROUPS)
CONTRIBUTING, FREE_RIDING, EXITED, EXCLUDED, INACTIVE = range(len(GROUPS))
FIRMS_DRAWN = 120


def encode_png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's current pixels as a 256-colour PNG.

    Frames are sent to the browser at every step, so size and speed matter more than the
    last bit of colour: an octree palette (no dithering, at most 14/255 off per channel)
    makes the network frame about 4x smaller (~65 KB instead of ~240 KB at 1,000
    citizens) and faster to encode than full-colour PNG.
    """
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
    paletted = rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    paletted.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def classify(model) -> np.ndarray:
    """Behaviour class of each citizen at the last step (codes into `BEHAVIOURS`).

    The classes are the model's own (`sim.model.record`), disjoint as its shares are:
    took part (``participation``), free riding (``free_rider_share``), exited
    (``exit_share``), excluded (``excluded_share``), and everyone else.
    """
    record = model.last_step
    out = np.full(record.uses.shape[0], INACTIVE, dtype=np.int8)
    out[excluded(record)] = EXCLUDED
    out[exited(record)] = EXITED
    out[free_riding(record)] = FREE_RIDING
    out[took_part(record)] = CONTRIBUTING
    return out


class BlittedFigure:
    """A figure whose static parts are rendered once; frames redraw only what changed.

    Subclasses set ``figure``, ``canvas`` and ``_background = None`` and call `_blit`.
    """

    figure: Figure
    canvas: FigureCanvasAgg
    _background: object | None

    def _blit(self, artists: Sequence) -> bytes:
        """Restore the cached background, draw `artists` on it, and encode the PNG."""
        canvas = self.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in artists:
            self.figure.draw_artist(artist)
        return encode_png(canvas)


# --------------------------------------------------------------------------------------------
# Network view


@dataclass(frozen=True)
class NetworkState:
    """What one network frame shows, copied from the model (see `NetworkFigure.snapshot`)."""

    step: int
    classes: np.ndarray
    contribution: np.ndarray
    shares: np.ndarray
    production: float
    cost: float
    firms_active: int
    firms_shown: np.ndarray


class NetworkFigure(BlittedFigure):
    """The citizens' network, administrations and firms, redrawn fast at each step.

    Citizens are coloured by behaviour (`classify`) and sized by contribution; edges,
    legend and labels are drawn once into a cached background.
    """

    def __init__(self, model, width: int = 720, height: int = 520, dpi: int = 100):
        """Lay out `model`'s network (cached) and draw the static parts."""
        self.layout = layout = network_layout(model.adjacency)
        self.figure = fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        self.canvas = FigureCanvasAgg(fig)
        fig.patch.set_facecolor("white")
        ax = fig.add_axes((0.0, 0.0, 0.77, 0.9))
        ax.set_axis_off()
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        width_px = 0.35 if len(layout.segments) < 20000 else 0.2
        ax.add_collection(LineCollection(
            list(layout.segments), linewidths=width_px, colors="#7f7f7f", alpha=0.35, zorder=1,
        ))
        self.palette = to_rgba_array(BEHAVIOUR_COLOURS)
        self.nodes = ax.scatter(
            layout.pos[:, 0], layout.pos[:, 1], s=6, linewidths=0, zorder=2, animated=True,
        )
        self.ax = ax
        sampled = (f"{len(layout.nodes):,} of {layout.total:,} citizens shown (neighbourhoods)"
                   if layout.sampled else f"{layout.total:,} citizens")
        fig.text(0.01, 0.975, f"Social network: {sampled}", fontsize=11, va="center")
        self.title = fig.text(0.01, 0.93, "", fontsize=10, va="center", animated=True)

        side = fig.add_axes((0.78, 0.0, 0.22, 0.9))
        side.set_axis_off()
        side.set_xlim(0, 1)
        side.set_ylim(0, 1)
        k = max(len(model.administrations), 1)
        xs = (np.arange(k) + 0.5) / k
        side.text(0.5, 0.985, "Administration" + ("s" if k > 1 else ""), ha="center", va="top",
                  fontsize=11, weight="bold")
        side.scatter(xs, np.full(k, 0.88), marker="s", s=min(900, 1800 / k),
                     color="#264653", zorder=2)
        self.admin_text = side.text(0.5, 0.80, "", ha="center", va="top", fontsize=10, animated=True)
        firms = getattr(model, "firms", None)
        self.n_firms = int(getattr(firms, "n", len(getattr(firms, "active", ())))) if firms is not None else 0
        shown = min(self.n_firms, FIRMS_DRAWN)
        side.text(0.5, 0.62, "Firms", ha="center", va="top", fontsize=11, weight="bold")
        self.firm_text = side.text(0.5, 0.57, "", ha="center", va="top", fontsize=10, animated=True)
        cols = max(1, min(10, shown))
        fx = (np.arange(shown) % cols + 0.5) / cols
        fy = 0.50 - (np.arange(shown) // cols) * (0.22 / max(1, math.ceil(FIRMS_DRAWN / cols)))
        self.firms = side.scatter(fx, fy, marker="^", s=28, animated=True, linewidths=0.8)
        self.firms_shown = shown
        handles = [
            Line2D([], [], marker="o", ls="", color=c, label=b, markersize=6)
            for b, c in zip(BEHAVIOURS, BEHAVIOUR_COLOURS, strict=True)
        ]
        handles += [
            Line2D([], [], marker="^", ls="", mfc="#e9c46a", mec="#8d6e00", label="firm active"),
            Line2D([], [], marker="^", ls="", mfc="#ffffff", mec="#8d6e00", label="firm inactive"),
        ]
        side.legend(handles=handles, loc="lower center", fontsize=9.5, frameon=False,
                    title="size = contribution", title_fontsize=9.5)
        self._background = None

    def snapshot(self, model, step: int | None = None) -> NetworkState:
        """Copy what a frame shows from `model` (quick: taken while the model is locked)."""
        step = getattr(model, "steps", 0) if step is None else step
        c = model.citizens
        cls = classify(model) if step else np.full(c.n, INACTIVE, np.int8)
        firms = getattr(model, "firms", None)
        active = np.asarray(getattr(firms, "active", np.zeros(0, bool)), dtype=bool)
        admins = model.administrations
        return NetworkState(
            step=step,
            classes=cls[self.layout.nodes],
            contribution=np.array(c.contribution[self.layout.nodes], dtype=float),
            shares=np.bincount(cls, minlength=len(BEHAVIOURS)) / max(len(cls), 1),
            production=float(sum(getattr(a, "production", 0.0) for a in admins)),
            cost=float(sum(getattr(a, "cost", 0.0) for a in admins)),
            firms_active=int(active.sum()),
            firms_shown=active[: self.firms_shown].copy(),
        )

    def frame(self, model, step: int | None = None) -> bytes:
        """A PNG of the network in `model`'s current state."""
        return self.draw(self.snapshot(model, step))

    def draw(self, state: NetworkState) -> bytes:
        """A PNG of the network in a snapshot's state."""
        self.nodes.set_facecolor(self.palette[state.classes])
        self.nodes.set_sizes(4.0 + 36.0 * np.clip(state.contribution, 0, 1))
        shares = state.shares
        self.title.set_text(
            f"month {state.step}: " + " · ".join(f"{name} {share:.0%}" for name, share
                                                 in zip(BEHAVIOURS[:-1], shares, strict=False))
            if state.step else "month 0: no one has decided yet"
        )
        self.admin_text.set_text(f"own production {state.production:.3g}\ncost {state.cost:.3g}")
        if self.n_firms:
            more = f"\n(first {self.firms_shown} drawn)" if self.n_firms > self.firms_shown else ""
            self.firm_text.set_text(f"{state.firms_active} of {self.n_firms} active{more}")
        else:
            self.firm_text.set_text("none in this scenario")
        colours = np.where(state.firms_shown[:, None], to_rgba_array(["#e9c46a"]),
                           to_rgba_array(["#ffffff"]))
        self.firms.set_facecolor(colours)  # type: ignore[arg-type]  # an RGBA array per firm
        self.firms.set_edgecolor("#8d6e00")
        return self._blit([self.nodes, self.title, self.admin_text, self.firm_text, self.firms])



# --------------------------------------------------------------------------------------------
# Live outcome charts
