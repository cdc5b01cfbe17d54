"""What kind of evidence each validation pattern is, and whose its tolerances are.

A pattern that restates an input cannot validate a model, and a pattern a parameter was
fitted to can only show that the fit worked. `coprod validate` therefore labels every
pattern (Grimm et al. 2005, pattern-oriented modelling; Railsback & Grimm 2019, ch. 19):

* ``input``: an *input check*: the value is set by a parameter or a formula the model
  takes from the source (the check only shows the input arrives unchanged);
* ``calibration``: a *calibration target*: the parameters named in ``fitted`` were chosen
  to meet it (docs/ODD.md, Calibration, says how);
* ``out_of_sample``: nothing was fitted to it; the model meets it (or misses it) with the
  parameters fitted elsewhere.

Every tolerance says whether it is published or ours, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["input", "calibration", "out_of_sample"]
KINDS: tuple[Kind, ...] = ("input", "calibration", "out_of_sample")
KIND_NAMES: dict[Kind, str] = {"input": "input check", "calibration": "calibration target",
                               "out_of_sample": "out-of-sample"}


@dataclass(frozen=True)
class Tolerance:
    """One criterion's tolerance and where it comes from.

    Attributes:
        criterion: The check it applies to (a key of the pattern's checks, or ``all``).
        value: The tolerance in words.
        published: True when the source publishes it; False when it is ours.
        why: Where it comes from, or why we chose it.
    """

    criterion: str
    value: str
    published: bool
    why: str


@dataclass(frozen=True)
class Evidence:
    """The kind of evidence a pattern is.

    Attributes:
        kind: ``input``, ``calibration`` or ``out_of_sample``.
        fitted: The parameters fitted to the pattern (calibration targets), or restated by
            it (input checks); empty for out-of-sample patterns.
        tolerances: Each criterion's tolerance and its provenance.
    """

    kind: Kind
    fitted: tuple[str, ...]
    tolerances: tuple[Tolerance, ...]

    def as_record(self) -> dict:
        """The evidence as plain values for validation.json."""
        return {"kind": self.kind, "fitted": list(self.fitted),
                "tolerances": [{"criterion": t.criterion, "tolerance": t.value,
                                "whose": "published" if t.published else "ours", "why": t.why}
                               for t in self.tolerances]}


def ours(criterion: str, value: str, why: str) -> Tolerance:
    """A tolerance we chose, with the reason."""
    return Tolerance(criterion, value, False, why)


def published(criterion: str, value: str, why: str) -> Tolerance:
    """A tolerance the source publishes."""
    return Tolerance(criterion, value, True, why)
