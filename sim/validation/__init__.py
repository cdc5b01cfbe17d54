"""`coprod validate`: the model against published patterns (pattern-oriented modelling)."""

from sim.validation.field import field_collective, field_individual, pb_turnout
from sim.validation.patterns import PatternResult, lab_decay, lab_punishment
from sim.validation.platform import (
    contributor_types,
    online_scale,
    participation_inequality,
    responsiveness_repeat,
)

#: id -> (pattern function, replications in a full run, replications in CI's reduced run).
PATTERNS = {
    "lab_decay": (lab_decay, 50, 15),
    "lab_punishment": (lab_punishment, 50, 15),
    "contributor_types": (contributor_types, 20, 6),
    "responsiveness_repeat": (responsiveness_repeat, 60, 20),
    "participation_inequality": (participation_inequality, 40, 12),
    "online_scale": (online_scale, 10, 4),
    "field_collective": (field_collective, 10, 3),
    "field_individual": (field_individual, 10, 3),
    "pb_turnout": (pb_turnout, 20, 6),
}

__all__ = ["PATTERNS", "PatternResult"]
