"""Where the search frees a skill class next: on the days where its groups are short."""

from __future__ import annotations

import random

import numpy as np

from bezetting.core.schedule._neighbourhoods import Neighbourhood, worst_neighbourhood

GROUPS = ["voice", "chat", "email"]
CLASSES = [
    frozenset({"voice"}),
    frozenset({"chat"}),
    frozenset({"email"}),
    frozenset({"chat", "email"}),
]
# Four days of four slots each.
SLOT_DAY = np.repeat(np.arange(4), 4)


def _short(group: str, day: int, cost: float) -> np.ndarray:
    short = np.zeros((len(GROUPS), SLOT_DAY.size))
    short[GROUPS.index(group), day == SLOT_DAY] = cost
    return short


def test_nothing_short_frees_nobody() -> None:
    none = np.zeros((len(GROUPS), SLOT_DAY.size))
    assert worst_neighbourhood(none, GROUPS, SLOT_DAY, CLASSES, random.Random(0)) is None


def test_only_classes_that_serve_the_short_group_on_its_day_are_drawn() -> None:
    short = _short("chat", 2, 100.0)
    drawn = {
        worst_neighbourhood(short, GROUPS, SLOT_DAY, CLASSES, random.Random(seed))
        for seed in range(50)
    }
    assert drawn == {
        Neighbourhood(frozenset({"chat"}), frozenset({2})),
        Neighbourhood(frozenset({"chat", "email"}), frozenset({2})),
    }


def test_two_day_neighbourhoods_hold_the_short_day() -> None:
    short = _short("voice", 1, 50.0)
    drawn = {
        worst_neighbourhood(short, GROUPS, SLOT_DAY, CLASSES, random.Random(seed), span=2)
        for seed in range(50)
    }
    assert drawn == {
        Neighbourhood(frozenset({"voice"}), frozenset({0, 1})),
        Neighbourhood(frozenset({"voice"}), frozenset({1, 2})),
    }


def test_the_worse_shortage_is_drawn_far_more_often() -> None:
    short = _short("voice", 0, 10.0) + _short("email", 3, 100.0)
    rng = random.Random(1)
    drawn = [worst_neighbourhood(short, GROUPS, SLOT_DAY, CLASSES, rng) for _ in range(400)]
    voice = sum(1 for n in drawn if n is not None and n.skill_groups == frozenset({"voice"}))
    # Odds by the square of the cost: 100 to 10,000 for each of the two email classes.
    assert voice < 20
