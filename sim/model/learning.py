"""What citizens learn each month, whether or not they took part (vectorised).

* **Beliefs** about others' contributions move toward what neighbours and the visible
  aggregate contributed (Fischbacher & Gächter 2010).
* **Efficacy** -- the belief that one's input is acted on -- learns from one's own
  feedback when input matured (Sjoberg, Mellon & Peixoto 2017), and *every* month from
  what one can observe without contributing: neighbours' experiences (word of mouth;
  Bandura 1977) and, where the administration publishes what it did with citizens'
  input, that public signal; it forgets toward its prior (recency; Erev & Roth 1998). So
  an ignored citizen who stopped taking part still learns when the administration
  changes, and a state where nobody takes part lasts only while what can be observed
  keeps efficacy and trust low.
* **Trust** in the administration follows *levels*: the quality received relative to the
  standard citizens hold, the administration's own effort relative to what they consider
  normal, and the disconfirmation of an expectation that itself adapts (expectancy-
  disconfirmation: Van Ryzin 2004, 2013; James 2009). Trust is lost faster than it is
  gained (Slovic 1993), and a wrongly fined citizen loses trust at once. Cutting effort
  lowers the target, so austerity lowers trust in every regime.
"""

from __future__ import annotations

import numpy as np

from sim.model.neighbourhood import COMPILED_ROWS
from sim.primitives.numeric import Scratch, clip
from sim.primitives.params import Param
from sim.primitives.sources import BANDURA, EREV_ROTH, FG2010, JAMES, SJOBERG, SLOVIC, VAN_RYZIN
from sim.primitives.threads import in_halves

LEARNING_PARAMS: tuple[Param, ...] = (
    Param("neighbour_weight", 0.7, "Weight of neighbours (vs the visible aggregate) in beliefs.", "population", 0, 1),
    Param("belief_learning", 0.5, "Rate at which beliefs move toward observed contributions.", "population", 0, 1, source=FG2010 + " (belief updating)"),
    Param("initial_efficacy", 0.5, "Prior belief that one's input is acted on, before any experience.", "population", 0, 1),
    Param("efficacy_learning", 0.5, "Rate at which efficacy moves toward whether one's own input was acted on.", "population", 0, 1, source=SJOBERG),
    Param("social_learning", 0.02, "Monthly rate at which efficacy moves toward what neighbours and public signals show.", "population", 0, 1, source=BANDURA),
    Param("efficacy_forgetting", 0.02, "Monthly rate at which efficacy returns toward its prior.", "population", 0, 1, source=EREV_ROTH + " (recency)"),
    Param("trust_gain", 0.05, "Monthly rate at which trust rises toward its target.", "population", 0, 1, source=SLOVIC),
    Param("trust_loss", 0.15, "Monthly rate at which trust falls toward its target (trust is lost faster than gained).", "population", 0, 1, source=SLOVIC),
    Param("performance_weight", 0.2, "Trust gained per unit of quality received above the standard.", "population", 0, 5, source=VAN_RYZIN + " (performance)"),
    Param("trust_effort_weight", 0.2, "Trust gained per unit of the administration's effort above what citizens consider normal.", "population", 0, 5, source="Bracci, Fugini & Sicilia 2016 (co-production as cost cutting)"),
    Param("disconfirmation_weight", 0.2, "Trust gained per unit of quality received above what was expected.", "population", 0, 5, source=f"{VAN_RYZIN}; {JAMES}"),
    Param("expectation_learning", 0.1, "Monthly rate at which the expected quality moves toward the quality received.", "population", 0, 1, source=VAN_RYZIN),
    Param("wrongful_trust_loss", 0.3, "Trust a citizen loses when fined for an offence it did not commit.", "population", 0, 1, source="Tyler 2006 (procedural justice)"),
)


def fill_observed(prev: np.ndarray, efficacy: np.ndarray, punish: np.ndarray, columns: np.ndarray) -> None:
    """What citizens see of their neighbours, written into `columns`.

    Last month's contribution, efficacy and (a third column, if there is one) whether they
    gave something and still punish.
    """
    if prev.shape[0] >= COMPILED_ROWS:  # one pass, the same numbers (`sim.model.fused`)
        from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

        fused.observed_columns(prev, efficacy, punish, columns)
        return
    columns[:, 0] = prev
    columns[:, 1] = efficacy
    if columns.shape[1] > 2:
        columns[:, 2] = (prev > 0) * punish


def update_beliefs(belief, means, visible_mean, p) -> np.ndarray:
    """Move beliefs toward a mix of neighbours' (``means[:, 0]``) and the visible aggregate contribution."""
    w = p["neighbour_weight"]
    lam = p["belief_learning"]
    if belief.shape[0] >= COMPILED_ROWS:  # one pass, the same numbers (`sim.model.fused`)
        from sim.model import fused  # noqa: PLC0415  (Numba only at scale)

        fused.update_beliefs(belief, means, w, (1.0 - w) * visible_mean, 1.0 - lam, lam)
        return belief
    target = np.multiply(w, means[:, 0])
    target += (1.0 - w) * visible_mean
    belief *= 1.0 - lam
    target *= lam
    belief += target
    return belief


def learn_from_feedback(efficacy: np.ndarray, heard: np.ndarray, acted: np.ndarray, rate: float,
                        feedback: np.ndarray | None = None) -> None:
    """Citizens whose input matured move toward 1 if it was acted on, else toward 0.

    Args:
        efficacy: Each citizen's efficacy (updated in place).
        heard: Whose input matured this month.
        acted: Whether it was acted on.
        rate: Learning rate.
        feedback: If given, what was done with each citizen's last matured input (1 acted
            on, 0 ignored; updated in place for those heard).
    """
    # (At scale the model learns this in `sim.model.fused.answer`, with the input acted on.)
    idx = np.flatnonzero(heard)
    efficacy[idx] += rate * (acted[idx] - efficacy[idx])
    if feedback is not None:
        feedback[idx] = acted[idx]


def learn_by_observation(efficacy: np.ndarray, observed: np.ndarray, p: dict, work: Scratch | None = None) -> None:
    """Everyone: toward what neighbours and public signals show, and back toward the prior.

    Args:
        efficacy: Each citizen's efficacy (updated in place).
        observed: What each citizen can observe of responsiveness this month (neighbours'
            mean efficacy mixed with the published share of input acted on).
        p: Resolved model parameters.
        work: Work arrays for the intermediate terms (fresh arrays if None).
    """
    move = np.subtract(observed, efficacy, out=None if work is None else work("efficacy_move"))
    move *= p["social_learning"]
    efficacy += move
    np.subtract(p["initial_efficacy"], efficacy, out=move)
    move *= p["efficacy_forgetting"]
    efficacy += move
    clip(efficacy, 0.0, 1.0, out=efficacy)


def trust_target(prior, received, standard, effort_ratio, expectation, p,  # noqa: PLR0917
                 work: Scratch | None = None) -> np.ndarray:
    """Trust each citizen's experience supports (levels, not growth rates), in [0, 1].

    ``prior + w_perf (received/standard - 1) + w_effort (effort ratio - 1)
    + w_disc (received - expected) / expected``, with the performance and disconfirmation
    terms bounded to [-1, 1] each. `received` is per citizen or one value for everybody;
    intermediate terms (and the result) go into `work` arrays if given.
    """
    work = work or Scratch(np.shape(prior)[0])
    perf = clip(received / standard - 1.0, -1.0, 1.0)
    disc = np.subtract(received, expectation, out=work("disconfirmation"))
    disc /= np.maximum(expectation, 0.05 * standard, out=work("expected_floor"))
    clip(disc, -1.0, 1.0, out=disc)
    target = np.add(prior, p["performance_weight"] * perf, out=work("trust_target"))
    target += p["trust_effort_weight"] * float(clip(effort_ratio - 1.0, -1.0, 1.0))
    disc *= p["disconfirmation_weight"]
    target += disc
    return clip(target, 0.0, 1.0, out=target)


def update_trust(trust: np.ndarray, target: np.ndarray, gain: float, loss: float,
                 work: Scratch | None = None) -> None:
    """Trust moves toward its target: at rate `gain` when rising, `loss` when falling."""
    step = np.subtract(target, trust, out=None if work is None else work("trust_step"))
    step *= np.where(step > 0, gain, loss)
    trust += step
    clip(trust, 0.0, 1.0, out=trust)


def update_expectation(expectation: np.ndarray, received, rate: float, work: Scratch | None = None) -> None:
    """Expected quality adapts toward the quality received (per citizen, or one value)."""
    move = np.subtract(received, expectation, out=None if work is None else work("expectation_move"))
    move *= rate
    expectation += move


def learn_month(c, received, effort_ratio: float, neighbour_efficacy: np.ndarray, published: float,  # noqa: PLR0917
                p: dict, work: Scratch) -> None:
    """The month's learning of every citizen: trust, expected quality and efficacy by observation.

    Args:
        c: The citizens (trust, expectation and efficacy are updated in place).
        received: Quality received (one value for everybody, or per citizen).
        effort_ratio: The administration's own effort relative to what is considered normal.
        neighbour_efficacy: Each citizen's neighbours' mean efficacy.
        published: The published share of input acted on.
        p: Resolved model parameters.
        work: Work arrays.
    """
    standard, publicity = p["quality_standard"], p["feedback_publicity"]
    if np.ndim(received) == 0 and c.trust.shape[0] >= COMPILED_ROWS:  # one compiled pass, same numbers
        from sim.model import kernels  # noqa: PLC0415  (Numba only at scale)

        base = np.array([p["performance_weight"] * clip(received / standard - 1.0, -1.0, 1.0),
                         p["trust_effort_weight"] * min(max(effort_ratio - 1.0, -1.0), 1.0)])
        def rows(lo: int, hi: int) -> None:
            kernels.learn(c.trust[lo:hi], c.expectation[lo:hi], c.efficacy[lo:hi], c.trust_prior[lo:hi],
                          neighbour_efficacy[lo:hi], float(received), 0.05 * standard, base,
                          p["disconfirmation_weight"], p["trust_gain"], p["trust_loss"], p["expectation_learning"],
                          publicity * published, 1.0 - publicity, p["social_learning"], p["initial_efficacy"],
                          p["efficacy_forgetting"])

        in_halves(c.trust.shape[0], rows)  # each citizen's own update: two threads, the same numbers
        return
    target = trust_target(c.trust_prior, received, standard, effort_ratio, c.expectation, p, work=work)
    update_trust(c.trust, target, p["trust_gain"], p["trust_loss"], work=work)
    update_expectation(c.expectation, received, p["expectation_learning"], work=work)
    observed = np.multiply(1.0 - publicity, neighbour_efficacy, out=work("observed_efficacy"))
    observed += publicity * published
    learn_by_observation(c.efficacy, observed, p, work=work)
