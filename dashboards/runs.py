"""Runs behind the dashboard: the live run, its CSV, and A/B pairs on one seed (no Solara)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboards.charts import CHARTS, SeriesFigure
from dashboards.render import NetworkFigure
from dashboards.settings import Settings
from sim.model.coproduction import CoProductionModel
from sim.model.reporters import REPORTERS


def build_model(settings: Settings) -> tuple[CoProductionModel, dict[str, Any]]:
    """The model for `settings` and the keyword arguments it was built with.

    Raises:
        InputError: Invalid settings, or a combination the model rejects (e.g. ``degree``
            too large for ``citizens``).
    """
    kwargs = settings.model_kwargs()
    return CoProductionModel(**kwargs), kwargs


@dataclass(eq=False)
class Run:
    """The live run of one browser session: the model, its settings and its two figures.

    Attributes:
        model: The model being stepped.
        settings: The settings it was built from.
        kwargs: Its resolved keyword arguments (``rng`` included).
        horizon: Planned steps (the scenario's); playing pauses there.
        charts: Live outcome charts.
        network: Live network view.
        lock: Held while stepping or reading the model (play loop and clicks run in threads).
        draw_lock: Held while drawing into the figures (renders may run in two threads).
    """

    model: CoProductionModel
    settings: Settings
    kwargs: dict[str, Any]
    horizon: int
    charts: SeriesFigure
    network: NetworkFigure
    lock: threading.RLock = field(default_factory=threading.RLock)
    draw_lock: threading.RLock = field(default_factory=threading.RLock)
    network_frame: bytes = b""
    network_drawn_at: float = -1.0
    network_step: int = -1

    @classmethod
    def start(cls, settings: Settings) -> Run:
        """Build the model (step 0) and its figures (the layout is cached per network)."""
        model, kwargs = build_model(settings)
        horizon = settings.loaded().run_steps
        return cls(model, settings, kwargs, horizon, SeriesFigure(horizon), NetworkFigure(model))

    @property
    def steps(self) -> int:
        """Steps taken so far."""
        return len(self.model.datacollector.model_vars[REPORTERS[0]])

    def step(self, n: int = 1) -> int:
        """Advance `n` steps; returns the steps taken so far."""
        with self.lock:
            for _ in range(n):
                self.model.step()
            return self.steps

    def charts_png(self) -> bytes:
        """The outcome charts now (drawn outside the model lock, so stepping never waits)."""
        with self.lock:
            mv = self.model.datacollector.model_vars
            series = {name: list(mv[name]) for name, _, _ in CHARTS}
        with self.draw_lock:
            return self.charts.frame(series)

    def network_png(self, min_interval: float = 0.0) -> bytes:
        """The network now, or the last drawing if it is under `min_interval` seconds old."""
        with self.draw_lock:
            now = time.perf_counter()
            steps = self.steps
            if self.network_frame and (
                self.network_step == steps or now - self.network_drawn_at < min_interval
            ):
                return self.network_frame
            with self.lock:
                state = self.network.snapshot(self.model, self.steps)
            self.network_frame = self.network.draw(state)
            self.network_drawn_at, self.network_step = now, state.step
            return self.network_frame

    def latest(self) -> dict[str, float]:
        """Every reporter's value at the last step (empty before the first step)."""
        with self.lock:
            mv = self.model.datacollector.model_vars
            return {r: float(mv[r][-1]) for r in REPORTERS if mv[r]}

    def frame(self) -> pd.DataFrame:
        """The time series so far: a ``step`` column (from 1) and one column per reporter."""
        with self.lock:
            return timeseries(self.model)


def timeseries(model: CoProductionModel) -> pd.DataFrame:
    """A model's collected reporters, in the layout of ``coprod run``'s ``timeseries.csv``."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame = frame.reindex(columns=list(REPORTERS)).reset_index(drop=True)
    frame.insert(0, "step", range(1, len(frame) + 1))
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes of a time series (full float precision, no index)."""
    return frame.to_csv(index=False, lineterminator="\n").encode()


@dataclass(frozen=True)
class Comparison:
    """Two runs on the same seed.

    Attributes:
        a: Time series of setting A.
        b: Time series of setting B.
        seed: The seed both used.
        steps: Steps run.
        differences: ``(name, value in A, value in B)`` for each parameter that differs.
    """

    a: pd.DataFrame
    b: pd.DataFrame
    seed: int
    steps: int
    differences: tuple[tuple[str, Any, Any], ...]

    def summary(self, reporters: tuple[str, ...]) -> list[dict[str, Any]]:
        """Per reporter: final and mean value in A and B, and B minus A (final)."""
        rows = []
        for r in reporters:
            fa, fb = float(self.a[r].iloc[-1]), float(self.b[r].iloc[-1])
            rows.append({"reporter": r, "final A": fa, "final B": fb, "B - A": fb - fa,
                         "mean A": float(self.a[r].mean()), "mean B": float(self.b[r].mean())})
        return rows


def compare(a: Settings, b: Settings, steps: int, seed: int) -> Comparison:
    """Run A and B for `steps` steps, both with `seed` (raises `InputError`)."""
    a = Settings(a.scenario, a.overrides, seed)
    b = Settings(b.scenario, b.overrides, seed)
    frames, params = [], []
    for settings in (a, b):
        model, kwargs = build_model(settings)
        for _ in range(steps):
            model.step()
        frames.append(timeseries(model))
        params.append(kwargs)
    differences = tuple(
        (k, params[0][k], params[1][k]) for k in params[0] if k != "rng" and params[0][k] != params[1][k]
    )
    return Comparison(frames[0], frames[1], seed, steps, differences)
