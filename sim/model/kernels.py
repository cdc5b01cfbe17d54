"""Compiled (Numba) kernels of the step at scale: the same doubles as the NumPy code they replace.

**Neighbour means.** At a million citizens the neighbour sum is bound by memory latency, not arithmetic: a
small-world network's rewired ties (about a tenth) point anywhere in the population, and
each such tie is a cache miss on the ``(n, k)`` value array (the lattice ties are within a
few rows and hit the cache). These kernels copy the far ties' values first, in the order of
the node they come from (one forward sweep over the value array, which the hardware
prefetches), into rows below the values in one staging array; then each row sums its ties
in CSR index order, each tie reading the staging row the network fixed for it once (its
source's own row if near, its copy if far: no branch per tie, which random rewiring made
the CPU mispredict). Each
row is summed by one thread, term by term from 0.0 in CSR order, exactly as SciPy's
``csr_matvecs`` does (the 0/1 weights multiply by 1.0), so the results are bit-identical.

**Learning.** `learn` is the month's trust, expectation and observational efficacy
updates of `sim.model.learning` (when every citizen judges the same service) in one pass
instead of some twenty array passes.

**Decisions.** `decide` is the decision rule's terms of `sim.model.step_parts.decide`
(schedule, need, trust and efficacy factors, willingness now and with the trust one
started with, report propensity) in one pass, for the common case (an administration, one
service level, no mobilisation).

No kernel uses ``fastmath`` (Numba then neither reorders nor contracts floating-point
operations), so each element is computed as NumPy computes it. The kernels are compiled on first use (``cache=True``: once per machine, then loaded from
``__pycache__``) and release the GIL; `sim.model.neighbourhood` and `sim.model.learning` import this module only
for populations from `sim.model.neighbourhood.COMPILED_ROWS` on, so small runs and sweep workers never load Numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Ties to nodes at most this many rows away are "near": their values are in cache.
NEAR = 2048


@njit(nogil=True, cache=True)
def far_ties(indptr, indices, start, stop, near, first):  # noqa: PLR0917  # pragma: no cover - compiled
    """The far ties of rows ``start:stop``: (source nodes sorted, slot of each, where each tie reads).

    Slot ``s`` is the ``s``-th far tie met when the rows are walked in order; `gather_far`
    copies the values of ``source[q]`` into staging row ``first + slot[q]``, so a row's far
    values lie in the order the rows read them. A tie reads staging row ``where[j]``: its
    source's own row when the source is near, its copy when far.
    """
    where = indices[indptr[start]:indptr[stop]].copy()
    count = 0
    for i in range(start, stop):
        for j in range(indptr[i], indptr[i + 1]):
            d = indices[j] - i
            if d > near or d < -near:
                count += 1
    source = np.empty(count, np.int32)
    s = 0
    for i in range(start, stop):
        for j in range(indptr[i], indptr[i + 1]):
            d = indices[j] - i
            if d > near or d < -near:
                source[s] = indices[j]
                where[j - indptr[start]] = first + s
                s += 1
    slot = np.argsort(source, kind="mergesort").astype(np.int32)
    return source[slot], slot, where


@njit(nogil=True, cache=True)
def gather_far(staged, source, slot, first):  # pragma: no cover - compiled
    """``staged[first + slot[q]] = staged[source[q]]``: a forward sweep over the values (sources sorted)."""
    k = staged.shape[1]
    for q in range(source.shape[0]):
        t = source[q]
        r = first + slot[q]
        for c in range(k):
            staged[r, c] = staged[t, c]


@njit(nogil=True, cache=True)
def _means2(indptr, where, staged, divisor, out, start, stop):  # noqa: PLR0917  # pragma: no cover
    for i in range(start, stop):
        s0 = 0.0
        s1 = 0.0
        for j in range(indptr[i], indptr[i + 1]):
            r = where[j]
            s0 += staged[r, 0]
            s1 += staged[r, 1]
        out[i, 0] = s0 / divisor[i]
        out[i, 1] = s1 / divisor[i]


@njit(nogil=True, cache=True)
def _means3(indptr, where, staged, divisor, out, start, stop):  # noqa: PLR0917  # pragma: no cover
    for i in range(start, stop):
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        for j in range(indptr[i], indptr[i + 1]):
            r = where[j]
            s0 += staged[r, 0]
            s1 += staged[r, 1]
            s2 += staged[r, 2]
        out[i, 0] = s0 / divisor[i]
        out[i, 1] = s1 / divisor[i]
        out[i, 2] = s2 / divisor[i]


#: Number of columns -> the kernel summing that many (the model uses two or three). Two
#: near-copies on purpose: with the columns in scalar accumulators the kernel runs about
#: twice as fast as one looping over the columns (measured at 1,000,000 citizens).
WIDTHS = {2: _means2, 3: _means3}


def neighbour_means(indptr, where, staged, divisor, out, start, stop, source, slot, first) -> None:  # noqa: PLR0917
    """``out[i] = (sum of row i's tie values, in CSR order) / divisor[i]`` for rows ``start:stop``.

    `staged` is C-contiguous ``(n + far ties, k)`` float64, ``k`` a key of `WIDTHS`, its
    first ``n`` rows the values; `source`, `slot` and `where` are the rows' `far_ties`.
    """
    gather_far(staged, source, slot, first)
    WIDTHS[staged.shape[1]](indptr, where, staged, divisor, out, start, stop)


@njit(inline="always")
def clip_scalar(x, low, high):  # pragma: no cover - compiled
    """NumPy's clip of a float, NaN and signed zeros included.

    Numba's ``max(x, low)`` is ``low if low > x else x`` and ``min(y, high)`` is ``high if
    high < y else y``: NumPy's ``maximum``/``minimum`` (a NaN ``x`` passes, ``-0.0`` stays),
    and LLVM makes them branch-free selects. A conditional expression compiles to a branch
    here, which random data mispredicts: the kernels ran five times slower with them.
    """
    return min(max(x, low), high)


@njit(nogil=True, cache=True)
def learn(trust, expectation, efficacy, prior, neighbour_efficacy, received, floor,  # noqa: PLR0917
          base, w_disc, gain, loss, expectation_rate, mixed, private, social, initial,
          forgetting):  # pragma: no cover - compiled
    """`sim.model.learning.learn_month` for one `received` value, element by element.

    ``base`` holds the trust target's terms common to all (performance, effort), ``floor``
    is the least expectation divided by, ``private`` the weight of neighbours' efficacy in
    what is observed and ``mixed`` the published share times its weight.
    """
    for i in range(trust.shape[0]):
        e = expectation[i]
        disc = received - e
        disc /= max(e, floor)
        target = prior[i] + base[0]
        target += base[1]
        target += clip_scalar(disc, -1.0, 1.0) * w_disc
        target = clip_scalar(target, 0.0, 1.0)
        step = target - trust[i]
        step *= gain if step > 0 else loss  # (a select: both are values)
        trust[i] = clip_scalar(trust[i] + step, 0.0, 1.0)
        expectation[i] = e + (received - e) * expectation_rate
        observed = private * neighbour_efficacy[i]
        observed += mixed
        f = efficacy[i]
        f += (observed - f) * social
        f += (initial - f) * forgetting
        efficacy[i] = clip_scalar(f, 0.0, 1.0)


@njit(nogil=True, cache=True)
def decide(slope, level, ctype, hump, belief, quality, need_standard, need_weight, motive,  # noqa: PLR0917
           trust, trust_weight, trust_reference, efficacy, efficacy_weight, initial_efficacy,
           trust_then, cost, gains, report_propensity, want, then, propensity):  # pragma: no cover - compiled
    """Willingness before noise (`want`), with the initial trust (`then`) and report propensity.

    `cost` has one value per citizen or a single one; `gains` is empty when nobody gains
    privately from giving.
    """
    per_citizen_cost = cost.shape[0] > 1
    has_gains = gains.shape[0] > 0
    for i in range(belief.shape[0]):
        b = belief[i]
        tau = slope[i] * b
        tau += level[i]
        # Adding 0.0 to the others changes nothing (tau is never -0.0: level is +0.0 or more)
        # and, unlike a branch on the type, costs no misprediction.
        tau += min(b, 1.0 - b) if ctype[i] == hump else 0.0
        context = clip_scalar(1.0 - quality / need_standard[i], 0.0, 1.0) * need_weight
        context += 1.0
        context *= motive[i]
        trust_now = (trust[i] - trust_reference) * trust_weight + 1.0
        trust_now = max(trust_now, 0.0)
        efficacy_now = (efficacy[i] - initial_efficacy) * efficacy_weight + 1.0
        efficacy_now = max(efficacy_now, 0.0)
        k = cost[i] if per_citizen_cost else cost[0]
        w = tau * (context * trust_then[i])
        w *= k
        if has_gains:
            w += gains[i]
        then[i] = clip_scalar(w, 0.0, 1.0)
        context *= trust_now
        context *= efficacy_now
        w = tau * context
        w *= k
        if has_gains:
            w += gains[i]
        want[i] = clip_scalar(w, 0.0, 1.0)
        r = trust_now * report_propensity
        r *= efficacy_now
        propensity[i] = min(r, 1.0)
