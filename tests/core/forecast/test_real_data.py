"""On the Anonymous Bank 1999 year (real public data in ../shared/data).

The reference figures are the team's independent measurements in shared/NOTES.md (rolling
origin over the last 56 days of 1999, 30-minute intervals): mean of the same weekday over the
last four weeks about 20% WAPE, same day last week about 26%.
"""

from __future__ import annotations

from datetime import date

import pytest

from bezetting.core.forecast import SameWeekdayMean, SeasonalNaive, origins_for, rolling_origin


@pytest.mark.parametrize(("model", "expected"), [(SameWeekdayMean(weeks=4), 0.20),
                                                 (SeasonalNaive(), 0.26)])  # fmt: skip
def test_baselines_match_the_independent_measurement(bank_year_30min, model, expected):
    origins = origins_for(365, horizon_days=1, n_origins=56)
    bt = rolling_origin(
        bank_year_30min, model, first_day=date(1999, 1, 1), origins=origins, horizon_days=1
    )
    assert bt.wape == pytest.approx(expected, abs=0.01)
