"""The Live tab: outcomes, why they move (mechanisms), the network, the values now, the CSV.

The images are `frame.FrameWidget`s fed by the frame loop (`app.FramePump`): each view
registers itself while it is on the page, the loop draws only the views on the page, and
each image reports when the browser has shown it.
"""

from __future__ import annotations

import solara
from mesa.visualization.utils import update_counter

from dashboards.frame import FrameWidget
from dashboards.render import BEHAVIOUR_COLOURS, BEHAVIOURS
from dashboards.runs import to_csv
from dashboards.state import current_run
from dashboards.teaching_panel import LessonPanel
from sim.analysis import style
from sim.model.reporters import REPORTERS


@solara.component
def LiveImage(view: str, css: str, alt: str):
    """One live view's latest frame; tells the run's gate when the browser showed it."""
    update_counter.get()
    run = current_run.value

    def register():
        if run is None:
            return None
        run.visible.add(view)
        run.wake.set()

        def cleanup():
            run.visible.discard(view)
            run.gate.forget(view)

        return cleanup

    solara.use_effect(register, [run, view])
    if run is None:
        return
    png = run.frames.get(view) or run.draw([view])[view]
    frame = run.frame_ids.get(view, 0)
    if run.sent.get(view) != frame:  # a new picture: the next frame waits until it is shown
        run.sent[view] = frame
        run.gate.sent(view, frame)
    if view in run.figures:  # a timeline: its alternative text says the months it spans
        alt = f"{alt}, months 0 to {run.figures[view].months}"
    FrameWidget.element(png=png, frame=frame, css_class=f"coprod-img {css}", alt=alt,
                        on_shown_frame=lambda shown: run.gate.shown(view, shown))


@solara.component
def OutcomesTable():
    """Every reporter's value at the current step, in words and units."""
    update_counter.get()
    run = current_run.value
    latest: dict[str, float] = run.latest() if run else {}
    step = run.steps if run else 0
    rows = f'<tr><th>month</th><td data-reporter="step">{step}</td></tr>' + "".join(
        f'<tr><th title="{r}">{style.outcome_axis(r).title}</th><td data-reporter="{r}" '
        f'data-value="{latest[r]!r}">{style.format_value(r, latest[r])}</td></tr>' if r in latest else
        f'<tr><th title="{r}">{style.outcome_axis(r).title}</th><td data-reporter="{r}">-</td></tr>'
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
def EventsList():
    """The timed events of the run, as the timelines mark them."""
    update_counter.get()
    run = current_run.value
    if run is None or not run.events:
        return
    items = "".join(f"<li>month {month}: {text}</li>" for month, text in run.events)
    solara.HTML(tag="div", unsafe_innerHTML=f"<b>Events</b> (dashed lines)<ul>{items}</ul>",
                classes=["coprod-events"])


@solara.component
def LiveView():
    """The live run: outcomes, mechanisms, network, current values, CSV."""
    LessonPanel()
    with solara.Columns([3, 2]):
        with solara.Column():
            with solara.Card("Outcomes", subtitle="Each month: the share of all citizens who took "
                             "part, service quality, the share free riding, and mean trust", margin=0):
                LiveImage("outcomes", "coprod-charts", "outcome charts")
            with solara.Card("Why: the mechanisms", subtitle="Who takes part by contributor type; "
                             "whether being heard keeps efficacy up; where quality comes from; "
                             "who is out, and why", margin=0):
                LiveImage("mechanisms", "coprod-mechanisms", "mechanism charts")
        with solara.Column():
            with solara.Card("Citizens, administration and firms", margin=0):
                LiveImage("network", "coprod-network", "social network")
                keys = "".join(
                    f'<span class="coprod-key" style="background:{c}"></span>{b}'
                    for b, c in zip(BEHAVIOURS, BEHAVIOUR_COLOURS, strict=True)
                )
                solara.HTML(tag="div", unsafe_innerHTML=f"Citizens this month:{keys}; size = hours given",
                            style="font-size: 13px")
            with solara.Card("Now", margin=0):
                run = current_run.value
                if run is not None:
                    solara.Text(f"{run.model.citizens.n:,} citizens, seed {run.kwargs['rng']}, "
                                f"scenario {run.settings.scenario}", classes=["coprod-population"])
                CsvDownload()
                EventsList()
                OutcomesTable()
