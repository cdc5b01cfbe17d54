"""The live run behind the dashboard: the model, its player, its frames and its events (no Solara).

`Run` holds one session's model with the settings it was built from, the `Player` that
steps it in its own thread, and the three live figures (outcomes, mechanisms, network).
`draw` copies what a frame needs from the model under the model's lock and draws outside
it, so stepping never waits for a drawing. Levers changed during a run are applied with
the model's own `set_levers` from the next month on and recorded as a timed event, which
every timeline marks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from dashboards import charts
from dashboards.levers import label, number
from dashboards.player import FrameGate, Player
from dashboards.render import NetworkFigure
from dashboards.settings import Settings
from sim.inputs.events import events_of
from sim.model.coproduction import CoProductionModel
from sim.model.levers import STRUCTURAL
from sim.model.reporters import REPORTERS

#: The live views a frame can hold.
VIEWS = ("outcomes", "mechanisms", "network")


def build_model(settings: Settings) -> tuple[CoProductionModel, dict[str, Any]]:
    """The model for `settings` and the keyword arguments it was built with.

    Raises:
        InputError: Invalid settings, or a combination the model rejects (e.g. ``degree``
            too large for ``citizens``).
    """
    kwargs = settings.model_kwargs()
    return CoProductionModel(**kwargs), kwargs


def scenario_events(scenario: Any) -> list[tuple[int, str]]:
    """A scenario's timed events as ``(month, label)``, sorted (none if it declares none).

    The one place the dashboard reads a scenario's events (`sim.inputs.events.events_of`,
    from its ``events:``); everything downstream takes the ``(month, label)`` list
    (`Run.start`'s ``events``, `charts`, `sim.analysis.style.mark_events`).
    """
    return sorted((int(month), str(label)) for month, label in events_of(scenario))


@dataclass(eq=False)
class Run:
    """The live run of one browser session.

    Attributes:
        model: The model being stepped.
        settings: The settings it runs with now (changed levers included).
        kwargs: Its resolved keyword arguments at the start (``rng`` included).
        horizon: Planned steps; playing pauses there once.
        figures: The live timelines, by view name.
        network: The network view.
        lock: Held while stepping or reading the model (the player and clicks run in threads).
        draw_lock: Held while drawing into the figures.
        wake: Set after every step and every frame shown (the frame loop waits on it).
        player: Steps the model in its own thread.
        gate: Holds back a frame until the browser showed the last one.
        events: Timed events ``(month, label)``: the scenario's and levers changed here.
        frames: The last PNG of each view; `drawn`: the (step, events) it shows; `frame_ids`:
            how many times it was drawn (the frame number the browser echoes when shown).
        visible: The views on the page now (only these are drawn while playing).
    """

    model: CoProductionModel
    settings: Settings
    kwargs: dict[str, Any]
    horizon: int
    figures: dict[str, charts.TimelineFigure]
    network: NetworkFigure
    lock: threading.RLock = field(default_factory=threading.RLock)
    draw_lock: threading.RLock = field(default_factory=threading.RLock)
    wake: threading.Event = field(default_factory=threading.Event)
    events: list[tuple[int, str]] = field(default_factory=list)
    frames: dict[str, bytes] = field(default_factory=dict)
    drawn: dict[str, tuple[int, int]] = field(default_factory=dict)
    frame_ids: dict[str, int] = field(default_factory=dict)
    visible: set[str] = field(default_factory=set)
    sent: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.player = Player(self._step_one, self.horizon, self.wake)
        self.gate = FrameGate(self.wake)

    @classmethod
    def start(cls, settings: Settings, events: charts.Events | None = None) -> Run:
        """Build the model (step 0) and its figures (the layout is cached per network).

        Args:
            settings: What to run.
            events: Timed events ``(month, label)`` every timeline marks (default: the
                scenario's, `scenario_events`); levers applied during the run are added.
        """
        model, kwargs = build_model(settings)
        horizon = settings.horizon()
        figures = {"outcomes": charts.outcomes_figure(horizon), "mechanisms": charts.mechanisms_figure(horizon)}
        marks = scenario_events(settings.loaded()) if events is None else sorted((int(m), str(t)) for m, t in events)
        return cls(model, settings, kwargs, horizon, figures, NetworkFigure(model), events=marks)

    @property
    def steps(self) -> int:
        """Steps taken so far."""
        return len(self.model.datacollector.model_vars[REPORTERS[0]])

    def _step_one(self) -> int:
        with self.lock:
            self.model.step()
            return self.steps

    def step(self, n: int = 1) -> int:
        """Advance `n` steps now (the Step button); returns the steps taken so far."""
        with self.lock:
            for _ in range(n):
                self.model.step()
            steps = self.steps
        self.player.mark_steps(steps)
        self.wake.set()
        return steps

    def set_horizon(self, steps: int) -> None:
        """Plan `steps` months: playing pauses there once (not at all if the run is past them)."""
        self.horizon = steps
        self.player.horizon = steps
        self.player.reached_horizon = self.steps >= steps
        self.settings = replace(self.settings, steps=steps)
        with self.draw_lock:
            for view, figure in self.figures.items():
                figure.plan(steps)
                self.drawn.pop(view, None)  # stale: the frame loop draws the new axes
        self.wake.set()

    def pending(self, settings: Settings) -> dict[str, tuple[Any, Any]]:
        """Parameters `settings` would change: name -> (now, then)."""
        now, then = self.settings.values(), settings.values()
        return {k: (now[k], then[k]) for k in then if now.get(k) != then[k]}

    def can_apply(self, settings: Settings) -> bool:
        """Whether `settings` differs from the run only in levers that may change during a run."""
        changes = self.pending(settings)
        return (bool(changes) and settings.scenario == self.settings.scenario
                and settings.run_seed() == self.settings.run_seed()
                and not any(k in STRUCTURAL for k in changes))

    def apply(self, settings: Settings) -> dict[str, Any]:
        """Apply `settings`' changed levers from the next month on; record them as an event.

        Raises:
            InputError: The model refuses the values (as `CoProductionModel.set_levers`).
        """
        changes = {k: then for k, (_, then) in self.pending(settings).items()}
        with self.lock:
            applied = self.model.set_levers(**changes)
            month = self.steps
        self.settings = settings
        if applied:
            text = ", ".join(f"{label(k).lower()} {number(v)}" for k, v in applied.items())
            self.events.append((month, text))
        self.wake.set()
        return applied

    def series(self) -> dict[str, list[float]]:
        """The live figures' reporters so far (copied under the model's lock)."""
        with self.lock:
            mv = self.model.datacollector.model_vars
            return {name: list(mv[name]) for name in charts.LIVE_REPORTERS}

    def draw(self, views: Iterable[str]) -> dict[str, bytes]:
        """The PNG of each of `views` for the current step (redrawn only when it changed)."""
        with self.draw_lock:
            steps, events = self.steps, tuple(self.events)
            wanted = [v for v in views if self.drawn.get(v) != (steps, len(events))]
            if wanted:
                series = self.series() if set(wanted) & set(self.figures) else {}
                for view in wanted:
                    if view == "network":
                        with self.lock:
                            state = self.network.snapshot(self.model, self.steps)
                        self.frames[view] = self.network.draw(state)
                        self.drawn[view] = (state.step, len(events))
                    else:
                        self.frames[view] = self.figures[view].frame(series, events)
                        self.drawn[view] = (len(series[charts.LIVE_REPORTERS[0]]), len(events))
                    self.frame_ids[view] = self.frame_ids.get(view, 0) + 1
            return {v: self.frames[v] for v in views if v in self.frames}

    def stale(self) -> bool:
        """Whether a visible view shows an older step or fewer events than the run has."""
        now = (self.steps, len(self.events))
        return any(self.drawn.get(v) != now for v in self.visible)

    def latest(self) -> dict[str, float]:
        """Every reporter's value at the last step (empty before the first step)."""
        with self.lock:
            mv = self.model.datacollector.model_vars
            return {r: float(mv[r][-1]) for r in REPORTERS if mv[r]}

    def frame(self) -> pd.DataFrame:
        """The time series so far: a ``step`` column (from 1) and one column per reporter."""
        with self.lock:
            return timeseries(self.model)

    def close(self) -> None:
        """Stop the player for good."""
        self.player.close()


def timeseries(model: CoProductionModel) -> pd.DataFrame:
    """A model's collected reporters, in the layout of ``coprod run``'s ``timeseries.csv``."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame = frame.reindex(columns=list(REPORTERS)).reset_index(drop=True)
    frame.insert(0, "step", range(1, len(frame) + 1))
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes of a time series (full float precision, no index)."""
    return frame.to_csv(index=False, lineterminator="\n").encode()
