"""Bilateral agreements between administrations (inGov): shared delivery and data sharing.

inGov's framework for integrated public services names, beside the interoperability level
of the whole service, bilateral agreements between pairs of administrations: agreements
to share data and to deliver jointly. With K administrations delivering one service, the
interoperable share ``i`` of each one's effort reaches users whole and the rest only
within its own part (`sim.model.administration.integration_efficiency`: ``i + (1 - i) /
K``). A bilateral agreement opens that rest to the partner's part too: an administration
with ``d`` partners reaches ``(1 + d) / K`` of the service with its siloed effort, so

* **shared delivery** (``delivery_agreements``, the share of the K(K-1)/2 pairs that
  agree) sets the efficiency of the administrations' own production: ``i + (1 - i) (1 +
  mean d) / K``, 1 when every pair agrees;
* **data sharing** (``data_agreements``) does the same for what citizens' input yields:
  input handed to one administration is used by its partners (the once-only principle),
  ``i + (1 - i) (1 + mean d_data) / K``.

Pairs agree in a fixed order (neighbours in a chain of administrations first, then pairs
further apart), so a larger share adds agreements to those there were; each agreement costs
``agreement_cost`` a month per citizen (negotiating, running the shared systems).
"""

from __future__ import annotations

import itertools

import numpy as np

from sim.primitives.params import Param
from sim.primitives.sources import INGOV

AGREEMENT_PARAMS: tuple[Param, ...] = (
    Param("delivery_agreements", 0.0, "Share of pairs of administrations with a bilateral agreement to deliver the service jointly.", "administration", 0, 1, source=INGOV + " (bilateral agreements)"),
    Param("data_agreements", 0.0, "Share of pairs of administrations with a bilateral agreement to share citizens' input and data.", "administration", 0, 1, source=INGOV + " (bilateral agreements; once-only principle)"),
    Param("agreement_cost", 0.002, "Administration cost a month per citizen of each bilateral agreement.", "administration", 0, 10),
)


def pairs(k: int) -> list[tuple[int, int]]:
    """The pairs of `k` administrations in the order they agree (nearest in a chain first)."""
    return sorted(itertools.combinations(range(k), 2), key=lambda ab: (ab[1] - ab[0], ab[0]))


def partners(k: int, share: float) -> list[list[int]]:
    """Each administration's partners when the first ``round(share x pairs)`` pairs agree."""
    order = pairs(k)
    out: list[list[int]] = [[] for _ in range(k)]
    for a, b in order[: round(share * len(order))]:
        out[a].append(b)
        out[b].append(a)
    return [sorted(theirs) for theirs in out]


def agreement_efficiency(k: int, interoperability: float, share: float) -> float:
    """Share of joint effort reaching users with ``share`` of pairs in an agreement."""
    k = max(k, 1)
    mean_partners = float(np.mean([len(p) for p in partners(k, share)]))
    return interoperability + (1.0 - interoperability) * (1.0 + mean_partners) / k


def agreements_count(k: int, p: dict) -> int:
    """Bilateral agreements in force (both kinds)."""
    n_pairs = k * (k - 1) // 2
    return round(p["delivery_agreements"] * n_pairs) + round(p["data_agreements"] * n_pairs)
