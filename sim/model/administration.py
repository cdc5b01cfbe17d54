"""Administrations: their budget and effort, joint production, austerity, and what they publish.

* **Effort**: the administration's own production per citizen a month (``production``);
  citizens judge it against what they consider normal (``effort_reference``), so cutting
  it lowers trust (`sim.model.learning`).
* **Integrated services** (inGov IPS framework): with K administrations jointly delivering
  one service, only the part of each one's effort that crosses agency boundaries reaches
  users. ``interoperability`` (agreements, shared data and platforms) sets that part:
  efficiency = interoperability + (1 - interoperability) / K.
* **Austerity / crowding out** (Bracci, Fugini & Sicilia 2016, ch. 1: co-production as a
  way of cutting costs): the administration cuts its own production by
  ``austerity_response`` units per unit of quality citizens co-produce (a slow-moving
  average: budgets are revised slowly).
* **Published feedback**: with ``feedback_publicity`` > 0 the administration publishes what
  it did with citizens' input (the share acted on), a public signal every citizen learns
  from, whether or not it took part (Sjoberg, Mellon & Peixoto 2017 on feedback; Bandura
  1977 on learning by observation).
"""

from __future__ import annotations

from sim.primitives.params import Param
from sim.primitives.sources import BOOK, INGOV, SJOBERG

ADMINISTRATION_PARAMS: tuple[Param, ...] = (
    Param("production", 0.1, "Administration's own quality production per citizen a month.", "administration", 0, 100, unit="quality per month"),
    Param("effort_reference", 0.1, "Administration effort citizens consider normal (the default production).", "administration", 0.001, 100, source="Bracci, Fugini & Sicilia 2016 (co-production as cost cutting)"),
    Param("handling_cost", 0.2, "Administration cost per unit of citizen input acted on.", "administration", 0, 10),
    Param("administrations", 1, "Number of administrations jointly delivering the service.", "administration", 1, 20, source=INGOV + " (interoperability agreements)"),
    Param("interoperability", 0.5, "Interoperability agreements between administrations (0 = silos).", "administration", 0, 1, source=INGOV + " (interoperability agreements)"),
    Param("austerity_response", 0.0, "Own production cut per unit of quality citizens co-produced.", "administration", 0, 5, source=BOOK + " (co-production and austerity)"),
    Param("feedback_publicity", 0.0, "Weight of the published share of input acted on in what citizens observe (0: nothing is published).", "administration", 0, 1, source=SJOBERG + " (feedback on reports)"),
)


def integration_efficiency(administrations: int, interoperability: float) -> float:
    """Share of joint administrative effort that reaches users."""
    k = max(administrations, 1)
    return interoperability + (1.0 - interoperability) / k


def austerity_production(production: float, coproduced_last: float, response: float) -> float:
    """Own production after cutting `response` units per unit of last step's co-production."""
    return max(0.0, production - response * coproduced_last)
