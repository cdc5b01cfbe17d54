"""The files of one run: ``timeseries.csv``, ``summary.json`` and two plots, written atomically.

`write_outputs` writes every file into a temporary folder and renames it into place, so a
failed or interrupted run never leaves partial files beside an older run's. Same scenario
and seed give byte-identical CSVs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

import sim
from sim.inputs.events import events_of
from sim.model.reporters import REPORTERS
from sim.primitives.errors import SetupError
from sim.primitives.files import atomic_folder
from sim.primitives.stats import settled
from sim.run.single import RunResult

OUTCOME_PLOT = ("participation", "participation_collective", "free_rider_share", "exit_share", "trust")
#: Outcomes whose settling the run reports, and the window (months) of the steady state.
HEADLINE = ("participation", "quality", "free_rider_share", "trust")
WINDOW = 24
QUALITY_PLOT = ("quality", "quality_growth")
FILES = ("timeseries.csv", "summary.json", "outcomes.png", "quality.png")

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
        "steady": {r: _number(frame[r].iloc[-WINDOW:].mean()) for r in REPORTERS},
        "settled": {r: settled(frame[r].to_numpy(), WINDOW) for r in HEADLINE},
        "steady_window_months": WINDOW,
        "events": [{"month": month, "label": label} for month, label in events_of(sc)],
    }
    if (tokens := game_tokens(result)) is not None:
        out["game"] = tokens
    return out


def outcome_table(result: RunResult) -> str:
    """Each reporter at the first and last month, its steady state, and whether it settled.

    The steady state is the mean over the final `WINDOW` months; settling is reported for
    the headline outcomes.
    """
    frame = result.frame[list(REPORTERS)]
    table = pd.DataFrame({"month 1": frame.iloc[0], f"month {result.steps}": frame.iloc[-1],
                          f"steady (last {WINDOW})": frame.iloc[-WINDOW:].mean()})
    table["settled"] = [("yes" if settled(frame[r].to_numpy(), WINDOW) else "NO") if r in HEADLINE else ""
                        for r in REPORTERS]
    return table.to_string(float_format=lambda v: f"{v:.3f}")


def settled_line(result: RunResult) -> str:
    """One line saying whether the headline outcomes settled by the end of the run."""
    late = [r for r in HEADLINE if not settled(result.frame[r].to_numpy(), WINDOW)]
    if not late:
        return f"The headline outcomes ({', '.join(HEADLINE)}) settled by month {result.steps}."
    return (f"Not settled by month {result.steps}: {', '.join(late)} still drifted over the final {WINDOW} "
            "months; run longer (--steps) before reading a steady state.")


def _plot(frame: pd.DataFrame, columns: tuple[str, ...], title: str, path: Path, *, panels: bool,
          events: list[tuple[int, str]]) -> None:
    """Line plot of `columns` against step, one panel each when `panels` (Agg, no pyplot).

    Each timed policy change (`events`: month, label) is a dotted vertical line.
    """
    from matplotlib.figure import Figure  # noqa: PLC0415 (matplotlib is slow to import)

    fig = Figure(figsize=(8, 3 * len(columns) if panels else 4.5), layout="constrained")
    axes = fig.subplots(len(columns) if panels else 1, 1, sharex=True, squeeze=False)[:, 0]
    for i, column in enumerate(columns):
        ax = axes[i if panels else 0]
        ax.plot(frame["step"], frame[column], label=column.replace("_", " "))
        ax.set_ylabel(column.replace("_", " ") if panels else "share")
        ax.grid(alpha=0.3)
        for month, _ in events:
            ax.axvline(month, color="0.4", linestyle=":", linewidth=1)
    if not panels:
        axes[0].set_ylim(-0.02, 1.02)
        axes[0].legend(loc="best")
    for month, label in events:  # named once, at the top
        axes[0].annotate(label, (month, 1.0), xycoords=("data", "axes fraction"), rotation=90, fontsize=7,
                         va="top", ha="right", color="0.3")
    axes[-1].set_xlabel("step")
    fig.suptitle(title)
    fig.savefig(path, dpi=100)


def write_outputs(result: RunResult, out_dir: str | Path) -> dict[str, Path]:
    """Write `FILES` into `out_dir` as a whole (replacing an earlier run's folder).

    Returns:
        The written files by short name.

    Raises:
        SetupError: `out_dir` holds other files than an earlier run's (it is never replaced).
        OSError: The folder cannot be written (nothing is left half-written).
    """
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or {p.name for p in out.iterdir()} - set(FILES)):
        raise SetupError(f"--out {out}: {'is not a folder' if not out.is_dir() else 'holds other files than a run'}"
                         "; choose a new folder, or one an earlier `coprod run` wrote")
    title = f"{result.scenario.name} (seed {result.seed})"
    text = json.dumps(summary(result), indent=2, ensure_ascii=False, allow_nan=False)
    with atomic_folder(out) as tmp:
        result.frame.to_csv(tmp / "timeseries.csv", index=False)
        (tmp / "summary.json").write_text(text + "\n", encoding="utf-8")
        events = events_of(result.scenario)
        _plot(result.frame, OUTCOME_PLOT, title, tmp / "outcomes.png", panels=False, events=events)
        _plot(result.frame, QUALITY_PLOT, title, tmp / "quality.png", panels=True, events=events)
    return {name: out / name for name in FILES}
