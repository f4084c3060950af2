"""The rule pack: Dutch defaults with their sources, overridable by a collective agreement."""

from __future__ import annotations

import pytest

from bezetting.core.errors import InputError
from bezetting.core.schedule import DUTCH_RULES, RulePack
from bezetting.core.schedule.rules import DEFINITIONS, LOOSER_WHEN, less_protective


def test_dutch_defaults_match_the_arbeidstijdenwet() -> None:
    r = DUTCH_RULES
    assert (r.max_work_minutes_per_shift, r.max_work_minutes_per_week) == (12 * 60, 60 * 60)
    assert r.max_avg_work_minutes_per_week_4_weeks == 55 * 60
    assert r.max_avg_work_minutes_per_week_16_weeks == 48 * 60
    assert (r.min_daily_rest_minutes, r.min_shortened_daily_rest_minutes) == (11 * 60, 8 * 60)
    assert (r.min_weekly_rest_minutes, r.min_biweekly_rest_minutes) == (36 * 60, 72 * 60)
    assert r.min_biweekly_rest_block_minutes == 32 * 60
    assert (r.break_minutes, r.long_break_minutes, r.min_break_part_minutes) == (30, 45, 15)
    assert r.max_work_minutes_per_night_shift == 10 * 60
    assert (r.min_rest_after_late_night_minutes, r.min_rest_after_night_series_minutes) == (
        14 * 60,
        46 * 60,
    )
    assert (r.max_night_shifts_per_16_weeks, r.min_free_sundays_per_52_weeks) == (36, 13)


def test_every_value_cites_an_article() -> None:
    values = DUTCH_RULES.values()
    assert len(values) >= 25
    assert all(v.source.startswith("ATW art.") for v in values)


def test_required_break_follows_article_5_4() -> None:
    assert DUTCH_RULES.required_break_minutes(330) == 0
    assert DUTCH_RULES.required_break_minutes(331) == 30
    assert DUTCH_RULES.required_break_minutes(600) == 30
    assert DUTCH_RULES.required_break_minutes(601) == 45


def test_a_collective_agreement_overrides_values() -> None:
    cao = DUTCH_RULES.with_overrides(name="cao contact centres", max_work_minutes_per_shift=9 * 60)
    assert cao.max_work_minutes_per_shift == 540
    assert cao.name == "cao contact centres"
    assert DUTCH_RULES.max_work_minutes_per_shift == 720


def test_unknown_or_invalid_overrides_are_refused() -> None:
    with pytest.raises(InputError, match="unknown rule"):
        DUTCH_RULES.with_overrides(max_hours=3)
    with pytest.raises(InputError, match="non-negative"):
        RulePack(max_work_minutes_per_week=-1)
    with pytest.raises(InputError, match="week_starts_on_weekday"):
        RulePack(week_starts_on_weekday=7)


def test_every_rule_says_which_way_it_protects_less_or_that_it_defines_a_term() -> None:
    names = {v.name for v in DUTCH_RULES.values()}
    assert set(LOOSER_WHEN) | DEFINITIONS == names
    assert not set(LOOSER_WHEN) & DEFINITIONS


def test_values_below_the_law_are_named_and_stricter_ones_are_not() -> None:
    cao = DUTCH_RULES.with_overrides(
        min_daily_rest_minutes=300,  # 5 h rest: below the law's 11 h
        min_shortened_daily_rest_minutes=240,
        max_work_minutes_per_shift=900,  # 15 h: above the law's 12 h
        max_work_minutes_per_week=50 * 60,  # stricter: fine
        week_starts_on_weekday=0,  # a definition, not protection
    )
    assert [v.name for v in less_protective(cao)] == [
        "max_work_minutes_per_shift",
        "min_daily_rest_minutes",
        "min_shortened_daily_rest_minutes",
    ]
    assert less_protective(DUTCH_RULES) == ()
