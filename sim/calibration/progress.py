"""A fit's progress on stderr: one line per generation, and a bar within it on a terminal.

Each finished generation prints its number, acceptance threshold (epsilon), proposals
accepted and evaluated (the acceptance rate), model runs so far and time; the prior
sample that fixes the statistics' scales prints a line too. The bar (tqdm, like a
sweep's) counts accepted particles within the generation, shown with ``--progress
always`` or on a terminal with ``auto``.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Literal, TextIO


class FitProgress:
    """Progress of one fit.

    Args:
        replications: Model runs per evaluation (to count runs).
        evaluations: Evaluations already in the history (a resumed fit).
        mode: ``auto`` (bar only on a terminal), ``always`` or ``never``.
        stream: Where to write (default ``sys.stderr``).
    """

    def __init__(self, replications: int, evaluations: int = 0,
                 mode: Literal["auto", "always", "never"] = "auto", stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.replications, self.evaluations = replications, evaluations
        tty = getattr(self.stream, "isatty", lambda: False)()
        self.show_bar = mode == "always" or (mode == "auto" and tty)
        self.start = time.perf_counter()
        self._bar: Any = None

    def update(self, t: int, accepted: int, evaluated: int, n: int) -> None:
        """Move the bar of generation `t` to `accepted` of `n`."""
        if not self.show_bar:
            return
        if self._bar is None:
            from tqdm import tqdm  # noqa: PLC0415

            what = "prior sample" if t < 0 else f"generation {t}"
            self._bar = tqdm(total=n, desc=what, unit="accepted", file=self.stream, dynamic_ncols=True, leave=False)
        self._bar.n = accepted
        self._bar.set_postfix_str(f"{evaluated} proposals", refresh=True)

    def done(self, t: int, accepted: int, evaluated: int, epsilon: float, ok: bool) -> None:
        """Print the line of generation `t`."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self.evaluations += evaluated
        runs = self.evaluations * self.replications
        seconds = time.perf_counter() - self.start
        if t < 0:
            line = f"prior sample (fixes the statistics' scales): {evaluated} runs"
        elif not ok:
            line = f"generation {t}: stopped by max_runs after {evaluated} proposals (not stored)"
        else:
            line = (f"generation {t}: epsilon {epsilon:.4g}, accepted {accepted} of {evaluated} proposals "
                    f"({100 * accepted / max(evaluated, 1):.0f} %)")
        print(f"coprod: {line}; {runs:,} runs in total, {seconds:.0f} s", file=self.stream, flush=True)

