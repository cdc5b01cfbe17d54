"""Why the best design point of a sweep beats the runner-up: `coprod explain` in the report.

For each headline outcome whose best and runner-up are distinct design points, the
difference runner-up → best is attributed to the levers the two points differ in
(`sim.policy.explain`), on the sweep's own seeds (the first replications of its common
random numbers, so the two end points are the sweep's own runs) and with its headline
measures (the steady state over the same final months), in
``DIR/explain/<runner-up>--<best>/``. The sweep's report then has a sentence per headline
outcome saying which levers account for the gap.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sim.analysis.headline import HEADLINE, STEADY_WINDOW
from sim.analysis.results import Results
from sim.policy.explain import explain
from sim.sweep.experiment import Experiment

#: A headline measure as explain records it: the steady state over the sweep's own window
#: (or, for a mean over the run, over the whole run), or the final value.
MEASURE = {"final": "final", "steady": "steady", "run_mean": "steady"}


def pairs(results: Results) -> list[tuple[int, int]]:
    """(runner-up, best) point ids of the headline verdicts, each pair once."""
    by_label = {label: i for i, label in results.labels.items()}
    found = [(by_label[v["second"]], by_label[v["best"]]) for v in results.verdicts]
    return list(dict.fromkeys(found))


def folder(results: Results, pair: tuple[int, int]) -> str:
    """A file-system-safe folder name for a pair of design points."""
    name = f"{results.labels[pair[0]]}--{results.labels[pair[1]]}"
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", name)[:120]


def explain_best(exp: Experiment, out: str | Path, results: Results, replications: int, **run: Any) -> list[Path]:
    """Run the attribution of every (runner-up, best) pair; the folders written.

    Args:
        exp: The sweep's experiment (common random numbers).
        out: The sweep's output folder.
        results: Its analysed results (`sim.analysis.reading.analyse`).
        replications: Replications per combination (at most the sweep's).
        **run: ``workers``, ``scheduler``, ``progress``, ``resume`` for the evaluator.
    """
    if not exp.common_random_numbers or replications < 2:
        return []
    seeds = exp.seeds[:min(replications, exp.replications)]
    measure = {o: MEASURE[m] for o, m, _ in HEADLINE}
    written = []
    for second, best in pairs(results):
        where = Path(out) / "explain" / folder(results, (second, best))
        steps = exp.point_steps(best)
        window = steps if any(m == "run_mean" for _, m, _ in HEADLINE) else STEADY_WINDOW
        explain(exp.point_scenario(second), exp.point_scenario(best), where, seeds=seeds, steps=steps,
                window=window, measure=measure, outcomes=tuple(measure),
                names=(results.labels[second], results.labels[best]), resume=where.exists(), **run)
        written.append(where)
    return written
