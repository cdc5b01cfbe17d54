"""coprod: an agent-based simulator of the collective co-production of public services."""

from sim.agents import Administration, Citizen, Firm
from sim.model import REPORTERS, CoProductionModel
from sim.parameters import MODEL_PARAMS
from sim.spec import ParameterError

__all__ = [
    "MODEL_PARAMS",
    "REPORTERS",
    "Administration",
    "Citizen",
    "CoProductionModel",
    "Firm",
    "ParameterError",
]
__version__ = "0.1.0"
