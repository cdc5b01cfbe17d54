"""``coprod run`` and ``coprod scenarios``: one scenario, and the list of named ones."""

from __future__ import annotations

import argparse
from typing import Literal

from sim.cli.registry import arg, out_folder, overrides, subcommand
from sim.primitives.errors import Origin, SetupError


@subcommand(
    "run", "Run a scenario and write timeseries.csv, summary.json and plots.",
    arg("scenario", help="scenario file (.yaml) or name of one in scenarios/ (see `coprod scenarios`)"),
    arg("--out", metavar="DIR", help="output folder (default: runs/SCENARIO-seedS; replaced as a whole)"),
    arg("--steps", type=int, metavar="N", help="steps (months) to run (default: the scenario's)"),
    arg("--seed", type=int, metavar="S", help="random seed (default: the scenario's)"),
    arg("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set service.channel=online (repeatable)"),
    arg("--progress", choices=("auto", "always", "never"), default="auto",
        help="progress bar on stderr for long runs (auto: only on a terminal)"),
    arg("--quiet", action="store_true", help="do not print the summary table"),
)
def run(args: argparse.Namespace) -> int:
    """Run one scenario, write its outputs to ``--out`` and print a summary table."""
    from sim.inputs.events import events_of  # noqa: PLC0415
    from sim.inputs.scenario import apply_overrides, load_scenario  # noqa: PLC0415
    from sim.run.outputs import game_tokens, outcome_table, settled_line, write_outputs  # noqa: PLC0415
    from sim.run.single import run_scenario  # noqa: PLC0415

    scenario = apply_overrides(load_scenario(args.scenario), overrides(args.overrides), Origin("set"))
    progress: bool | Literal["always"] = {"auto": True, "never": False}.get(args.progress, "always")
    result = run_scenario(scenario, steps=args.steps, seed=args.seed, progress=progress)
    out = out_folder(args.out, f"runs/{scenario.name}-seed{result.seed}")
    try:
        files = write_outputs(result, out)
    except OSError as err:
        raise SetupError(f"--out {out}: cannot write the outputs ({err.strerror or err})") from None
    if not args.quiet:
        print(f"coprod: {scenario.name}: {scenario.one_line}")
        print(f"{result.steps} steps, {result.params['citizens']} citizens, seed {result.seed} "
              f"({result.seconds:.2f} s)\n")
        if events := events_of(scenario):
            print("Timed policy changes: " + "; ".join(f"month {m}: {label}" for m, label in events) + "\n")
        print(outcome_table(result))
        if not scenario.is_game:
            print(f"\n{settled_line(result)}")
        if (game := game_tokens(result)) is not None:
            tokens = game["mean_contribution_tokens"]
            print(f"\nMean contribution, tokens of {game['endowment']}: first round "
                  f"{tokens['first']:.1f}, last {tokens['final']:.1f}, mean {tokens['mean']:.1f}")
        print(f"\nWrote {out}/: {', '.join(p.name for p in files.values())}")
    return 0


@subcommand("scenarios", "List the named scenarios with their one-line descriptions.")
def scenarios(args: argparse.Namespace) -> int:
    """Print each named scenario and its one-line description."""
    from sim.inputs.scenario import list_scenarios  # noqa: PLC0415

    rows = list_scenarios()
    width = max((len(name) for name, _ in rows), default=0)
    for name, line in rows:
        print(f"{name:<{width}}  {line}")
    return 0
