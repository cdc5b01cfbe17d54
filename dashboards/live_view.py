"""The Live tab: outcome charts, the network, the current values and the CSV download."""

from __future__ import annotations

import solara
import solara.lab
from mesa.visualization.utils import update_counter

from dashboards.render import BEHAVIOUR_COLOURS, BEHAVIOURS
from dashboards.runs import to_csv
from dashboards.state import (
    current_run,
    playing,
)
from sim.model.reporters import REPORTERS

#: While playing, the network is redrawn at most this often (seconds); charts every step.
NETWORK_MIN_INTERVAL = 0.1


@solara.component
def ChartsView():
    """Participation, quality, free riding and trust so far."""
    update_counter.get()
    run = current_run.value
    if run is None:
        return
    png = run.charts_png()
    solara.Image(png, classes=["coprod-img", "coprod-charts"])


@solara.component
def NetworkView():
    """The citizens' network coloured by behaviour, administration and firms."""
    update_counter.get()
    run = current_run.value
    if run is None:
        return
    png = run.network_png(NETWORK_MIN_INTERVAL if playing.value else 0.0)
    solara.Image(png, classes=["coprod-img", "coprod-network"])


@solara.component
def OutcomesTable():
    """Every reporter's value at the current step."""
    update_counter.get()
    run = current_run.value
    latest: dict[str, float] = run.latest() if run else {}
    step = run.steps if run else 0
    rows = f'<tr><th>step</th><td data-reporter="step">{step}</td></tr>' + "".join(
        f'<tr><th>{r.replace("_", " ")}</th><td data-reporter="{r}">'
        f'{latest[r]:.4f}</td></tr>' if r in latest else
        f'<tr><th>{r.replace("_", " ")}</th><td data-reporter="{r}">-</td></tr>'
        for r in REPORTERS
    )
    solara.HTML(tag="table", unsafe_innerHTML=rows, classes=["coprod-outcomes"])


@solara.component
def CsvDownload():
    """Download the current run's time series (step + every reporter) as CSV."""
    run = current_run.value
    if run is None:
        return

    def data() -> bytes:
        return to_csv(run.frame())

    name = f"coprod-{run.settings.scenario}-seed{run.kwargs['rng']}.csv"
    solara.FileDownload(data, filename=name, label="Download CSV", mime_type="text/csv",
                        icon_name="mdi-download")


@solara.component
def LiveView():
    """The live run: charts, network, current values, CSV."""
    with solara.Columns([1, 1]):
        with solara.Card("Outcomes", subtitle="shares of all citizens, per month. Participation: acted "
                         "this month; free riding: used the service, could and may act, gave nothing "
                         "while others did", margin=0):
            ChartsView()
        with solara.Card("Citizens, administration and firms", margin=0):
            NetworkView()
    with solara.Row(style="align-items: flex-start; gap: 24px"):
        with solara.Card("Now", margin=0):
            OutcomesTable()
        with solara.Column():
            run = current_run.value
            if run is not None:
                solara.Text(f"{run.model.citizens.n:,} citizens, seed {run.kwargs['rng']}, "
                            f"scenario {run.settings.scenario}", classes=["coprod-population"])
            CsvDownload()
            keys = "".join(
                f'<span class="coprod-key" style="background:{c}"></span>{b}'
                for b, c in zip(BEHAVIOURS, BEHAVIOUR_COLOURS, strict=True)
            )
            solara.HTML(tag="div", unsafe_innerHTML=f"Citizens:{keys}", style="font-size: 13px")
            solara.Text(f"While playing, the network is redrawn at most every "
                        f"{NETWORK_MIN_INTERVAL * 1000:.0f} ms; charts at every step.",
                        style="font-size: 12px; color: #666")
