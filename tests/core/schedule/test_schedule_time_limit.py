"""The time limit bounds the whole ``solve`` call, not only CP-SAT's search.

Every phase is charged to a fake clock by a fixed cost (and CP-SAT by the limit it was given,
as a solver that honours its limit would take), so the accounting is tested without timing
the machine: a phase that escapes the budget makes the fake total exceed the limit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from _schedule_factory import agent, contract
from ortools.sat.python import cp_model
from test_schedule_solve import small

from bezetting.core.schedule import Decomposition, SolveParameters, SolveStatus, solve

SOLVE_MODULE = sys.modules["bezetting.core.schedule.solve"]

# Seconds each phase costs on the fake clock: slow model building and greedy starts, as for
# 120 free-shift agents over two weeks, where the overrun was measured (268 s for 60 s).
PHASE_COST = {
    "build_candidates": 4.0,
    "greedy_schedule": 6.0,
    "_build": 12.0,
    "lp_lower_bound": 1.0,
    "penalties_of": 2.0,
    "validate": 0.5,
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def charge_every_phase(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> list[float]:
    """Make each phase advance ``clock``; returns the limits CP-SAT was given."""
    for name, cost in PHASE_COST.items():
        real = getattr(SOLVE_MODULE, name)

        def with_kwargs(
            *args: Any, _real: Callable[..., Any] = real, _cost: float = cost, **kwargs: Any
        ) -> Any:
            clock.now += _cost
            return _real(*args, **kwargs)

        monkeypatch.setattr(SOLVE_MODULE, name, with_kwargs)
    limits: list[float] = []
    real_solve = cp_model.CpSolver.solve

    def solver_takes_its_limit(self: cp_model.CpSolver, *args: Any, **kwargs: Any) -> Any:
        limit = self.parameters.max_time_in_seconds
        limits.append(limit)
        self.parameters.max_time_in_seconds = min(limit, 2.0)  # real work stays short
        clock.now += limit
        return real_solve(self, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", solver_takes_its_limit)
    return limits


def two_weeks_of_four_agents() -> object:
    agents = tuple(agent(f"a{i}", contract=contract(0, 24, 40)) for i in range(4))
    return small(days=14, agents=agents)


@pytest.mark.parametrize("limit", [30.0, 60.0, 120.0, 300.0])
def test_the_whole_call_stays_within_the_time_limit_however_slow_the_setup(
    monkeypatch: pytest.MonkeyPatch, limit: float
) -> None:
    clock = FakeClock()
    limits = charge_every_phase(monkeypatch, clock)
    started = clock.now
    result = solve(
        two_weeks_of_four_agents(),  # type: ignore[arg-type]
        parameters=SolveParameters(time_limit_seconds=limit, decomposition=Decomposition.WEEKS),
        on_progress=lambda p: None,
        clock=clock,
    )
    spent = clock.now - started
    assert spent <= 1.1 * limit, f"{spent:.1f} s on the clock for a limit of {limit:g} s"
    assert result.wall_seconds == pytest.approx(spent)
    assert result.violations == ()
    assert result.status is not SolveStatus.UNKNOWN
    if limit >= 120:
        assert limits, "with time to spare the solver runs"


def test_a_generous_limit_goes_to_the_solver_not_to_waste(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    limits = charge_every_phase(monkeypatch, clock)
    started = clock.now
    solve(
        two_weeks_of_four_agents(),  # type: ignore[arg-type]
        parameters=SolveParameters(time_limit_seconds=600, decomposition=Decomposition.WEEKS),
        clock=clock,
    )
    spent = clock.now - started
    assert 0.9 * 600 <= spent <= 1.1 * 600
    assert sum(limits) >= 0.5 * 600


def test_without_a_greedy_start_the_solver_still_runs_when_time_is_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    limits = charge_every_phase(monkeypatch, clock)
    prob = small(days=7)
    result = solve(
        prob,  # type: ignore[arg-type]
        parameters=SolveParameters(time_limit_seconds=10, greedy_hint=False, lp_bound=False),
        clock=clock,
    )
    assert limits, "the solver is the only way to an answer"
    assert result.violations == ()
    assert np.isfinite(result.objective)


def test_the_neighbourhood_search_stays_within_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    limits = charge_every_phase(monkeypatch, clock)
    started = clock.now
    result = solve(
        two_weeks_of_four_agents(),  # type: ignore[arg-type]
        parameters=SolveParameters(
            time_limit_seconds=200,
            decomposition=Decomposition.WEEKS,
            neighbourhood_agents=2,
            neighbourhood_seconds=5,
        ),
        clock=clock,
    )
    assert clock.now - started <= 1.1 * 200
    assert max(limits) <= 30, "each step gets its own short limit, not the whole share"
    assert len(limits) > 4
    assert result.violations == ()


def test_the_neighbourhood_search_answers_no_worse_than_any_schedule_it_reported() -> None:
    reported: list[float] = []
    result = solve(
        two_weeks_of_four_agents(),  # type: ignore[arg-type]
        parameters=SolveParameters(
            time_limit_seconds=6,
            num_workers=1,
            lp_bound=False,
            neighbourhood_agents=2,
            neighbourhood_seconds=1,
        ),
        on_progress=lambda p: reported.append(p.objective),
    )
    assert result.violations == ()
    assert result.objective == pytest.approx(sum(p.cost for p in result.penalties), rel=1e-6)
    assert len(reported) >= 2, "the greedy start and its completion are reported first"
    assert result.objective <= min(reported) + 1e-6


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count calls of ``name`` in the solve module (on top of any fake cost)."""
    calls: list[int] = []
    inner = getattr(SOLVE_MODULE, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return inner(*args, **kwargs)

    monkeypatch.setattr(SOLVE_MODULE, name, counted)
    return calls


def test_a_slow_greedy_pass_still_leaves_week_1_to_the_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The greedy pass costs 10 s a week on the fake clock (candidates 4 s, greedy 6 s). Week
    # 1's candidates and greedy start are reused, so they are not charged again, and the
    # search's setup is estimated without a CP-SAT model: 60 s leave time to search week 1.
    clock = FakeClock()
    charge_every_phase(monkeypatch, clock)
    searched = count_calls(monkeypatch, "improve_by_agents")
    started = clock.now
    result = solve(
        two_weeks_of_four_agents(),  # type: ignore[arg-type]
        parameters=SolveParameters(time_limit_seconds=60, decomposition=Decomposition.WEEKS),
        clock=clock,
    )
    assert clock.now - started <= 1.1 * 60
    assert searched, "week 1 was searched, not left to the greedy pass"
    assert result.violations == ()


def test_a_later_week_starts_from_the_greedy_pass_when_that_is_still_legal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    charge_every_phase(monkeypatch, clock)
    greedy_runs = count_calls(monkeypatch, "greedy_schedule")
    searched = count_calls(monkeypatch, "improve_by_agents")
    result = solve(
        two_weeks_of_four_agents(),  # type: ignore[arg-type]
        parameters=SolveParameters(time_limit_seconds=120, decomposition=Decomposition.WEEKS),
        clock=clock,
    )
    assert len(searched) == 2, "both weeks searched"
    assert len(greedy_runs) == 2, "one greedy schedule per week, none built twice"
    assert result.violations == ()


def test_a_parts_setup_is_measured_once_and_a_built_part_is_not_charged_again() -> None:
    clock = FakeClock()
    budget = SOLVE_MODULE._Budget(100.0, clock)
    budget.setup_done(0, 5.0)
    budget.setup_done(0, 40.0)  # the CP-SAT path after the search: that was search, not setup
    assert budget.part_setup == 5.0
    budget.setup_done(1, 7.0)
    assert budget.part_setup == 7.0
    clock.now += 20.0
    reserve = budget.reserve
    assert budget.solver_time_after_setup(2, built=True) == pytest.approx(
        (100.0 - reserve - 20.0 - 7.0) / 2
    )
    assert budget.solver_time_after_setup(2) == pytest.approx((100.0 - reserve - 20.0 - 14.0) / 2)


def test_the_final_check_keeps_back_what_the_parts_showed_it_takes_not_the_first_guess() -> None:
    budget = SOLVE_MODULE._Budget(300.0, FakeClock())
    assert budget.reserve == pytest.approx(15.0), "a guess until a part is measured: 5%"
    budget.expect_final(1.2)
    assert budget.reserve == pytest.approx(3.0), "never under 1% of the limit"
    budget.expect_final(20.0)
    budget.expect_final(6.0)
    assert budget.reserve == pytest.approx(20.0), "the largest estimate so far"
    budget.expect_final(400.0)
    assert budget.reserve == pytest.approx(150.0), "never more than half the limit"


def test_the_solver_after_the_search_never_answers_worse_than_the_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The searched schedule could not be completed into a full hint, so CP-SAT starts without
    # it; here it stops at its first solution (no one works), far above what the search found.
    searched: list[Any] = []
    inner_search = SOLVE_MODULE._search_part

    def recorded(*args: Any, **kwargs: Any) -> Any:
        found = inner_search(*args, **kwargs)
        searched.append(found)
        return found

    monkeypatch.setattr(SOLVE_MODULE, "_search_part", recorded)
    monkeypatch.setattr(SOLVE_MODULE, "_complete_hint", lambda *a, **k: None)
    real_solve = cp_model.CpSolver.solve
    first_answers: list[float] = []

    def first_solution_without_hint(
        self: cp_model.CpSolver, model: cp_model.CpModel, *args: Any, **kwargs: Any
    ) -> Any:
        model.clear_hints()  # type: ignore[no-untyped-call]
        self.parameters.stop_after_first_solution = True
        self.parameters.num_workers = 1
        code = real_solve(self, model, *args, **kwargs)
        first_answers.append(self.objective_value)
        return code

    monkeypatch.setattr(cp_model.CpSolver, "solve", first_solution_without_hint)
    result = solve(
        two_weeks_of_four_agents(),  # type: ignore[arg-type]
        parameters=SolveParameters(time_limit_seconds=20, decomposition=Decomposition.NONE),
    )
    assert len(searched) == 1, "one part: the whole problem"
    assert searched[0] is not None, "the search ran on it"
    assert first_answers, "CP-SAT went on after the search"
    assert result.objective == pytest.approx(searched[0].cost)
    assert result.objective == pytest.approx(sum(p.cost for p in result.penalties), rel=1e-6)
    assert result.violations == ()
