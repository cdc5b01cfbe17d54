"""The teaching tab: a guided sequence of presets, each beside its live run, then a debrief."""

from __future__ import annotations

import html

import solara
from mesa.visualization.utils import update_counter

from dashboards import teaching
from dashboards.live_view import LiveImage
from dashboards.settings import format_value
from dashboards.state import (
    active_lesson,
    current_run,
    field_errors,
    lesson_index,
    run_error,
    settings,
    start_run,
)
from dashboards.teaching_panel import LessonPanel, lesson_settings
from sim.primitives.errors import InputError


def apply_lesson(index: int, then_play: bool = False) -> None:
    """Load lesson `index`: its scenario and levers, and reset (then play, if asked)."""
    lesson = teaching.LESSONS[index]
    lesson_index.set(index)
    try:
        new = lesson_settings(lesson)
    except InputError as err:
        run_error.set(err.message)
        return
    field_errors.set({})
    settings.set(new)
    active_lesson.set(index)
    start_run(new, and_play=then_play)


@solara.component
def LessonRun():
    """The live run beside the lesson: month, outcomes, Play/Pause."""
    update_counter.get()
    run = current_run.value
    if run is None:
        return
    solara.Text(f"Month {run.steps} of {run.horizon} planned", classes=["coprod-teaching-step"],
                style="font-size: 18px; font-weight: 500")
    LiveImage("outcomes", "coprod-charts coprod-teaching-charts", "outcome charts")


@solara.component
def TeachingView():
    """A short guided sequence of presets, one paragraph each, beside the live run."""
    index = lesson_index.value
    lesson = teaching.LESSONS[index]
    with solara.Columns([2, 3]):
        with solara.Column():
            solara.Text(f"Lesson {index + 1} of {len(teaching.LESSONS)}", style="color: #666")
            with solara.Card(lesson.title, margin=0, classes=["coprod-lesson"]):
                levers = ", ".join(f"{k} = {format_value(v)}" for k, v in lesson.overrides.items())
                setting = f"Scenario: {lesson.scenario}" + (f"; {levers}" if levers else "")
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=f'<p class="coprod-lesson-text">{html.escape(lesson.text)}</p>'
                    f'<p style="font-size: 13px; color: #666">{html.escape(setting)}</p>',
                )
                with solara.Row(gap="8px"):
                    solara.Button("Load this preset", color="primary", icon_name="mdi-school",
                                  on_click=lambda: apply_lesson(index), classes=["coprod-lesson-apply"])
                    solara.Button("Load and play", color="primary", outlined=True, icon_name="mdi-play",
                                  on_click=lambda: apply_lesson(index, then_play=True),
                                  classes=["coprod-lesson-play"])
            with solara.Row(gap="8px"):
                solara.Button("Previous", disabled=index == 0, on_click=lambda: lesson_index.set(index - 1),
                              icon_name="mdi-chevron-left")
                solara.Button("Next", disabled=index == len(teaching.LESSONS) - 1,
                              on_click=lambda: lesson_index.set(index + 1), icon_name="mdi-chevron-right",
                              classes=["coprod-lesson-next"])
            with solara.Column(gap="0px"):
                for i, other in enumerate(teaching.LESSONS):
                    solara.Button(other.title, text=True, on_click=lambda i=i: lesson_index.set(i),
                                  style="justify-content: flex-start; text-transform: none")
        with solara.Column():
            if active_lesson.value is None:
                solara.Info("Load a preset: its run appears here, beside the lesson, and a debrief "
                            "follows when it reaches its planned end.")
            else:
                LessonRun()
                LessonPanel(show_text=False)
