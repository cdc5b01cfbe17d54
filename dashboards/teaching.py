"""Teaching mode: a short guided sequence of presets, each with what to watch for.

Each lesson is a named scenario plus a few lever settings (validated like any other edit).
`expect` states what the paragraph promises, as ``(reporter, "rises" | "falls" | "holds")``
between the first and the last planned step on the scenario's seed; the tests run every
lesson and check it, so the text stays true when the model changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Lesson:
    """One preset of the guided sequence.

    Attributes:
        title: Short title.
        scenario: Name of a scenario in ``scenarios/``.
        overrides: Parameter name -> value on top of the scenario.
        text: One paragraph: what is set, and what to watch for.
        expect: What the paragraph claims, checked by the tests.
    """

    title: str
    scenario: str
    overrides: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    expect: tuple[tuple[str, str], ...] = ()


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "1. Peer sanctions sustain co-production",
        "consultative",
        {"sanctions": "peer"},
        "A consultation where neighbours watch each other: citizens who give less than the "
        "people around them risk a fine. Press Play and watch participation climb towards "
        "everyone while free riding melts away: free riders comply to avoid fines, and the "
        "conditional cooperators, who give about what they see their neighbours give, keep "
        "contributing because everyone around them does. In the network, orange dots turn "
        "green, and service quality keeps growing.",
        (("participation", "rises"), ("free_rider_share", "falls"), ("quality", "rises")),
    ),
    Lesson(
        "2. Turn sanctions off",
        "consultative",
        {"sanctions": "none"},
        "The same consultation with sanctions switched off. Watch the conditional "
        "cooperators give up. Each gives a little less than they believe their neighbours "
        "give, so once the free riders pull the local average down, contributions unravel "
        "neighbourhood by neighbourhood: watch orange spread through the network, "
        "participation slide and free riding take over, and quality stop growing. Nobody "
        "changed their mind about the service; they only watched each other.",
        (("participation", "falls"), ("free_rider_share", "rises")),
    ),
    Lesson(
        "3. Respond to citizens' input",
        "consultative",
        {"sanctions": "none", "responsiveness": 0.9},
        "Still no sanctions, but now the administration acts on 90 % of what citizens "
        "contribute. Watch trust: contributors see their input used and trust climbs. "
        "Higher trust raises everyone's disposition to contribute, which is enough to hold "
        "participation at its starting level without any fines, and quality grows several "
        "times over. Responsiveness is a governance lever, not only a service standard.",
        (("trust", "rises"), ("participation", "holds"), ("quality", "rises")),
    ),
    Lesson(
        "4. Ignore citizens' input",
        "consultative",
        {"sanctions": "none", "responsiveness": 0.1},
        "The opposite: the administration acts on only 10 % of the input. Watch trust drop "
        "within a few steps as contributors learn that their effort is wasted, and then "
        "participation collapse. Compare with the previous lesson side by side in the A/B "
        "tab (responsiveness 0.1 for A, 0.9 for B): same citizens, same network, same "
        "seed, opposite outcomes.",
        (("trust", "falls"), ("participation", "falls")),
    ),
    Lesson(
        "5. Austerity",
        "austerity",
        {},
        "Co-production used to cut costs: the administration withdraws its own effort as "
        "citizens produce more. Watch quality: after the start it falls below where it "
        "began, because the cuts outpace what citizens add, and participation falls with "
        "it. The savings erode the very contributions they relied on.",
        (("quality", "falls"), ("participation", "falls")),
    ),
)


def outcome_change(first: float, last: float) -> str:
    """Whether an outcome ``"rises"``, ``"falls"`` or ``"holds"`` between two values.

    A change counts when it exceeds 5 % of the first value (at least 0.05).
    """
    margin = max(0.05, 0.05 * abs(first))
    if last > first + margin:
        return "rises"
    if last < first - margin:
        return "falls"
    return "holds"
