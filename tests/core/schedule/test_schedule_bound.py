"""The relaxation bound: the same programme, written so that HiGHS can keep to its clock.

The coverage, break-window and contract rows once summed every shift into every slot and
every week row it touched; with freely designed shifts (thousands of candidates of 16-36
slots) that made the programme dense, and HiGHS's interior point ran 30-50 s past a limit of
half a second on the demo. Running sums give the same optimum with a few entries per shift.
"""

from __future__ import annotations

import numpy as np
import pytest
from _free_design import free_design_problem

from bezetting.core.schedule._bound import lp_lower_bound, relaxation
from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule.builders import ModelContext


def _context(agents: int) -> ModelContext:
    prob = free_design_problem(7, agents=agents)
    grid = prob.horizon.grid()
    return ModelContext(prob, grid, build_candidates(prob, grid))


def test_a_shift_enters_a_few_rows_however_many_slots_it_covers() -> None:
    ctx = _context(3)
    lp = relaxation(ctx)
    longest = max(c.last - c.first for agent in ctx.candidates for c in agent)
    assert longest >= 30  # free design: shifts of up to 9 hours, 36 quarter hours
    entries = np.zeros(lp.n_vars, dtype=np.int64)
    for rows in (lp.le, lp.eq):
        entries += np.bincount(np.asarray(rows.c, dtype=np.int64), minlength=lp.n_vars)
    per_shift = entries[lp.shift_columns]
    # one day row, start and end of duty, window open and close, the week's work, events
    assert int(per_shift.max()) <= 8


def test_the_bound_is_the_one_of_every_shift_summed_into_every_slot() -> None:
    # 532,815.62: the same instance's bound from the former formulation (every shift in every
    # row of a slot, window slot and week it touched), computed before the change.
    assert lp_lower_bound(_context(3), time_limit_seconds=120) == pytest.approx(532_815.62)


def test_without_time_to_finish_there_is_no_bound_rather_than_a_late_one() -> None:
    assert lp_lower_bound(_context(3), time_limit_seconds=0.001) is None
