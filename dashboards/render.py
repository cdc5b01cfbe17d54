"""Drawing for the dashboard: fast enough to redraw at every step while a class watches.

Mesa's matplotlib components build a new `Figure` and re-render every artist at each
update (about 100 ms per chart, and a 1,000-node network drawn with `networkx.draw` after a
`spring_layout` of several seconds). Here each view keeps one figure per model: the static
parts (axes, ticks, the network's edges, the legend) are rendered once into a background,
and each frame restores it and draws only what changed (the lines, the citizens' colours
and sizes, the firms) before encoding a PNG. The network layout is computed once per
network (spectral start, a few vectorised force-directed iterations) and cached.

Everything here is plain matplotlib (Agg) and NumPy, usable and tested without a browser.
"""

from __future__ import annotations

import hashlib
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image
from scipy.sparse import csgraph
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import eigsh

from sim.behaviour import PARTICIPATION_EPS

#: Citizens drawn at most; larger populations show a connected neighbourhood of this size.
MAX_DRAWN = 2000
#: Behaviour classes, in code order, with their colours (colour-blind safe pair + grey).
BEHAVIOURS: tuple[str, ...] = ("contributing", "free-riding", "inactive")
BEHAVIOUR_COLOURS: tuple[str, ...] = ("#1b9e77", "#d95f02", "#bdbdbd")
CONTRIBUTING, FREE_RIDING, INACTIVE = range(3)
#: Outcome charts: reporter, title, whether it is a share in [0, 1].
CHARTS: tuple[tuple[str, str, bool], ...] = (
    ("participation", "Participation", True),
    ("quality", "Service quality", False),
    ("free_rider_share", "Free riding", True),
    ("trust", "Trust", True),
)
AB_COLOURS = ("#1f77b4", "#d62728")
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

    Contributing: took part, as the model's ``participation`` counts it (gave effort
    above the participation threshold or, when the service works by reports, filed one).
    Free-riding: uses the service and may contribute (eligible) but did not, the
    population the model's ``free_rider_share`` is measured on. Inactive: everyone else
    (not using the service, or not admitted by the access rule).
    """
    citizens = model.citizens
    took_part = getattr(model, "inputs", None)
    if took_part is None or np.shape(took_part) != np.shape(citizens.contribution):
        took_part = citizens.contribution
    out = np.full(citizens.contribution.shape[0], INACTIVE, dtype=np.int8)
    out[np.asarray(citizens.uses, dtype=bool) & np.asarray(citizens.eligible, dtype=bool)] = FREE_RIDING
    out[np.asarray(took_part) > PARTICIPATION_EPS] = CONTRIBUTING
    return out


# --------------------------------------------------------------------------------------------
# Network layout (once per network, cached)


@dataclass(frozen=True)
class Layout:
    """Positions of the citizens drawn, in the unit square.

    Attributes:
        nodes: Indices of the citizens drawn (all of them up to `MAX_DRAWN`).
        pos: Their positions, shape ``(len(nodes), 2)``.
        segments: Ties among them as line segments, shape ``(ties, 2, 2)``.
        total: Number of citizens in the model.
        seconds: Time the layout took.
    """

    nodes: np.ndarray
    pos: np.ndarray
    segments: np.ndarray
    total: int
    seconds: float

    @property
    def sampled(self) -> bool:
        """Whether only part of the population is drawn."""
        return len(self.nodes) < self.total


def _sample(adjacency: sp.csr_array, max_nodes: int) -> np.ndarray:
    """Up to `max_nodes` citizens forming connected neighbourhoods (breadth-first)."""
    n = adjacency.shape[0]
    if n <= max_nodes:
        return np.arange(n)
    count, labels = connected_components(adjacency, directed=False)
    chosen: list[np.ndarray] = []
    size = 0
    if count == 1:
        return np.sort(breadth_first_order(adjacency, 0, directed=False, return_predecessors=False)[:max_nodes])
    sizes = np.bincount(labels)
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for label in range(count):  # labels are numbered in order of their first citizen
        members = order[starts[label] : starts[label + 1]]
        if size + len(members) > max_nodes:
            root = int(members[0])
            bfs = breadth_first_order(adjacency, root, directed=False, return_predecessors=False)
            chosen.append(bfs[: max_nodes - size])
            break
        chosen.append(members)
        size += len(members)
        if size >= max_nodes:
            break
    return np.sort(np.concatenate(chosen))


def _force_directed(adjacency: sp.csr_array, pos: np.ndarray, iterations: int) -> np.ndarray:
    """Fruchterman-Reingold iterations, vectorised (all-pairs repulsion in float32)."""
    n = adjacency.shape[0]
    upper = sp.triu(adjacency, 1).tocoo()
    u, v = upper.row, upper.col
    x = pos[:, 0].astype(np.float32)
    y = pos[:, 1].astype(np.float32)
    k2 = np.float32(1.0 / n)
    sqrt_n = np.float32(math.sqrt(n))
    step = 0.05
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        d2 = dx * dx
        d2 += dy * dy
        d2 += np.float32(1e-5)
        np.divide(k2, d2, out=d2)
        fx = (d2 * dx).sum(axis=1)
        fy = (d2 * dy).sum(axis=1)
        ex, ey = x[u] - x[v], y[u] - y[v]
        pull = np.sqrt(ex * ex + ey * ey) * sqrt_n
        ax, ay = ex * pull, ey * pull
        fx -= np.bincount(u, ax, n) - np.bincount(v, ax, n)
        fy -= np.bincount(u, ay, n) - np.bincount(v, ay, n)
        length = np.sqrt(fx * fx + fy * fy) + 1e-9
        scale = np.minimum(length, step) / length
        x += fx * scale
        y += fy * scale
        step *= 0.93
    return np.column_stack([x, y]).astype(np.float64)


def _spectral(adjacency: sp.csr_array, rng: np.random.Generator) -> np.ndarray:
    """Laplacian eigenvectors 2 and 3 of a connected graph (a spectral layout).

    As networkx's `spectral_layout`, with a seeded start vector so that the same network
    always gets the same picture.
    """
    n = adjacency.shape[0]
    laplacian = csgraph.laplacian(adjacency.astype(np.float64))
    if n < 500:
        _, vectors = np.linalg.eigh(laplacian.toarray())
        return vectors[:, 1:3]
    ncv = max(7, int(math.sqrt(n)))
    _, vectors = eigsh(laplacian, k=3, which="SM", ncv=ncv, v0=rng.random(n))
    return vectors[:, 1:3]


def _normalise(pos: np.ndarray) -> np.ndarray:
    """Fit positions into the unit square (outliers beyond the 0.5/99.5 percentiles clipped)."""
    lo = np.percentile(pos, 0.5, axis=0)
    hi = np.percentile(pos, 99.5, axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    return np.clip((pos - lo) / span, 0.0, 1.0)


def _components_grid(labels: np.ndarray, count: int) -> np.ndarray:
    """Many small components (e.g. lab groups): each on a circle in its own grid cell."""
    side = math.ceil(math.sqrt(count))
    cell = 1.0 / side
    pos = np.zeros((labels.shape[0], 2))
    order = np.argsort(labels, kind="stable")
    sizes = np.bincount(labels, minlength=count)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for label in range(count):
        members = order[starts[label] : starts[label + 1]]
        cx = (label % side + 0.5) * cell
        cy = 1.0 - (label // side + 0.5) * cell
        if len(members) == 1:
            pos[members] = (cx, cy)
            continue
        angle = 2 * math.pi * np.arange(len(members)) / len(members)
        radius = 0.32 * cell
        pos[members, 0] = cx + radius * np.cos(angle)
        pos[members, 1] = cy + radius * np.sin(angle)
    return pos


def compute_layout(adjacency: sp.csr_array, max_nodes: int = MAX_DRAWN, seed: int = 0) -> Layout:
    """Lay out the citizens' network once (no `spring_layout`: ~0.2 s at 1,000 citizens).

    A connected-enough network gets a spectral embedding refined by 40 vectorised
    force-directed iterations; a network of many small components (lab groups) gets one
    circle per component on a grid. Above `max_nodes` citizens, connected neighbourhoods
    of `max_nodes` citizens are drawn.
    """
    import time  # noqa: PLC0415

    start = time.perf_counter()
    adjacency = sp.csr_array(adjacency)
    nodes = _sample(adjacency, max_nodes)
    sub = adjacency[nodes][:, nodes] if len(nodes) < adjacency.shape[0] else adjacency
    sub = sp.csr_array(sub)
    n = sub.shape[0]
    count, labels = connected_components(sub, directed=False)
    giant = np.bincount(labels).max() if n else 0
    rng = np.random.default_rng(seed)
    if n <= 2:
        pos = rng.random((n, 2))
    elif giant < 0.5 * n:
        pos = _components_grid(labels, count)
    else:
        main = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
        init = rng.random((n, 2)) - 0.5
        if len(main) > 3:
            spectral = _spectral(sp.csr_array(sub[main][:, main]), rng)
            spectral = (spectral - spectral.mean(axis=0)) / (spectral.std(axis=0) + 1e-12) * 0.3
            init[main] = spectral
        pos = _normalise(_force_directed(sub, init, 40))
    upper = sp.triu(sub, 1).tocoo()
    segments = np.stack([pos[upper.row], pos[upper.col]], axis=1)
    return Layout(nodes, pos, segments, adjacency.shape[0], time.perf_counter() - start)


_CACHE: OrderedDict[str, Layout] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def network_layout(adjacency: sp.csr_array, max_nodes: int = MAX_DRAWN) -> Layout:
    """`compute_layout`, cached by the network's structure.

    A reset with the same network and seed reuses the layout, so citizens keep their
    places between runs.
    """
    adjacency = sp.csr_array(adjacency)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.asarray(adjacency.shape, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(adjacency.indptr).tobytes())
    digest.update(np.ascontiguousarray(adjacency.indices).tobytes())
    key = f"{digest.hexdigest()}:{max_nodes}"
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    layout = compute_layout(adjacency, max_nodes)
    with _CACHE_LOCK:
        _CACHE[key] = layout
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return layout


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


class NetworkFigure:
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
            layout.segments, linewidths=width_px, colors="#7f7f7f", alpha=0.35, zorder=1,
        ))
        self.palette = to_rgba_array(BEHAVIOUR_COLOURS)
        self.nodes = ax.scatter(
            layout.pos[:, 0], layout.pos[:, 1], s=6, linewidths=0, zorder=2, animated=True,
        )
        self.ax = ax
        sampled = (f"{len(layout.nodes):,} of {layout.total:,} citizens shown (neighbourhoods)"
                   if layout.sampled else f"{layout.total:,} citizens")
        fig.text(0.01, 0.975, f"Social network: {sampled}", fontsize=11, va="center")
        self.title = fig.text(0.01, 0.93, "", fontsize=11, va="center", animated=True)

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
            shares=np.bincount(cls, minlength=3) / max(len(cls), 1),
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
            f"step {state.step} · contributing {shares[0]:.0%} · free-riding {shares[1]:.0%} · "
            f"inactive {shares[2]:.0%}" if state.step else "step 0: no one has decided yet"
        )
        self.admin_text.set_text(f"own production {state.production:.3g}\ncost {state.cost:.3g}")
        if self.n_firms:
            more = f"\n(first {self.firms_shown} drawn)" if self.n_firms > self.firms_shown else ""
            self.firm_text.set_text(f"{state.firms_active} of {self.n_firms} active{more}")
        else:
            self.firm_text.set_text("none in this scenario")
        colours = np.where(state.firms_shown[:, None], to_rgba_array(["#e9c46a"]),
                           to_rgba_array(["#ffffff"]))
        self.firms.set_facecolor(colours)
        self.firms.set_edgecolor("#8d6e00")
        return self._blit([self.nodes, self.title, self.admin_text, self.firm_text, self.firms])

    def _blit(self, artists: Sequence) -> bytes:
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
# Live outcome charts


class SeriesFigure:
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

    def frame(self, series: dict[str, Sequence[float]]) -> bytes:
        """A PNG of the charts; `series` maps reporter name to its values, one per step."""
        n = len(series[CHARTS[0][0]])
        steps = np.arange(1, n + 1)
        self._fit(n, np.asarray(series["quality"], dtype=float))
        for line, label, (name, _title, _share) in zip(self.lines, self.labels, CHARTS, strict=True):
            values = np.asarray(series[name], dtype=float)
            line.set_data(steps, values)
            label.set_text(f"{values[-1]:.3f}" if n else "")
        canvas = self.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in (*self.lines, *self.labels):
            self.figure.draw_artist(artist)
        return encode_png(canvas)


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
