"""The lesson beside the live run, and its debrief once the run reaches its planned end.

The debrief runs the lesson's baseline (the same scenario, seed and months without the
lesson's levers, `teaching.Lesson.baseline`) in the background and sets each claim of the
lesson against what happened in the live run: the steady state (mean of the final 24
months) of the run against the baseline's. If the run was changed on the way (other levers,
levers applied during the run), the debrief says so: it compares the run as it happened.
"""

from __future__ import annotations

import html
from typing import Any, cast

import solara
from mesa.visualization.utils import update_counter

from dashboards import teaching
from dashboards.levers import label, number
from dashboards.runs import Run, build_model, timeseries
from dashboards.settings import Settings
from dashboards.state import active_lesson, current_run, in_background
from sim.analysis import style

#: id of the run -> its verdicts, or the message of a failed baseline.
debriefs = solara.reactive(cast(dict[int, Any], {}))
debrief_busy = solara.reactive(cast("int | None", None))


def lesson_settings(lesson: teaching.Lesson) -> Settings:
    """The settings a lesson loads (raises `InputError` if the lesson is not valid)."""
    return Settings(lesson.scenario).with_overrides(lesson.overrides)


def _baseline(lesson: teaching.Lesson, run: Run):
    settings = Settings(lesson.scenario, seed=run.kwargs["rng"]).with_overrides(lesson.baseline)
    model, _ = build_model(settings)
    for _ in range(run.steps):
        model.step()
    return teaching.debrief(lesson, run.frame(), timeseries(model))


def _differences(lesson: teaching.Lesson, run: Run) -> list[str]:
    preset = lesson_settings(lesson).values()
    now = run.settings.values()
    changed = [f"{label(k).lower()} {number(now[k])} (preset {number(preset[k])})"
               for k in preset if k != "rng" and preset[k] != now.get(k)]
    if run.settings.scenario != lesson.scenario:
        changed.insert(0, f"scenario {run.settings.scenario} (preset {lesson.scenario})")
    return changed + [f"month {m}: {text}" for m, text in run.events]


def _verdict_rows(verdicts: list[teaching.Verdict]) -> str:
    rows = []
    for v in verdicts:
        mark = "as claimed" if v.holds else "not this time"
        rows.append(
            f'<tr class="{"coprod-holds" if v.holds else "coprod-fails"}"><td>{style.describe(v.reporter)}</td>'
            f"<td>{v.claim} than without the levers</td><td>{style.format_value(v.reporter, v.lesson)}</td>"
            f"<td>{style.format_value(v.reporter, v.baseline)}</td><td><b>{mark}</b></td></tr>")
    head = ("<tr><th>outcome</th><th>the lesson said</th><th>this run</th><th>without the levers</th>"
            "<th></th></tr>")
    return head + "".join(rows)


@solara.component
def Debrief(lesson: teaching.Lesson, run: Run):
    """What happened against the lesson's claims (computed once the run has ended)."""
    key = id(run)
    result = debriefs.value.get(key)

    def start():
        if key in debriefs.value or debrief_busy.value == key:
            return

        def done(verdicts, error):
            debriefs.set({**debriefs.value, key: verdicts if error is None else error})
            debrief_busy.set(None)

        debrief_busy.set(key)
        in_background(lambda: _baseline(lesson, run), done, "run the baseline")

    solara.use_effect(start, [key])
    with solara.Card("Debrief", margin=0, classes=["coprod-debrief"]):
        if result is None:
            solara.ProgressLinear(True)
            solara.Text("Running the same citizens without the lesson's levers, to compare…")
            return
        if isinstance(result, str):
            solara.Error(result)
            return
        held = sum(v.holds for v in result)
        solara.HTML(tag="p", unsafe_innerHTML=(
            f"Mean of the final {teaching.STEADY} months of this run against the same citizens, seed "
            f"and months without the lesson's levers: <b>{held} of {len(result)}</b> claims held."))
        solara.HTML(tag="table", unsafe_innerHTML=_verdict_rows(result), classes=["coprod-verdicts"])
        changed = _differences(lesson, run)
        if changed:
            solara.HTML(tag="p", unsafe_innerHTML="This run is not the preset as loaded: "
                        + html.escape("; ".join(changed)) + ".", style="font-size: 13px; color: #555")


@solara.component
def LessonPanel(show_text: bool = True):
    """The lesson loaded into the live run (its text if `show_text`), its progress, its debrief."""
    update_counter.get()
    index = active_lesson.value
    run = current_run.value
    if index is None:
        return
    lesson = teaching.LESSONS[index]
    with solara.Card(f"Lesson {index + 1}: {lesson.title.split('. ', 1)[-1]}", margin=0,
                     classes=["coprod-lesson-panel"]):
        if show_text:
            solara.HTML(tag="p", unsafe_innerHTML=html.escape(lesson.text),
                        classes=["coprod-lesson-text-compact"])
        if run is None:
            return
        if run.steps < max(run.horizon, teaching.STEADY):
            solara.Text(f"Debrief at month {run.horizon} (now {run.steps}).",
                        classes=["coprod-debrief-wait"])
        else:
            Debrief(lesson, run)
