"""Labour rules as data: the Dutch Arbeidstijdenwet (ATW) by default, overridable per agreement.

Every value of :data:`DUTCH_RULES` names its source in the field's metadata (``source``), so
that a planner can check it against the current law text (wetten.overheid.nl, BWBR0007671)
and a collective agreement (cao) can override it::

    cao = DUTCH_RULES.with_overrides(max_work_minutes_per_week=3000)

All durations are in minutes. Rules count across planning periods and across clients: the
validator and the optimiser add an agent's earlier work and, for agency workers, work for
other clients (``Agent.prior_work``) before comparing with a limit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from bezetting.core.errors import InputError

__all__ = ["DEFINITIONS", "DUTCH_RULES", "LOOSER_WHEN", "RulePack", "RuleValue", "less_protective"]


def _rule(value: int, source: str) -> Any:
    return field(default=value, metadata={"source": source})


@dataclass(frozen=True)
class RuleValue:
    """One value of a rule pack with its source, for reports."""

    name: str
    value: int
    source: str


@dataclass(frozen=True)
class RulePack:
    """Limits a schedule must keep. Defaults: Arbeidstijdenwet for adult employees."""

    name: str = "Arbeidstijdenwet (NL)"
    # --- working time --------------------------------------------------------------------
    max_work_minutes_per_shift: int = _rule(12 * 60, "ATW art. 5:7 lid 1: at most 12 h per shift")
    max_work_minutes_per_week: int = _rule(60 * 60, "ATW art. 5:7 lid 1: at most 60 h per week")
    max_avg_work_minutes_per_week_4_weeks: int = _rule(
        55 * 60, "ATW art. 5:7 lid 2: on average at most 55 h per week over 4 consecutive weeks"
    )
    max_avg_work_minutes_per_week_16_weeks: int = _rule(
        48 * 60, "ATW art. 5:7 lid 3: on average at most 48 h per week over 16 consecutive weeks"
    )
    # --- daily rest ----------------------------------------------------------------------
    min_daily_rest_minutes: int = _rule(11 * 60, "ATW art. 5:3 lid 1: 11 h uninterrupted rest")
    min_shortened_daily_rest_minutes: int = _rule(
        8 * 60, "ATW art. 5:3 lid 1: once per 7 x 24 h the rest may be shortened to 8 h"
    )
    shortened_daily_rests_per_7_days: int = _rule(1, "ATW art. 5:3 lid 1: once per 7 x 24 h")
    # --- weekly rest ---------------------------------------------------------------------
    min_weekly_rest_minutes: int = _rule(36 * 60, "ATW art. 5:5 lid 1: 36 h rest per 7 x 24 h")
    min_biweekly_rest_minutes: int = _rule(
        72 * 60, "ATW art. 5:5 lid 1: or 72 h rest per 14 x 24 h"
    )
    min_biweekly_rest_block_minutes: int = _rule(
        32 * 60, "ATW art. 5:5 lid 1: the 72 h may be split in blocks of at least 32 h"
    )
    # --- breaks --------------------------------------------------------------------------
    break_above_work_minutes: int = _rule(
        5 * 60 + 30, "ATW art. 5:4 lid 1: a break when a shift has more than 5.5 h of work"
    )
    break_minutes: int = _rule(30, "ATW art. 5:4 lid 1: 30 min, may be split in 2 x 15 min")
    long_break_above_work_minutes: int = _rule(
        10 * 60, "ATW art. 5:4 lid 2: a longer break above 10 h of work"
    )
    long_break_minutes: int = _rule(45, "ATW art. 5:4 lid 2: 45 min, in parts of at least 15 min")
    min_break_part_minutes: int = _rule(15, "ATW art. 1:7 (pauze): a break lasts at least 15 min")
    min_work_before_and_after_break_minutes: int = _rule(
        15,
        "ATW art. 1:7 (pauze): a break interrupts the shift, so never at its start or end; "
        "the minimum stretch of work around it is this pack's choice",
    )
    # --- night work ----------------------------------------------------------------------
    night_window_start_minute: int = _rule(0, "ATW art. 1:7 (nachtdienst): 00:00 to 06:00")
    night_window_end_minute: int = _rule(6 * 60, "ATW art. 1:7 (nachtdienst): 00:00 to 06:00")
    night_shift_above_minutes: int = _rule(
        60, "ATW art. 1:7 (nachtdienst): more than 1 h of work between 00:00 and 06:00"
    )
    max_work_minutes_per_night_shift: int = _rule(10 * 60, "ATW art. 5:8 lid 1: at most 10 h")
    late_night_end_minute: int = _rule(
        2 * 60, "ATW art. 5:8 lid 3: a night shift that ends after 02:00"
    )
    min_rest_after_late_night_minutes: int = _rule(
        14 * 60, "ATW art. 5:8 lid 3: 14 h rest after a night shift ending after 02:00"
    )
    night_series_length: int = _rule(3, "ATW art. 5:8 lid 4: a series of 3 or more night shifts")
    min_rest_after_night_series_minutes: int = _rule(
        46 * 60, "ATW art. 5:8 lid 4: 46 h rest after a series of 3 or more night shifts"
    )
    max_shifts_in_night_series: int = _rule(
        7,
        "ATW art. 5:8 (series with night shifts): at most 7 shifts in a row when one of them "
        "is a night shift (a collective agreement may allow 8); taken from secondary summaries "
        "of the law: check the article against the current text",
    )
    max_night_shifts_per_16_weeks: int = _rule(
        36, "ATW art. 5:8 lid 2: at most 36 night shifts per 16 consecutive weeks"
    )
    # --- Sundays -------------------------------------------------------------------------
    min_free_sundays_per_52_weeks: int = _rule(
        13, "ATW art. 5:6 lid 1-2: at least 13 free Sundays per 52 weeks"
    )
    # --- definitions ---------------------------------------------------------------------
    week_starts_on_weekday: int = _rule(
        6,
        "ATW art. 1:7 (week): 7 x 24 h from Sunday 00:00 (Monday is 0, Sunday 6 as in "
        "datetime.weekday)",
    )

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name == "name":
                continue
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(f"rule {f.name} must be a non-negative integer, got {value!r}")
        if not 0 <= self.week_starts_on_weekday <= 6:
            raise InputError(
                f"week_starts_on_weekday must be 0 (Monday) to 6 (Sunday), "
                f"got {self.week_starts_on_weekday}"
            )
        if self.min_shortened_daily_rest_minutes > self.min_daily_rest_minutes:
            raise InputError("min_shortened_daily_rest_minutes exceeds min_daily_rest_minutes")

    def with_overrides(self, *, name: str | None = None, **values: int) -> RulePack:
        """A copy with some values replaced (a collective agreement's deviations)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(f"unknown rule(s) {unknown}; valid rules: {sorted(known - {'name'})}")
        label = name if name is not None else f"{self.name} (with overrides)"
        return dataclasses.replace(self, name=label, **values)

    def values(self) -> tuple[RuleValue, ...]:
        """Every value with its source, in declaration order."""
        return tuple(
            RuleValue(f.name, getattr(self, f.name), str(f.metadata["source"]))
            for f in dataclasses.fields(self)
            if f.name != "name"
        )

    def required_break_minutes(self, work_minutes: int) -> int:
        """Minimum total break for a shift with ``work_minutes`` of work."""
        if work_minutes > self.long_break_above_work_minutes:
            return self.long_break_minutes
        if work_minutes > self.break_above_work_minutes:
            return self.break_minutes
        return 0


DUTCH_RULES = RulePack()

# Which way a value protects the worker less than the law: a limit raised ("up") or a minimum
# lowered ("down"). A collective agreement may deviate where the law lets it; a planner who
# types a lower rest by mistake must see that it is below the law, not just "changed".
LOOSER_WHEN: dict[str, str] = {
    "max_work_minutes_per_shift": "up",
    "max_work_minutes_per_week": "up",
    "max_avg_work_minutes_per_week_4_weeks": "up",
    "max_avg_work_minutes_per_week_16_weeks": "up",
    "min_daily_rest_minutes": "down",
    "min_shortened_daily_rest_minutes": "down",
    "shortened_daily_rests_per_7_days": "up",
    "min_weekly_rest_minutes": "down",
    "min_biweekly_rest_minutes": "down",
    "min_biweekly_rest_block_minutes": "down",
    "break_above_work_minutes": "up",
    "break_minutes": "down",
    "long_break_above_work_minutes": "up",
    "long_break_minutes": "down",
    "min_break_part_minutes": "down",
    "night_shift_above_minutes": "up",  # fewer shifts count as night shifts
    "max_work_minutes_per_night_shift": "up",
    "late_night_end_minute": "up",  # fewer night shifts need the 14 h rest
    "min_rest_after_late_night_minutes": "down",
    "night_series_length": "up",
    "min_rest_after_night_series_minutes": "down",
    "max_shifts_in_night_series": "up",
    "max_night_shifts_per_16_weeks": "up",
    "min_free_sundays_per_52_weeks": "down",
}
# Values that define terms rather than protect: moving them is neither more nor less protection.
DEFINITIONS = frozenset(
    {
        "min_work_before_and_after_break_minutes",
        "night_window_start_minute",
        "night_window_end_minute",
        "week_starts_on_weekday",
    }
)


def less_protective(pack: RulePack, law: RulePack = DUTCH_RULES) -> tuple[RuleValue, ...]:
    """The values of ``pack`` that give the worker less protection than ``law``."""
    out = []
    for value in pack.values():
        direction = LOOSER_WHEN.get(value.name)
        reference = getattr(law, value.name)
        if (direction == "up" and value.value > reference) or (
            direction == "down" and value.value < reference
        ):
            out.append(value)
    return tuple(out)
