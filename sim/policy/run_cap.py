"""The cap on the model runs of one policy command: the sweeps' `MAX_RUNS`, checked before any run.

The experiment file bounds each size field of a policy command on its own (trials,
contexts, replications, reevaluate), but not their product: 100,000 trials x 1,000
contexts x 1,000 replications passes every field's check. So each tool states the runs a
request implies as a sum of products (`Term`: ``trials x contexts x replications``, the
front's re-evaluation, ...) and `check_runs` refuses a total above `MAX_RUNS`, the same
cap a sweep's design has (`sim.sweep.experiment`), before anything is sampled, seeded,
written or run. The check is a pure function of the request, so it is tested without
running a model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.primitives.errors import InputError, Origin, Problem
from sim.sweep.experiment import MAX_RUNS

__all__ = ["MAX_RUNS", "Term", "check_runs"]


@dataclass(frozen=True)
class Term:
    """The runs of one part of a command: counts multiplied together.

    Attributes:
        factors: (count, what it counts) pairs, e.g. ``((50, "trials"), (2, "contexts"))``.
    """

    factors: tuple[tuple[int, str], ...]

    @property
    def runs(self) -> int:
        """The product of the counts."""
        return math.prod(count for count, _ in self.factors)

    def __str__(self) -> str:
        return " x ".join(f"{count:,} {what}" for count, what in self.factors)


def check_runs(command: str, terms: Sequence[Term], *, field: str, formula: str, fix: str,
               origin: Origin) -> int:
    """The total runs of `terms`, refused above `MAX_RUNS` (formatted like a sweep's design).

    Args:
        command: What makes the runs, for the message (``the optimisation``).
        terms: The parts of the command's runs, added up.
        field: The field or fields that set the size (the problem's field).
        formula: How the total is formed, in field names (said with what is allowed).
        fix: What to lower, said after what is allowed.
        origin: Where the sizes came from (the experiment file, an option).

    Raises:
        InputError: The total is above `MAX_RUNS`; the message names `field`, the total
            and its terms, the cap and `formula`.
    """
    total = sum(term.runs for term in terms)
    if total > MAX_RUNS:
        parts = " + ".join(str(term) for term in terms)
        raise InputError(Problem(
            field, f"{command} would make {parts} = {total:,} runs",
            allowed=f"at most {MAX_RUNS:,} runs in one command ({formula}); {fix}", origin=origin))
    return total
