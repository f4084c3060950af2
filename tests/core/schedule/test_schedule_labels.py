"""The groups agents on duty serve, relabelled at least cost (``_labels.best_labels``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bezetting.core.schedule._labels import best_labels, coverage_cost

VOICE, EMAIL, CHAT = 0, 1, 2


def _usable(groups: set[int], n_t: int, n_g: int = 3) -> np.ndarray:
    mask = np.zeros((n_g, n_t), dtype=bool)
    for g in groups:
        mask[g] = True
    return mask


def _labels(per_agent: list[list[int | None]], n_g: int = 3) -> np.ndarray:
    """agents x slots of group indices (None: off duty) as contributions."""
    n_a, n_t = len(per_agent), len(per_agent[0])
    out = np.zeros((n_a, n_g, n_t), dtype=np.int16)
    for a, row in enumerate(per_agent):
        for t, g in enumerate(row):
            if g is not None:
                out[a, g, t] = 1
    return out


def _random_week(  # type: ignore[no-untyped-def]
    seed: int, skill_sets: list[set[int]], n_a: int, n_t: int, on_share: float, most: int
):
    """Agents of random classes on duty at random slots with random labels, and a demand."""
    rng = np.random.default_rng(seed)
    classes = [int(rng.integers(len(skill_sets))) for _ in range(n_a)]
    usable = [_usable(skill_sets[k], n_t) for k in classes]
    rows: list[list[int | None]] = [
        [
            int(rng.choice(sorted(skill_sets[k]))) if rng.random() < on_share else None
            for _ in range(n_t)
        ]
        for k in classes
    ]
    required = rng.integers(0, most, size=(3, n_t)).astype(float)
    worth = rng.integers(20, 200, size=(3, n_t)).astype(float)
    return classes, usable, rows, required, worth


def test_a_chain_of_relabels_no_single_agent_can_make_is_found() -> None:
    # Voice is short, chat has one too many. Ann (voice, email) serves email, Bo (email, chat)
    # serves chat: Ann alone moving to voice leaves email short; Bo alone to email adds
    # surplus. Together (Ann to voice, Bo to email) every group is covered.
    skills = [{VOICE, EMAIL}, {EMAIL, CHAT}, {CHAT}]
    usable = [_usable(s, 1) for s in skills]
    contrib = _labels([[EMAIL], [CHAT], [CHAT]])
    required = np.array([[1.0], [1.0], [1.0]])
    worth = np.full((3, 1), 100.0)

    out = best_labels(contrib, [0, 1, 2], usable, required, worth, 2)

    assert coverage_cost(contrib.sum(axis=0), required, worth, 2) == 102
    assert out[:, :, 0].tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert coverage_cost(out.sum(axis=0), required, worth, 2) == 0


def test_labels_already_best_are_kept_as_they_are() -> None:
    skills = [{VOICE, EMAIL}, {VOICE, EMAIL}, {EMAIL}]
    usable = [_usable(s, 2) for s in skills]
    contrib = _labels([[VOICE, EMAIL], [EMAIL, VOICE], [EMAIL, EMAIL]])
    required = np.array([[1.0, 1.0], [2.0, 2.0], [0.0, 0.0]])
    worth = np.full((3, 2), 50.0)

    out = best_labels(contrib, [0, 0, 1], usable, required, worth, 2)

    assert (out == contrib).all()


def test_nobody_starts_or_stops_work_and_nobody_serves_a_group_it_may_not() -> None:
    skill_sets = [{VOICE}, {EMAIL}, {VOICE, CHAT}, {EMAIL, CHAT}, {VOICE, EMAIL, CHAT}]
    n_a = 9
    classes, usable, rows, required, worth = _random_week(3, skill_sets, n_a, 12, 0.7, 4)
    contrib = _labels(rows)

    out = best_labels(contrib, classes, usable, required, worth, 2)

    assert ((out.sum(axis=1) > 0) == (contrib.sum(axis=1) > 0)).all()
    assert out.sum(axis=1).max() == 1
    for a in range(n_a):
        assert not (out[a] & ~usable[a]).any()


@pytest.mark.parametrize("seed", range(6))
def test_the_cost_is_the_least_of_every_possible_labelling(seed: int) -> None:
    skill_sets = [{VOICE}, {VOICE, EMAIL}, {EMAIL, CHAT}, {VOICE, EMAIL, CHAT}]
    n_a, n_g, n_t = 5, 3, 3
    classes, usable, rows, required, worth = _random_week(seed, skill_sets, n_a, n_t, 0.8, 3)
    contrib = _labels(rows)

    out = best_labels(contrib, classes, usable, required, worth, 2)

    best = 0.0
    for t in range(n_t):
        on = [a for a in range(n_a) if rows[a][t] is not None]
        options = [sorted(skill_sets[classes[a]]) for a in on]
        cheapest = float("inf")
        for pick in itertools.product(*options):
            staffed = np.zeros((n_g, 1))
            for g in pick:
                staffed[g, 0] += 1
            cost = coverage_cost(staffed, required[:, t : t + 1], worth[:, t : t + 1], 2)
            cheapest = min(cheapest, cost)
        best += cheapest
    assert coverage_cost(out.sum(axis=0), required, worth, 2) == pytest.approx(best)
    assert best <= coverage_cost(contrib.sum(axis=0), required, worth, 2)
