"""What each planning setting is called on the pages (English source texts, translated where
shown): every rule of the rule pack, the break policy and the objective weights, by the key a
problem file uses. The form's fields carry these keys as names, so a form error names the
setting by its label too (:data:`bezetting.web.error_text.FIELDS`)."""

from __future__ import annotations

from bezetting.web.i18n import _n

__all__ = ["RULE_PACK_NAME_FIELD", "SETTING_LABELS"]

RULE_PACK_NAME_FIELD = "rule_pack_name"
"""The form field of the rule pack's name (``rules.name`` in a problem file)."""

SETTING_LABELS: dict[str, str] = {
    RULE_PACK_NAME_FIELD: _n("Name of the rules (e.g. the collective agreement)"),
    # rules: working time
    "max_work_minutes_per_shift": _n("Work per shift, at most (minutes)"),
    "max_work_minutes_per_week": _n("Work per week, at most (minutes)"),
    "max_avg_work_minutes_per_week_4_weeks": _n(
        "Work per week on average over 4 weeks, at most (minutes)"
    ),
    "max_avg_work_minutes_per_week_16_weeks": _n(
        "Work per week on average over 16 weeks, at most (minutes)"
    ),
    # rules: rest
    "min_daily_rest_minutes": _n("Rest between shifts, at least (minutes)"),
    "min_shortened_daily_rest_minutes": _n("Shortened rest between shifts, at least (minutes)"),
    "shortened_daily_rests_per_7_days": _n("Shortened rests per 7 days, at most"),
    "min_weekly_rest_minutes": _n("Weekly rest per 7 days, at least (minutes)"),
    "min_biweekly_rest_minutes": _n("Or rest per 14 days, at least (minutes)"),
    "min_biweekly_rest_block_minutes": _n("Each block of that rest, at least (minutes)"),
    # rules: breaks
    "break_above_work_minutes": _n("A break when a shift has more work than (minutes)"),
    "break_minutes": _n("That break, at least (minutes)"),
    "long_break_above_work_minutes": _n("A longer break when a shift has more work than (minutes)"),
    "long_break_minutes": _n("That longer break, at least (minutes)"),
    "min_break_part_minutes": _n("Each part of a break, at least (minutes)"),
    "min_work_before_and_after_break_minutes": _n(
        "Work before and after a break, at least (minutes)"
    ),
    # rules: nights and Sundays
    "night_window_start_minute": _n("Night from (minutes after midnight)"),
    "night_window_end_minute": _n("Night until (minutes after midnight)"),
    "night_shift_above_minutes": _n("A night shift has more work at night than (minutes)"),
    "max_work_minutes_per_night_shift": _n("Work per night shift, at most (minutes)"),
    "late_night_end_minute": _n("A late night shift ends after (minutes after midnight)"),
    "min_rest_after_late_night_minutes": _n("Rest after a late night shift, at least (minutes)"),
    "night_series_length": _n("A series of night shifts has at least (shifts)"),
    "min_rest_after_night_series_minutes": _n("Rest after such a series, at least (minutes)"),
    "max_shifts_in_night_series": _n("Shifts in a row with a night shift, at most"),
    "max_night_shifts_per_16_weeks": _n("Night shifts per 16 weeks, at most"),
    "min_free_sundays_per_52_weeks": _n("Free Sundays per 52 weeks, at least"),
    "week_starts_on_weekday": _n("The week starts on (0 Monday to 6 Sunday)"),
    # break policy
    "part_minutes": _n("Breaks are planned in parts of (minutes)"),
    "earliest_after_start_minutes": _n("No break in the first (minutes of a shift)"),
    "latest_before_end_minutes": _n("No break in the last (minutes of a shift)"),
    # weights
    "under_coverage_per_slot": _n("Cost of one agent short for a quarter-hour"),
    "over_coverage_per_slot": _n("Cost of one agent too many for a quarter-hour"),
    "contract_deviation_per_hour": _n("Cost of an hour away from the contract hours"),
    "wish_not_met": _n("Cost of a wish not met"),
    "unfair_share": _n("Cost of an unfair share of evenings, weekends and unmet wishes"),
}
"""Every setting's label by its key; a test keeps it complete."""
