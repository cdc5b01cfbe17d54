"""The regime checks by name (`sim.validation.regimes`, `sim.validation.levers`)."""

from __future__ import annotations

from collections.abc import Callable

from sim.validation import regimes
from sim.validation.levers import dead_levers, levers


def lever_screen(full: bool = True) -> tuple[bool, list[str]]:
    """No dead levers: each numeric governance, administration and service lever moves an outcome."""
    names = levers()
    return dead_levers(names if full else names[::4], seeds=2 if full else 1)


CHECKS: dict[str, Callable[..., tuple[bool, list[str]]]] = {
    "recovery": regimes.recovery, "austerity": regimes.austerity, "sanctions": regimes.sanctions,
    "scale": regimes.scale, "semantics": regimes.semantics, "horizon": regimes.horizon,
    "quality_settles": regimes.quality_settles, "levers": lever_screen,
}
