"""Run one scenario and write its outputs: a time series, a JSON summary and plots.

``run_scenario(load_scenario("austerity"))`` builds `sim.CoProductionModel` from the
scenario's resolved parameters and steps it, collecting every reporter in
`sim.model.coproduction.REPORTERS`; `write_outputs` writes ``timeseries.csv``, ``summary.json``,
``outcomes.png`` and ``quality.png``. Same scenario and seed give byte-identical CSVs.
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

import pandas as pd

import sim
from sim.inputs.scenario import RUN_PARAMS, ScenarioBase, ScenarioError
from sim.model.coproduction import REPORTERS, CoProductionModel
from sim.primitives.params import ParameterError

PROGRESS_AFTER = 2.0  # seconds before a progress line appears
OUTCOME_PLOT = ("participation", "mean_contribution", "free_rider_share", "trust")
QUALITY_PLOT = ("quality", "quality_growth")


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


class _Progress:
    """A one-line progress display on a stream, shown only after `PROGRESS_AFTER` seconds."""

    def __init__(self, total: int, mode: bool | Literal["always"], stream: TextIO):
        tty = getattr(stream, "isatty", lambda: False)()
        self.on = mode == "always" or (mode is True and tty)
        self.total, self.stream, self.shown = total, stream, False
        self.start = self.last = time.perf_counter()

    def update(self, done: int) -> None:
        now = time.perf_counter()
        if not self.on or now - self.start < PROGRESS_AFTER or (now - self.last < 0.2 and done < self.total):
            return
        elapsed = now - self.start
        left = elapsed / done * (self.total - done)
        self.stream.write(f"\rcoprod: step {done}/{self.total} ({100 * done // self.total}%), "
                          f"{elapsed:.0f} s elapsed, ~{left:.0f} s left ")
        self.stream.flush()
        self.shown, self.last = True, now

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _check(name: str, value: int | None, default: int) -> int:
    if value is None:
        return default
    try:
        return RUN_PARAMS[name].validate(value)
    except ParameterError:
        allowed = RUN_PARAMS[name].allowed()
        raise ScenarioError(f"--{name}: value {value!r} is not valid; allowed: {allowed}") from None


def run_scenario(
    scenario: ScenarioBase,
    steps: int | None = None,
    seed: int | None = None,
    progress: bool | Literal["always"] = True,
    stream: TextIO | None = None,
) -> RunResult:
    """Build the model from `scenario` and run it.

    Args:
        scenario: A validated scenario (`sim.inputs.scenario.load_scenario`).
        steps: Steps to run; default the scenario's (``game.rounds`` for a lab design).
        seed: Seed; default the scenario's ``seed``.
        progress: ``True`` shows a progress line on `stream` for runs over ~2 s when it is
            a terminal, ``"always"`` also when it is not, ``False`` never.
        stream: Where progress goes (default ``sys.stderr``).

    Raises:
        ScenarioError: Bad `steps` / `seed`, or a parameter combination the model rejects
            (e.g. ``population.degree`` too large for ``population.citizens``).
    """
    steps = _check("steps", steps, scenario.run_steps)
    seed = _check("seed", seed, scenario.seed)
    params = scenario.model_kwargs()
    start = time.perf_counter()
    try:
        model = CoProductionModel(rng=seed, **params)
    except ParameterError as err:
        raise scenario.error(str(err)) from None
    bar = _Progress(steps, progress, stream or sys.stderr)
    try:
        for done in range(1, steps + 1):
            model.step()
            bar.update(done)
    finally:
        bar.close()
    frame = model.datacollector.get_model_vars_dataframe()[list(REPORTERS)].reset_index(drop=True)
    frame.insert(0, "step", range(1, len(frame) + 1))
    return RunResult(scenario, frame, params, seed, steps, time.perf_counter() - start)


def _number(value: Any) -> float | int | None:
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def game_tokens(result: RunResult) -> dict[str, Any] | None:
    """Mean contribution in tokens per player and round for a lab design (else ``None``)."""
    game = result.scenario.game
    if game is None:
        return None
    tokens = result.frame["mean_contribution"] * game.endowment
    return {
        "endowment": game.endowment, "rounds": result.steps, "punishment": game.punishment,
        "mean_contribution_tokens": {
            "first": _number(tokens.iloc[0]), "final": _number(tokens.iloc[-1]),
            "mean": _number(tokens.mean()),
        },
    }


def summary(result: RunResult) -> dict[str, Any]:
    """The content of ``summary.json``: scenario, seed, parameters, version, outcomes."""
    sc, frame = result.scenario, result.frame
    out = {
        "scenario": {"name": sc.name, "description": sc.description.strip(), "source": sc.source},
        "seed": result.seed,
        "steps": result.steps,
        "parameters": {k: _number(v) for k, v in result.params.items()},
        "package_version": sim.__version__,
        "final": {r: _number(frame[r].iloc[-1]) for r in REPORTERS},
        "mean": {r: _number(frame[r].mean()) for r in REPORTERS},
    }
    if (tokens := game_tokens(result)) is not None:
        out["game"] = tokens
    return out


def outcome_table(result: RunResult) -> str:
    """A short table: each reporter at the first and last step and its mean over the run."""
    frame = result.frame[list(REPORTERS)]
    table = pd.DataFrame({"step 1": frame.iloc[0], f"step {result.steps}": frame.iloc[-1],
                          "mean": frame.mean()})
    return table.to_string(float_format=lambda v: f"{v:.3f}")


def _plot(frame: pd.DataFrame, columns: tuple[str, ...], title: str, path: Path, panels: bool) -> None:
    """Line plot of `columns` against step, one panel each when `panels` (Agg, no pyplot)."""
    from matplotlib.figure import Figure  # noqa: PLC0415 (matplotlib is slow to import)

    fig = Figure(figsize=(8, 3 * len(columns) if panels else 4.5), layout="constrained")
    axes = fig.subplots(len(columns) if panels else 1, 1, sharex=True, squeeze=False)[:, 0]
    for i, column in enumerate(columns):
        ax = axes[i if panels else 0]
        ax.plot(frame["step"], frame[column], label=column.replace("_", " "))
        ax.set_ylabel(column.replace("_", " ") if panels else "share")
        ax.grid(alpha=0.3)
    if not panels:
        axes[0].set_ylim(-0.02, 1.02)
        axes[0].legend(loc="best")
    axes[-1].set_xlabel("step")
    fig.suptitle(title)
    fig.savefig(path, dpi=100)


def write_outputs(result: RunResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``timeseries.csv``, ``summary.json``, ``outcomes.png`` and ``quality.png``.

    Returns:
        The written files by short name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {name: out / name for name in ("timeseries.csv", "summary.json", "outcomes.png", "quality.png")}
    result.frame.to_csv(files["timeseries.csv"], index=False)
    text = json.dumps(summary(result), indent=2, ensure_ascii=False, allow_nan=False)
    files["summary.json"].write_text(text + "\n", encoding="utf-8")
    title = f"{result.scenario.name} (seed {result.seed})"
    _plot(result.frame, OUTCOME_PLOT, title, files["outcomes.png"], panels=False)
    _plot(result.frame, QUALITY_PLOT, title, files["quality.png"], panels=True)
    return files
