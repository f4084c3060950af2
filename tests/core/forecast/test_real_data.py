"""On the Anonymous Bank 1999 year (real public data in ../shared/data).

The reference figures are the team's independent measurements in shared/NOTES.md (rolling
origin over the last 56 days of 1999, 30-minute intervals): mean of the same weekday over the
last four weeks about 20% WAPE, same day last week about 26%.
"""

from __future__ import annotations

from datetime import date

import pytest

from bezetting.core.forecast import (
    DailyProfile,
    DayOfMonthDecomposition,
    PipelineOptions,
    SameWeekdayMean,
    SeasonalNaive,
    holiday_events,
    origins_for,
    rolling_origin,
)


@pytest.mark.parametrize(("model", "expected"), [(SameWeekdayMean(weeks=4), 0.20),
                                                 (SeasonalNaive(), 0.26)])  # fmt: skip
def test_baselines_match_the_independent_measurement(bank_year_30min, model, expected):
    origins = origins_for(365, horizon_days=1, n_origins=56)
    bt = rolling_origin(
        bank_year_30min, model, first_day=date(1999, 1, 1), origins=origins, horizon_days=1
    )
    assert bt.wape == pytest.approx(expected, abs=0.01)


def test_the_day_of_month_decomposition_beats_the_planners_baseline(bank_year_30min):
    # The bank's day-of-month pattern (early-month and mid-month peaks, a quiet month end) is
    # what the decomposition learns; the same-weekday mean cannot see it.
    # As in bench/forecast.py: Israel's public holidays taken out and back in.
    options = PipelineOptions(
        events=holiday_events(date(1999, 1, 1), date(1999, 12, 31), country="IL")
    )
    origins = origins_for(365, horizon_days=7, n_origins=56)
    scores = {}
    for model in (SameWeekdayMean(weeks=4), DailyProfile(DayOfMonthDecomposition())):
        bt = rolling_origin(
            bank_year_30min,
            model,
            first_day=date(1999, 1, 1),
            origins=origins,
            horizon_days=7,
            options=options,
        )
        scores[model.name] = bt.wape
    assert scores["DayOfMonthDecomposition x profile"] < 0.95 * scores["SameWeekdayMean4"]
