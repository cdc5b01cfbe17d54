"""Reference (slow, per-agent) implementation of `sim.CoProductionModel`.

Kept only to *check* and *benchmark* the vectorised model: the same month written the
idiomatic Mesa way, one `RefCitizen` per citizen holding plain Python numbers and a cached
list of its neighbour agents, stepped phase by phase with ``do`` / ``shuffle_do`` (every
citizen finishes a phase before the next starts: simultaneous updating). Per-citizen draws
use Python's `random`, so agreement is statistical (``tests/integration/
test_reference_agreement.py``); the initial state is drawn with the model's own functions
from ``model.rng`` in the vectorised model's order, so both start equal.

What is reimplemented per citizen: beliefs from neighbours read one by one; use of the
service; the decision rule (type schedule x trust x efficacy x need x motivation x
incentives, decision noise, compliance with sanctions); registration and the access cap;
hurdle reports with Poisson counts and data sharing; detection with errors, graduated fines,
decaying offence records, legitimacy, and punishers who pay and may stop (second-order free
riding); the response queue and learning from one's own feedback; trust from levels with
asymmetric rates, adaptive expectations, efficacy learned from neighbours and published
feedback and forgotten toward its prior; responsibility (named tasks vs pooled ones);
payoffs; the classification of who took part, was excluded, exited or free rode. What
is shared with the model: the initial draws, firms (not citizens; the same model-level
sector), and the pure service functions (quality per user, support, austerity).

Supported rules: see `SUPPORTED`; participatory budgeting is not implemented. Anything else
raises `NotImplementedError`, so that a new rule cannot silently go unchecked.

Do not use this for experiments: it is about 100x slower than `sim.CoProductionModel`.
"""

from .citizen import RefCitizen
from .model import SUPPORTED, ReferenceModel

__all__ = ["SUPPORTED", "RefCitizen", "ReferenceModel"]
