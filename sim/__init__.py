"""coprod: an agent-based simulator of the collective co-production of public services.

The names below are imported lazily, so light commands (``coprod --version``, scenario
validation errors) answer without importing Mesa and pandas first.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Administration": "sim.agents",
    "Citizen": "sim.agents",
    "Firm": "sim.agents",
    "CoProductionModel": "sim.model",
    "REPORTERS": "sim.model",
    "MODEL_PARAMS": "sim.parameters",
    "ParameterError": "sim.spec",
}
__all__ = [
    "MODEL_PARAMS",
    "REPORTERS",
    "Administration",
    "Citizen",
    "CoProductionModel",
    "Firm",
    "ParameterError",
]


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
