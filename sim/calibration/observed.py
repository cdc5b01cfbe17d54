"""Reading a CSV of observed monthly series: one row per month, one column per outcome.

The format (docs/calibration.md)::

    month,participation_individual,trust
    1,0.142,0.52
    2,0.151,
    3,0.149,0.53

- a header row; a ``month`` column numbering the rows 1, 2, 3, ... with no gap (month 1
  is the first month compared, after the targets file's ``burn_in``);
- every other column is an outcome the model reports (`sim.model.reporters.REPORTERS`),
  in the model's own units (outcomes that are shares of citizens lie in [0, 1]);
- a value is a number, or empty where that month was not observed (a yearly survey);
  ``nan``, ``inf`` and text are errors, so a typo is never read as "not observed";
- at least two windows of months (`MIN_WINDOWS`), so the statistics carry a trend.

The file is read with the `csv` module, not pandas, so a problem names its line and
column exactly. Files are bounded (`MAX_BYTES`) like every input.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.inputs.locate import read_text
from sim.model.reporters import REPORTERS, SHARES
from sim.primitives.errors import InputError, Origin, Problem, did_you_mean

MAX_BYTES = 10_000_000
MIN_WINDOWS = 2
MONTH = "month"


@dataclass(frozen=True)
class Observed:
    """Observed monthly series.

    Attributes:
        label: How the file is named in messages.
        months: Number of months (rows).
        series: Outcome -> values by month (NaN where not observed).
        weights: Outcome -> weight of its statistics in the distance.
    """

    label: str
    months: int
    series: dict[str, np.ndarray]
    weights: dict[str, float] = field(default_factory=dict)

    def canonical(self) -> dict:
        """Plain JSON values (NaN as ``None``), for the manifest and the hash."""
        return {"months": self.months, "weights": self.weights,
                "series": {c: [None if math.isnan(v) else float(v) for v in s] for c, s in self.series.items()}}


def _number(text: str) -> float | None:
    """The number in a cell, ``nan`` for an empty cell, ``None`` if it is not a finite number."""
    text = text.strip()
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _header(row: list[str], label: str) -> tuple[list[str], list[Problem]]:
    where = Origin("file", label, 1)
    names = [c.strip() for c in row]
    problems = []
    if MONTH not in names:
        problems.append(Problem(MONTH, "missing", allowed="a `month` column numbering the months 1, 2, 3, ...",
                                origin=where))
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(Problem(name, "the column appears twice", origin=where))
        seen.add(name)
        if name != MONTH and name not in REPORTERS:
            problems.append(Problem(name, "unknown outcome column", allowed="month, or an outcome: "
                                    + ", ".join(REPORTERS), hint=did_you_mean(name, REPORTERS), origin=where))
    if len(names) < 2 and not problems:
        problems.append(Problem("", "no outcome column", allowed="month and at least one outcome column",
                                origin=where))
    return names, problems


def read_observed(path: Path, label: str, window: int, weights: dict[str, float],
                  weights_origin: Origin | None = None) -> Observed:
    """Read and check an observed-data CSV.

    Args:
        path: The file.
        label: How messages name it.
        window: Months per window (at least `MIN_WINDOWS` windows are needed).
        weights: Outcome -> weight from the targets file (default 1 for each column).
        weights_origin: Where the weights are in the targets file.

    Raises:
        InputError: Unreadable file, missing ``month`` column, unknown or repeated column,
            non-numeric value, share outside [0, 1], gap in the months, too few rows, an
            empty column, or a weight for a column the file does not have; each problem
            names the file, line and column (at most 20 are listed).
    """
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(Problem("", f"cannot read the file ({err.strerror or err})",
                                 origin=Origin("file", label))) from None
    if size > MAX_BYTES:
        raise InputError(Problem("", f"the file has {size:,} bytes", allowed=f"at most {MAX_BYTES:,}",
                                 origin=Origin("file", label)))
    rows = list(csv.reader(io.StringIO(read_text(path, label))))
    if not rows:
        raise InputError(Problem("", "the file is empty", allowed="a header row (month, outcomes) "
                                 "and one row per month", origin=Origin("file", label)))
    names, problems = _header(rows[0], label)
    if problems:
        raise InputError(problems)
    values: dict[str, list[float]] = {n: [] for n in names}
    for line, row in enumerate(rows[1:], start=2):
        where = Origin("file", label, line)
        if not any(cell.strip() for cell in row):
            continue  # a blank line (often the last one)
        if len(row) != len(names):
            problems.append(Problem("", f"the row has {len(row)} values", allowed=f"{len(names)}, "
                                    f"one per column of the header ({', '.join(names)})", origin=where))
            continue
        for name, cell in zip(names, row, strict=True):
            value = _number(cell)
            if value is None or (name == MONTH and math.isnan(value)):
                what = "the month number" if name == MONTH else "a number (empty: not observed that month)"
                problems.append(Problem(name, "invalid", cell, what, origin=where))
                value = math.nan
            elif name in SHARES and not math.isnan(value) and not 0 <= value <= 1:
                problems.append(Problem(name, "invalid", value, "a share of citizens in [0, 1]", origin=where))
            values[name].append(value)
        if len(problems) >= 20:
            break
    months = values[MONTH]
    expected = next((i for i, m in enumerate(months, start=1) if m != i), None)
    if not problems and expected is not None:
        problems.append(Problem(MONTH, "invalid", months[expected - 1], f"{expected}: months count 1, 2, 3, "
                                "... with no gap and no repeat", origin=Origin("file", label, expected + 1)))
    need = MIN_WINDOWS * window
    if not problems and len(months) < need:
        problems.append(Problem("", f"too few rows: {len(months)} months", allowed=f"at least {need} "
                                f"({MIN_WINDOWS} windows of {window} months)", origin=Origin("file", label)))
    series = {n: np.array(v, dtype=float) for n, v in values.items() if n != MONTH}
    for name, s in series.items():
        if not problems and np.isnan(s).all():
            problems.append(Problem(name, "the column has no value", allowed="at least one observed month",
                                    origin=Origin("file", label, 1)))
    for name, w in weights.items():
        if name not in series:
            problems.append(Problem(f"observed.weights.{name}", "not a column of " + label,
                                    allowed="one of: " + ", ".join(series), hint=did_you_mean(name, series),
                                    origin=weights_origin))
        elif w < 0:
            problems.append(Problem(f"observed.weights.{name}", "invalid", w, "a number >= 0", origin=weights_origin))
    if problems:
        raise InputError(problems)
    return Observed(label, len(months), series, {n: float(weights.get(n, 1.0)) for n in series})
