"""Teaching mode: a short guided sequence of presets, each with what to watch for.

Each lesson is a named scenario plus a few lever settings (validated like any other edit)
and a *baseline*: the same scenario and seed without them (or with `baseline` settings).
`expect` states what the paragraph promises, as ``(reporter, "higher" | "lower")``: the
lesson's steady state (the mean over its final 24 months) against the baseline's. The tests
run every lesson and its baseline and check each claim, so the text stays true when the
model changes; the debrief after a run shows the same comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Months at the end of a run whose mean is the steady state a lesson talks about.
STEADY = 24


@dataclass(frozen=True)
class Lesson:
    """One preset of the guided sequence.

    Attributes:
        title: Short title.
        scenario: Name of a scenario in ``scenarios/``.
        overrides: Parameter name -> value on top of the scenario.
        text: One paragraph: what is set, and what to watch for.
        expect: What the paragraph claims against the baseline, checked by the tests.
        baseline: Parameter name -> value of the run the lesson is compared with.
    """

    title: str
    scenario: str
    overrides: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    expect: tuple[tuple[str, str], ...] = ()
    baseline: dict[str, Any] = field(default_factory=dict)


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "1. Enforced co-production",
        "consultative",
        {"sanctions": "admin"},
        "The administration now requires everyone who uses the service to give at least a "
        "fifth of their spare time, checks three citizens in ten each month and fines those "
        "caught short, more for repeat offences. Watch participation climb far above the "
        "consultation without fines and free riding fall: most citizens would rather give "
        "two hours than risk a growing fine. But look at the cost line: monitoring is paid "
        "for, and some of the citizens fined had in fact done their part.",
        (("participation", "higher"), ("free_rider_share", "lower"), ("admin_cost", "higher")),
    ),
    Lesson(
        "2. Sanctions that backfire",
        "consultative",
        {"sanctions": "admin", "fine": 0.05, "legitimacy": 0.2, "detection_error": 0.3},
        "The same requirement, but the fine is tiny, the rule was imposed without asking "
        "anyone (citizens grant it little legitimacy) and the checks often fine the wrong "
        "person. A fine this small deters nobody, yet it signals distrust: the conditional "
        "cooperators give up some of their willingness, and the wrongly fined lose trust. "
        "Compare with no sanctions at all: fewer citizens give their time collectively, and "
        "trust ends lower. Sanctions can fail.",
        (("participation_collective", "lower"), ("trust", "lower")),
    ),
    Lesson(
        "3. Respond to citizens' input",
        "consultative",
        {"responsiveness": 0.9},
        "The administration acts on 90 % of what citizens hand in. Watch efficacy, the belief "
        "that one's input matters: contributors see their reports fixed and their proposals "
        "used, tell their neighbours, and more of them take part the next month. Quality "
        "grows with what they add, and trust follows the better service. Responsiveness is "
        "a governance lever, not only a service standard.",
        (("efficacy", "higher"), ("participation", "higher"), ("quality", "higher")),
    ),
    Lesson(
        "4. Ignore citizens' input",
        "consultative",
        {"responsiveness": 0.1},
        "The opposite: the administration acts on only 10 % of the input. Contributors learn "
        "that their effort is wasted; efficacy falls, and one by one they stop. The exit "
        "line rises: these are not free riders but citizens who tried and were ignored. "
        "Compare lessons 3 and 4 side by side in the A/B tab (responsiveness 0.1 for A, 0.9 "
        "for B): same citizens, same network, same seed, opposite outcomes.",
        (("efficacy", "lower"), ("exit_share", "higher"), ("participation", "lower")),
    ),
    Lesson(
        "5. Austerity",
        "austerity",
        {},
        "Co-production used to cut costs: the administration withdraws a unit of its own "
        "effort for every unit citizens add. Compare with the same scenario without the "
        "cuts: quality ends lower, because the cuts outpace what citizens add, and trust "
        "ends lower, because citizens judge the administration by what it does itself. The "
        "savings erode the very contributions they relied on.",
        (("quality", "lower"), ("trust", "lower")),
        baseline={"austerity_response": 0.0},
    ),
    Lesson(
        "6. Name who is responsible",
        "co_delivery",
        {"responsibility": "individual"},
        "Instead of pooled volunteering, where everyone's effort disappears into the group, "
        "one citizen in five is named responsible for a street or a park. Named tasks are "
        "visible, so effort on them does not diffuse across the group (social loafing). "
        "Watch collective participation and quality rise, and the administration's cost of "
        "coordinating the named volunteers with them.",
        (("participation_collective", "higher"), ("admin_cost", "higher")),
    ),
)


def steady_state(frame, reporter: str) -> float:
    """A reporter's mean over the final `STEADY` months of a run's frame."""
    return float(frame[reporter].iloc[-STEADY:].mean())


def claim_holds(claim: str, lesson_value: float, baseline_value: float) -> bool:
    """Whether ``"higher"`` / ``"lower"`` holds between the lesson's and the baseline's value."""
    return lesson_value > baseline_value if claim == "higher" else lesson_value < baseline_value


@dataclass(frozen=True)
class Verdict:
    """One claim of a lesson against what happened.

    Attributes:
        reporter: The outcome the claim is about.
        claim: ``"higher"`` or ``"lower"`` than the baseline.
        lesson: Its steady state in the run (mean of the final `STEADY` months).
        baseline: Its steady state in the baseline run (same scenario and seed, without the levers).
    """

    reporter: str
    claim: str
    lesson: float
    baseline: float

    @property
    def holds(self) -> bool:
        """Whether the claim held in this run."""
        return claim_holds(self.claim, self.lesson, self.baseline)


def debrief(lesson: Lesson, ran, baseline) -> list[Verdict]:
    """Each of the lesson's claims, checked on a run's frame against the baseline's frame."""
    return [Verdict(r, claim, steady_state(ran, r), steady_state(baseline, r)) for r, claim in lesson.expect]
