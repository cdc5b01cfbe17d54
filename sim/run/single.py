"""Run one scenario: build `sim.CoProductionModel` from it and step it, with progress.

``run_scenario(load_scenario("austerity"))`` returns a `RunResult`: one row per step with
every reporter of `sim.model.reporters.REPORTERS`. Same scenario and seed give the same
rows, bit for bit. `sim.run.outputs` writes them to files.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, Literal, TextIO

import pandas as pd

from sim.inputs.scenario import ScenarioBase
from sim.inputs.schema import RUN_PARAMS
from sim.model.coproduction import CoProductionModel
from sim.model.reporters import REPORTERS
from sim.primitives.errors import InputError, Origin

Progress = bool | Literal["always"]


@dataclass
class RunResult:
    """The outcome of one run.

    Attributes:
        scenario: The scenario that was run (overrides applied).
        frame: One row per step: a ``step`` column (from 1) and one column per reporter.
        params: Every model parameter, resolved (the model's keyword arguments).
        seed: Seed of the model's random generator.
        steps: Number of steps run.
        seconds: Wall-clock time of the run.
    """

    scenario: ScenarioBase
    frame: pd.DataFrame
    params: dict[str, Any]
    seed: int
    steps: int
    seconds: float


def checked(name: str, value: int | None, default: int) -> int:
    """``--steps`` / ``--seed``: `value` validated by its declaration, or `default`."""
    if value is None:
        return default
    try:
        return RUN_PARAMS[name].validate(value)
    except InputError as err:
        raise err.renamed({name: ""}).at(Origin("option", f"--{name}")) from None


def _bar(total: int, progress: Progress, stream: TextIO):
    from tqdm import tqdm  # noqa: PLC0415 (only for runs that show progress)

    tty = getattr(stream, "isatty", lambda: False)()
    shown = progress == "always" or (progress is True and tty)
    # delay: short runs never show a bar
    return tqdm(total=total, unit="step", desc="coprod run", file=stream, disable=not shown,
                delay=2.0, mininterval=0.2, dynamic_ncols=True, leave=False)


def run_scenario(
    scenario: ScenarioBase,
    steps: int | None = None,
    seed: int | None = None,
    progress: Progress = True,
    stream: TextIO | None = None,
) -> RunResult:
    """Build the model from `scenario` and run it.

    Args:
        scenario: A validated scenario (`sim.inputs.scenario.load_scenario`).
        steps: Steps to run; default the scenario's (``game.rounds`` for a lab design).
        seed: Seed; default the scenario's ``seed``.
        progress: ``True`` shows a progress bar on `stream` for runs over ~2 s when it is a
            terminal, ``"always"`` also when it is not, ``False`` never.
        stream: Where progress goes (default ``sys.stderr``).

    Raises:
        InputError: Bad `steps` or `seed` (the scenario itself was checked when loaded).
    """
    steps = checked("steps", steps, scenario.run_steps)
    seed = checked("seed", seed, scenario.seed)
    params = scenario.model_kwargs()
    start = time.perf_counter()
    model = CoProductionModel(rng=seed, **params)
    with _bar(steps, progress, stream or sys.stderr) as bar:
        for _ in range(steps):
            model.step()
            bar.update(1)
    frame = model.datacollector.get_model_vars_dataframe()[list(REPORTERS)].reset_index(drop=True)
    frame.insert(0, "step", range(1, len(frame) + 1))
    return RunResult(scenario, frame, params, seed, steps, time.perf_counter() - start)
