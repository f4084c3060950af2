"""The demo's absence history and pulse answers: what a team lead's figures are made of.

* **Absences**: sick reports over the four weeks before the demo's clock (Tuesday 17 March
  2020), drawn day by day per agent up to the plan period. Most last one to five days, some two
  to three weeks; a report is a little likelier from the surge on (9 March). The rate lands at
  about 5-8% of agent-days, as in Dutch contact centres. One or two stay open: those agents
  are absent today.
* **Pulse**: one question for the first plan week, answered on its Monday by most agents of
  every team (parents, whose children's schools closed that day, a little lower).

Pure: the values only; :mod:`bezetting.services.demo_organisation` stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from bezetting.demo.organisation import PLAN_FIRST_DAY, SURGE_FIRST_DAY, DemoAgent

__all__ = [
    "ABSENCE_DAYS",
    "DEMO_TODAY",
    "OPEN_ABSENCES",
    "PULSE_QUESTION",
    "PULSE_SCALE",
    "DemoAbsence",
    "DemoPulse",
    "demo_absences",
    "demo_pulse",
]

DEMO_TODAY = date(2020, 3, 17)
"""The day the demo's clock starts (``make run``): absences run up to it."""
ABSENCE_DAYS = 28
"""Days of absence history before :data:`DEMO_TODAY`, the team page's window."""
OPEN_ABSENCES = 2
PULSE_QUESTION = "Hoe goed lukt het je deze week om thuis je werk te doen?"
"""In Dutch, as the centre would ask it (1 = slecht, 5 = heel goed)."""
PULSE_SCALE = 5
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_WARM_UP_DAYS = 21  # draw from earlier, so that the window starts with absences running
_DAILY_ODDS = 0.011  # a new sick report per agent-day before the surge
_SURGE_ODDS = 0.022
_LONG_SHARE = 0.15  # reports of two to three weeks; the rest last one to five days
_REPORTED_AT = time(7, 45)  # agents call in before the centre opens
_BETTER_AT = time(18, 0)
_ANSWER_SHARE = 0.85
_ANSWER_ODDS = np.array([0.05, 0.15, 0.30, 0.35, 0.15])
_PARENT_ODDS = np.array([0.15, 0.30, 0.30, 0.20, 0.05])


@dataclass(frozen=True)
class DemoAbsence:
    """A sick report of agent ``external_id``: open while ``ends_at`` is None."""

    external_id: str
    starts_at: datetime
    ends_at: datetime | None


@dataclass(frozen=True)
class DemoPulse:
    """The pulse question, its open period and the answers per team (in no agent's order)."""

    question: str
    scale_max: int
    opens_at: datetime
    closes_at: datetime
    answered_on: date
    answers: tuple[tuple[str, int], ...]
    """(team, value) pairs."""
    answered_by: tuple[str, ...]
    """External ids of the agents who answered, sorted: kept apart from the answers."""


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, _AMSTERDAM)


def _length_in_days(rng: np.random.Generator) -> int:
    if rng.random() < _LONG_SHARE:
        return int(rng.integers(10, 22))
    return int(rng.integers(1, 6))


def demo_absences(
    people: tuple[DemoAgent, ...], rng: np.random.Generator, *, not_open: frozenset[str]
) -> tuple[DemoAbsence, ...]:
    """Sick reports that touch the :data:`ABSENCE_DAYS` days before :data:`DEMO_TODAY`.

    Reports begin before the plan period (the demo is planned on its first morning); those
    still running then end on the Sunday evening before it. :data:`OPEN_ABSENCES` agents
    without a contract minimum, at work the week before, reported sick on the Thursday or
    Friday and still are: the scheduler holds contract minimums as hard rules, and an open
    absence makes an agent unavailable for the whole plan. ``not_open`` (the demo's agent
    logins) are never among them.
    """
    window_start = DEMO_TODAY - timedelta(days=ABSENCE_DAYS)
    first = window_start - timedelta(days=_WARM_UP_DAYS)
    drawn: list[tuple[DemoAgent, date, date]] = []  # agent, first day, first day back at work
    for person in people:
        day = max(first, person.start_date)
        while day < PLAN_FIRST_DAY:
            odds = _SURGE_ODDS if day >= SURGE_FIRST_DAY else _DAILY_ODDS
            if rng.random() < odds:
                back = day + timedelta(days=_length_in_days(rng))
                drawn.append((person, day, back))
                day = back
            else:
                day += timedelta(days=1)
    absences = [
        # Back on ``back``: better reported the evening before (at the latest on the Sunday).
        DemoAbsence(
            person.external_id,
            _at(start, _REPORTED_AT),
            _at(min(back, PLAN_FIRST_DAY) - timedelta(days=1), _BETTER_AT),
        )
        for person, start, back in drawn
        if back > window_start
    ]
    # Still sick: agents without a minimum who were at work in the plan's last week before.
    week_before = PLAN_FIRST_DAY - timedelta(days=7)
    busy = {person.external_id for person, _, back in drawn if back > week_before} | not_open
    free = sorted(
        p.external_id
        for p in people
        if p.hours_min == 0 and p.start_date <= week_before and p.external_id not in busy
    )
    for external_id in rng.choice(free, size=min(OPEN_ABSENCES, len(free)), replace=False):
        start = PLAN_FIRST_DAY - timedelta(days=int(rng.integers(3, 5)))  # Thursday or Friday
        absences.append(DemoAbsence(str(external_id), _at(start, _REPORTED_AT), None))
    return tuple(sorted(absences, key=lambda a: (a.starts_at, a.external_id)))


def demo_pulse(
    people: tuple[DemoAgent, ...], rng: np.random.Generator, *, not_answering: frozenset[str]
) -> DemoPulse:
    """The first plan week's question and most agents' answers; ``not_answering`` (the demo's
    agent logins) leave it open, so that they can answer it themselves."""
    answers: list[tuple[str, int]] = []
    answered_by: list[str] = []
    for person in people:
        if person.external_id in not_answering or rng.random() >= _ANSWER_SHARE:
            continue
        odds = _PARENT_ODDS if person.profile == "parent" else _ANSWER_ODDS
        answers.append((person.team, int(rng.choice(PULSE_SCALE, p=odds)) + 1))
        answered_by.append(person.external_id)
    order = rng.permutation(len(answers))
    return DemoPulse(
        question=PULSE_QUESTION,
        scale_max=PULSE_SCALE,
        opens_at=_at(PLAN_FIRST_DAY, time(0, 0)),
        closes_at=_at(PLAN_FIRST_DAY + timedelta(days=7), time(0, 0)),
        answered_on=PLAN_FIRST_DAY,
        answers=tuple(answers[i] for i in order),
        answered_by=tuple(sorted(answered_by)),
    )
