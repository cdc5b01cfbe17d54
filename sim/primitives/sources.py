"""Short citations of the works parameters and mechanisms come from (full list: docs/ODD.md).

One constant per work, so a citation is spelt the same wherever a declaration names it;
the text in brackets after a constant says which part of the work a declaration uses.
"""

from __future__ import annotations

FGF = "Fischbacher, Gächter & Fehr 2001"
FG = "Fehr & Gächter 2000"
SCOPING = "Szkuta, Pizzicannella & Osimo 2014 (scoping study)"
INGOV = "inGov IPS holistic framework"
INTERLINK = "INTERLINK D2.1"
BSS = "Barbera, Sicilia & Steccolini 2016"
SJOBERG = "Sjoberg, Mellon & Peixoto 2017"
OSTROM = "Ostrom 1990"
CASTELNOVO = "Castelnovo 2016"
FUGINI_ICT = "Fugini & Teimourikia 2016"
BOOK = "Bracci, Fugini & Sicilia 2016"
