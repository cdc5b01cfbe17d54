"""coprod: an agent-based simulator of the collective co-production of public services.

The names below are imported lazily, so light commands (``coprod --version``, scenario
validation errors) answer without importing Mesa and pandas first.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Administration": "sim.model.agents",
    "Citizen": "sim.model.agents",
    "Firm": "sim.model.agents",
    "CoProductionModel": "sim.model.coproduction",
    "REPORTERS": "sim.model.reporters",
    "MODEL_PARAMS": "sim.model.parameters",
    "ParameterError": "sim.primitives.params",
    "run_point": "sim.policy.point",
    "PointOutcomes": "sim.policy.point",
}
__all__ = [
    "MODEL_PARAMS",
    "REPORTERS",
    "Administration",
    "Citizen",
    "CoProductionModel",
    "Firm",
    "ParameterError",
    "PointOutcomes",
    "run_point",
]


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
