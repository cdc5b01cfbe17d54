"""The teaching tab: a guided sequence of presets, one paragraph each on what to watch."""

from __future__ import annotations

import html

import solara

from dashboards import teaching
from dashboards.settings import Settings, format_value
from dashboards.state import (
    field_errors,
    lesson_index,
    playing,
    run_error,
    settings,
    start_run,
    tab_index,
)
from sim.primitives.errors import InputError


def apply_lesson(index: int) -> None:
    """Load lesson `index`: its scenario and levers, reset, and show the live run."""
    lesson = teaching.LESSONS[index]
    lesson_index.set(index)
    try:
        new = Settings(lesson.scenario).with_overrides(lesson.overrides)
    except InputError as err:
        run_error.set(err.message)
        return
    field_errors.set({})
    settings.set(new)
    start_run(new)


def play_lesson(index: int) -> None:
    """Load lesson `index` and start playing it."""
    apply_lesson(index)
    tab_index.set(0)
    playing.set(True)


@solara.component
def TeachingView():
    """A short guided sequence of presets, one paragraph each."""
    index = lesson_index.value
    lesson = teaching.LESSONS[index]
    solara.Text(f"Lesson {index + 1} of {len(teaching.LESSONS)}", style="color: #666")
    with solara.Card(lesson.title, margin=0, classes=["coprod-lesson"]):
        levers = ", ".join(f"{k} = {format_value(v)}" for k, v in lesson.overrides.items())
        setting = f"Scenario: {lesson.scenario}" + (f"; {levers}" if levers else "")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<p style="font-size: 16px; line-height: 1.55">{html.escape(lesson.text)}</p>'
            f'<p style="font-size: 13px; color: #666">{html.escape(setting)}</p>',
        )
        with solara.Row(gap="8px"):
            solara.Button("Load this preset", color="primary", icon_name="mdi-school",
                          on_click=lambda: apply_lesson(index), classes=["coprod-lesson-apply"])
            solara.Button("Load and play", color="primary", outlined=True, icon_name="mdi-play",
                          on_click=lambda: play_lesson(index))
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


# --------------------------------------------------------------------------------------------
# Page
