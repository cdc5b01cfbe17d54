"""The Info tab: what the model is, how it works, how to use it, what to notice and try, sources."""

from __future__ import annotations

import re

import solara

from dashboards import info


@solara.component
def InfoView():
    """Every Info section, generated from the docs (`dashboards.info`)."""
    with solara.Column(classes=["coprod-info"]):
        for title, _, body in info.sections():
            slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")
            with solara.Card(title, margin=0, classes=[f"coprod-info-{slug}"]):
                solara.HTML(tag="div", unsafe_innerHTML=body, classes=["coprod-info-body"])
