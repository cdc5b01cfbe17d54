"""Compiled (Numba) passes of the month at scale: several NumPy array passes fused into one.

At a million citizens a step is bound by memory traffic: each NumPy operation streams
its operands (8 MB per float64 array) through memory, and the month's decisions, acts and
payoffs take some thirty such passes. Each kernel here reads every array once and does,
element by element, the same floating-point operations in the same order as the NumPy
code it replaces (no ``fastmath``), so the results are bit-identical; the tests compare
the two paths with ``repr``. Used from `sim.model.neighbourhood.COMPILED_ROWS` citizens
on, by `sim.model.step_parts`, `sim.model.acts` and `sim.model.coproduction`.

Booleans enter arithmetic as NumPy casts them (``1.0`` or ``0.0``), and comparisons of
float32 draws with float64 values are made in float64, as NumPy's casting rules do.
"""

from __future__ import annotations

from numba import njit

from sim.model.kernels import clip_scalar


@njit(nogil=True, cache=True)
def apply_noise(want, u, scale):  # pragma: no cover - compiled
    """`sim.model.behaviour.add_noise` with the uniform draws `u` given: ``want x (1 + scale (u - 0.5))``, clipped."""
    for i in range(want.shape[0]):
        x = u[i] - 0.5
        x *= scale
        x += 1.0
        want[i] = clip_scalar(want[i] * x, 0.0, 1.0)


@njit(nogil=True, cache=True)
def lost_motivation(then, threshold, willing, propensity, half_then, lost):  # noqa: PLR0917  # pragma: no cover
    """``lost = (then >= threshold) & ~willing | (propensity < half_then)``."""
    for i in range(lost.shape[0]):
        lost[i] = ((then[i] >= threshold[i]) & (not willing[i])) | (propensity[i] < half_then[i])


@njit(nogil=True, cache=True)
def reporting(engagement, encounter_rate, uses, propensity, draws, rate, reporters):  # noqa: PLR0917  # pragma: no cover
    """Each citizen's report rate (into `rate`) and who reports (indices into `reporters`); their count.

    ``met = engagement x encounter_rate x uses``, ``rate = met x propensity``, and a
    citizen reports when its draw is below ``min(rate, 1)``.
    """
    count = 0
    for i in range(rate.shape[0]):
        met = engagement[i] * encounter_rate
        met *= uses[i]  # (the bool as 1.0 or 0.0)
        r = met * propensity[i]
        rate[i] = r
        reporters[count] = i  # (kept only if the count moves on: no branch to mispredict)
        count += draws[i] < min(r, 1.0)
    return count


@njit(nogil=True, cache=True)
def sharing(engagement, encounter_rate, uses, trust, data_base, draws, shared):  # noqa: PLR0917  # pragma: no cover
    """Who shares data: a draw below ``min(met, 1) x trust x data_base`` (``met`` as in `reporting`)."""
    for i in range(shared.shape[0]):
        met = engagement[i] * encounter_rate  # (recomputed, as `reporting` did: cheaper than a stored array)
        met *= uses[i]  # (the bool as 1.0 or 0.0)
        met = min(met, 1.0)
        met *= trust[i] * data_base[i]
        shared[i] = draws[i] < met


@njit(nogil=True, cache=True)
def payoff(uses, received, outside, cost, contribution, reward, out):  # noqa: PLR0917  # pragma: no cover
    """``uses x received + outside x ~uses - cost x contribution`` (+ `reward` if it is not empty).

    `reward` holds one value per citizen, a single value, or none (fines come between the
    cost and the reward: the caller then adds them and the reward itself).
    """
    per_citizen = reward.shape[0] > 1
    has_reward = reward.shape[0] > 0
    for i in range(out.shape[0]):
        x = received * uses[i]
        x += outside[i] * (not uses[i])
        x -= cost[i] * contribution[i]
        if has_reward:
            x += reward[i] if per_citizen else reward[0]
        out[i] = x


@njit(nogil=True, cache=True)
def hours_of_acts(reports, shared, voted, act_hours, collective, active, hours, positive, active_hours):  # noqa: PLR0917  # pragma: no cover
    """Each citizen's hours (``(reports + shared + voted) x act_hours + collective``) into `hours`.

    Also the positive hours (into `positive`) and the hours of the `active` (into
    `active_hours`), in citizen order, as ``np.compress`` gives them; returns both counts.
    """
    k = 0
    m = 0
    for i in range(hours.shape[0]):
        h = reports[i] + shared[i]
        h += voted[i]
        h *= act_hours
        h += collective[i]
        hours[i] = h
        positive[k] = h  # (kept only if the count moves on)
        k += h > 0.0
        active_hours[m] = h
        m += active[i]
    return k, m


@njit(nogil=True, cache=True)
def by_feedback(values, feedback, heard, ignored):  # pragma: no cover - compiled
    """The values where ``feedback == 1`` (into `heard`) and ``== 0`` (into `ignored`), in order; both counts."""
    k = 0
    m = 0
    for i in range(values.shape[0]):
        v = values[i]
        f = feedback[i]
        heard[k] = v
        k += f == 1
        ignored[m] = v
        m += f == 0
    return k, m


@njit(nogil=True, cache=True)
def answer(effort, reports, acted, efficacy, feedback, rate, heard, acted_effort, acted_reports):  # noqa: PLR0917  # pragma: no cover
    """The month's response in one pass: who was heard, their feedback learning, the input acted on.

    `effort` and `reports` are the matured float32 input; `heard` gets ``effort > 0 |
    reports > 0``; those heard move efficacy toward ``acted`` at `rate` and record it in
    `feedback` (`sim.model.learning.learn_from_feedback`); `acted_effort` (float64) and
    `acted_reports` (float32) get the input times ``acted`` (exact: a product by 1 or 0).
    Returns (number heard, number heard and acted on).
    """
    k = 0
    m = 0
    for i in range(heard.shape[0]):
        a = acted[i]
        h = (effort[i] > 0) | (reports[i] > 0)
        heard[i] = h
        if h:
            efficacy[i] += rate * ((1.0 if a else 0.0) - efficacy[i])
            feedback[i] = 1 if a else 0
        k += h
        m += h & a
        acted_effort[i] = effort[i] * a
        acted_reports[i] = reports[i] * a
    return k, m


@njit(nogil=True, cache=True)
def observed_columns(prev, efficacy, punish, columns):  # pragma: no cover - compiled
    """``columns[:, 0] = prev``, ``[:, 1] = efficacy`` and, with a third column, ``(prev > 0) x punish``."""
    monitors = columns.shape[1] > 2
    for i in range(prev.shape[0]):
        p = prev[i]
        columns[i, 0] = p
        columns[i, 1] = efficacy[i]
        if monitors:
            columns[i, 2] = (p > 0) * punish[i]


@njit(nogil=True, cache=True)
def update_beliefs(belief, means, weight, visible_term, keep, rate):  # noqa: PLR0917  # pragma: no cover
    """`sim.model.learning.update_beliefs` toward ``means[:, 0]``: ``belief x keep + rate x (weight x mean + visible_term)``."""
    for i in range(belief.shape[0]):
        t = weight * means[i, 0]
        t += visible_term
        t *= rate
        b = belief[i] * keep
        b += t
        belief[i] = b
