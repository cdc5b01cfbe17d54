"""Administrations: joint production across agencies, and the austerity response.

* **Integrated services** (inGov IPS framework): with K administrations jointly delivering
  one service, only the part of each one's effort that crosses agency boundaries reaches
  users. ``interoperability`` (agreements, shared data and platforms) sets that part:
  efficiency = interoperability + (1 - interoperability) / K, so silos (0) lose (K-1)/K of
  the joint effort and full interoperability (1) loses nothing.
* **Austerity / crowding out** (Bracci, Fugini & Sicilia 2016, ch. 1: co-production as a way
  of cutting costs): the administration cuts its own production by ``austerity_response``
  units per unit of quality citizens co-produce (a slow-moving average: budgets are revised
  slowly); citizens see the
  service and the administration's effort fall and lose trust.
"""

from __future__ import annotations


def integration_efficiency(administrations: int, interoperability: float) -> float:
    """Share of joint administrative effort that reaches users."""
    k = max(administrations, 1)
    return interoperability + (1.0 - interoperability) / k


def austerity_production(production: float, coproduced_last: float, response: float) -> float:
    """Own production after cutting `response` units per unit of last step's co-production."""
    return max(0.0, production - response * coproduced_last)
